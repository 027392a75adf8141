import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BLEU, type BleuScore, type SmoothMethod, SMOOTH_DEFAULTS } from '../../metrics/bleu.ts';
import { BLEU_TOKENIZERS, type BleuTokenizerName } from '../../metrics/bleuTokenizers.ts';
import { SACREBLEU_DEFAULT_SEED } from '../../metrics/bootstrap.ts';
import { CHRF, type ChrfScore } from '../../metrics/chrf.ts';
import { numpyMean } from '../../metrics/pyNumeric.ts';
import { pyRstrip } from '../../metrics/pythonText.ts';
import { DEFAULT_ROUGE_TYPES, rougeScorer, type RougeScore, type RougeScorer, type RougeType } from '../../metrics/rouge.ts';
import { rougeBootstrapAggregate } from '../../metrics/rougeBootstrap.ts';
import { ROUGE_TOKENIZERS, type RougeTokenizerName } from '../../metrics/rougeTokenizer.ts';
import type { ReferenceStreams, Scored } from '../../metrics/sacreMetric.ts';
import { formatSignature } from '../../metrics/signature.ts';
import { TER, type TerScore } from '../../metrics/ter.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, type ArgValues, type Command } from '../command.ts';

/*
 * `peft-lab score`: BLEU, chrF, chrF++, TER (sacrebleu 2.6.0) and ROUGE (rouge-score 0.1.2) on text
 * files or JSONL, printed as one JSON object keyed by metric (an array of them with --sentence).
 * Text files are read as sacrebleu's CLI reads them: split on "\n" only, each line right-stripped.
 */

/** What --metrics accepts: sacrebleu's metrics by its names, and `rouge` for all of rouge-score's default types. */
const SCORE_METRICS = ['bleu', 'chrf', 'chrf++', 'ter', 'rouge', 'rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;
type ScoreMetric = (typeof SCORE_METRICS)[number];

interface Corpus {
  hypotheses: string[];
  /** Per segment, its references (at least one). */
  references: string[][];
}

interface ScoreSettings {
  metrics: ScoreMetric[];
  rougeTypes: RougeType[];
  tokenize: BleuTokenizerName;
  lowercase: boolean;
  smooth: SmoothMethod;
  smoothValue: number | null;
  rougeStemmer: boolean;
  rougeTokenizer: RougeTokenizerName;
  sentence: boolean;
  confidence: boolean;
  seed: number | null;
}

function choice<T extends string>(value: unknown, flag: string, valid: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !valid.includes(value as T))
    throw new UserError(`score: --${flag} '${String(value)}' is not valid; valid: ${valid.join(', ')}`);
  return value as T;
}

/** sacrebleu reads its seed from SACREBLEU_SEED ('none' = from the OS), default 12345. */
function seedFromEnv(): number | null {
  const v = process.env.SACREBLEU_SEED;
  if (v === undefined || v === '') return SACREBLEU_DEFAULT_SEED;
  if (v.toLowerCase() === 'none') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`SACREBLEU_SEED must be a non-negative integer or 'none', got '${v}'`);
  return n;
}

function parseSettings(v: ArgValues): ScoreSettings {
  const raw = typeof v.metrics === 'string' ? v.metrics : 'bleu';
  const metrics: ScoreMetric[] = [];
  for (const part of raw.split(',').map((s) => s.trim())) {
    if (!SCORE_METRICS.includes(part as ScoreMetric))
      throw new UserError(`score: unknown metric '${part}' in --metrics; valid: bleu, chrf, chrf++, ter, rouge (or rouge1, rouge2, rougeL, rougeLsum)`);
    if (!metrics.includes(part as ScoreMetric)) metrics.push(part as ScoreMetric);
  }
  const rougeTypes = DEFAULT_ROUGE_TYPES.filter((t) => metrics.includes('rouge') || metrics.includes(t as ScoreMetric));
  let smoothValue: number | null = null;
  if (v['smooth-value'] !== undefined) {
    smoothValue = Number(v['smooth-value']);
    if (!Number.isFinite(smoothValue)) throw new UserError(`score: --smooth-value must be a number, got '${String(v['smooth-value'])}'`);
  }
  const s: ScoreSettings = {
    metrics,
    rougeTypes,
    tokenize: choice(v.tokenize, 'tokenize', BLEU_TOKENIZERS, '13a'),
    lowercase: v.lowercase === true,
    smooth: choice(v.smooth, 'smooth', Object.keys(SMOOTH_DEFAULTS) as SmoothMethod[], 'exp'),
    smoothValue,
    rougeStemmer: v['rouge-stemmer'] === true,
    rougeTokenizer: choice(v['rouge-tokenizer'], 'rouge-tokenizer', ROUGE_TOKENIZERS, 'default'),
    sentence: v.sentence === true,
    confidence: v.confidence === true,
    seed: SACREBLEU_DEFAULT_SEED,
  };
  if (s.sentence && s.confidence) throw new UserError('score: --confidence applies to corpus scores; drop --sentence or --confidence');
  if (s.confidence) s.seed = seedFromEnv();
  return s;
}

function readUtf8(file: string, flag: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserError(`score: cannot read ${flag} '${file}': ${why}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new UserError(`score: ${flag} '${file}' is not valid UTF-8`);
  }
}

/** Lines as Python's text iteration with newline="\n" yields them, right-stripped like sacrebleu's CLI. */
function readLines(file: string, flag: string): string[] {
  const text = readUtf8(file, flag);
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(pyRstrip);
}

function readTextCorpus(hypFile: string, refFiles: string[]): Corpus {
  const hypotheses = readLines(hypFile, '--hyp');
  const streams = refFiles.map((f) => readLines(f, '--ref'));
  streams.forEach((lines, k) => {
    if (lines.length !== hypotheses.length)
      throw new UserError(`score: --ref '${refFiles[k]}' has ${lines.length} lines but --hyp '${hypFile}' has ${hypotheses.length}; each line is one segment`);
  });
  // An empty corpus is reported here, where the file is known, so that the message names it.
  if (hypotheses.length === 0) throw new UserError(`score: --hyp '${hypFile}' has no segments (the file is empty)`);
  return { hypotheses, references: hypotheses.map((_, i) => streams.map((s) => s[i]!)) };
}

function readJsonlCorpus(file: string): Corpus {
  const text = readUtf8(file, '--jsonl');
  const corpus: Corpus = { hypotheses: [], references: [] };
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `score: --jsonl '${file}' line ${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new UserError(`${where}: not JSON (${(e as Error).message})`);
    }
    const o = obj as { hypothesis?: unknown; references?: unknown };
    if (typeof o !== 'object' || o === null || typeof o.hypothesis !== 'string')
      throw new UserError(`${where}: expected {"hypothesis": "...", "references": ["...", ...]}`);
    if (!Array.isArray(o.references) || o.references.length === 0 || !o.references.every((r) => typeof r === 'string'))
      throw new UserError(`${where}: "references" must be a non-empty list of strings`);
    corpus.hypotheses.push(o.hypothesis);
    corpus.references.push(o.references as string[]);
  });
  if (corpus.hypotheses.length === 0) throw new UserError(`score: --jsonl '${file}' has no segments (every line is blank)`);
  return corpus;
}

function readCorpus(v: ArgValues, positionals: string[]): Corpus {
  if (positionals.length) throw new UserError(`score: unexpected argument '${positionals[0]}'; give files with --hyp/--ref or --jsonl`);
  const hyp = v.hyp;
  const refs = (Array.isArray(v.ref) ? v.ref : v.ref === undefined ? [] : [v.ref]).map(String);
  const jsonl = v.jsonl;
  if (typeof jsonl === 'string') {
    if (hyp !== undefined || refs.length) throw new UserError('score: give either --jsonl or --hyp with --ref, not both');
    return readJsonlCorpus(jsonl);
  }
  if (typeof hyp !== 'string' || hyp === '') throw new UserError('score: --hyp FILE (with --ref FILE ...) or --jsonl FILE is required');
  if (refs.length === 0) throw new UserError('score: at least one --ref FILE is needed with --hyp');
  return readTextCorpus(hyp, refs);
}

/** sacrebleu's stream layout; segments with fewer references get null (a variable count). */
function streams(c: Corpus): ReferenceStreams {
  // A loop, not Math.max(...): spreading one argument per segment overflows the stack on large corpora.
  let n = 0;
  for (const r of c.references) if (r.length > n) n = r.length;
  return Array.from({ length: n }, (_, k) => c.references.map((r) => r[k] ?? null));
}

function confidenceFields(s: Scored<{ score: number }>): Record<string, number> {
  return s.confidence ? { mean: s.confidence.mean, ci: s.confidence.ci } : {};
}

function bleuJson(s: BleuScore): Record<string, unknown> {
  return {
    score: s.score,
    counts: s.counts,
    totals: s.totals,
    precisions: s.precisions,
    bp: s.bp,
    sys_len: s.sysLen,
    ref_len: s.refLen,
    ...confidenceFields(s),
    signature: s.signature,
    compat: s.compat,
  };
}

function chrfJson(name: string, s: ChrfScore): Record<string, unknown> {
  return { score: s.score, name, ...confidenceFields(s), signature: s.signature, compat: s.compat };
}

function terJson(s: TerScore): Record<string, unknown> {
  return { score: s.score, num_edits: s.numEdits, ref_length: s.refLength, ...confidenceFields(s), signature: s.signature, compat: s.compat };
}

function sacreMetrics(set: ScoreSettings, sentence: boolean) {
  const has = (m: ScoreMetric) => set.metrics.includes(m);
  return {
    bleu: has('bleu')
      ? new BLEU({ tokenize: set.tokenize, lowercase: set.lowercase, smoothMethod: set.smooth, smoothValue: set.smoothValue, effectiveOrder: sentence })
      : undefined,
    chrf: has('chrf') ? new CHRF() : undefined,
    chrfpp: has('chrf++') ? new CHRF({ wordOrder: 2 }) : undefined,
    ter: has('ter') ? new TER() : undefined,
  };
}

function rougeFor(scorer: RougeScorer, refs: string[], hyp: string): Record<string, RougeScore> {
  return refs.length === 1 ? scorer.score(refs[0]!, hyp) : scorer.scoreMulti(refs, hyp);
}

function scoreSentences(c: Corpus, set: ScoreSettings): Record<string, unknown>[] {
  const m = sacreMetrics(set, true);
  const scorer = set.rougeTypes.length ? rougeScorer({ types: set.rougeTypes, useStemmer: set.rougeStemmer, tokenizer: set.rougeTokenizer }) : undefined;
  return c.hypotheses.map((hyp, i) => {
    const refs = c.references[i]!;
    const out: Record<string, unknown> = {};
    if (m.bleu) out.bleu = bleuJson(m.bleu.sentenceScore(hyp, refs));
    if (m.chrf) out.chrf = chrfJson(m.chrf.name, m.chrf.sentenceScore(hyp, refs));
    if (m.chrfpp) out['chrf++'] = chrfJson(m.chrfpp.name, m.chrfpp.sentenceScore(hyp, refs));
    if (m.ter) out.ter = terJson(m.ter.sentenceScore(hyp, refs));
    if (scorer) {
      const r = rougeFor(scorer, refs, hyp);
      for (const t of set.rougeTypes) out[t] = { ...r[t]!, signature: scorer.signature, compat: scorer.compat };
    }
    return out;
  });
}

function scoreCorpus(c: Corpus, set: ScoreSettings): Record<string, unknown> {
  const m = sacreMetrics(set, false);
  const refs = streams(c);
  const boot = set.confidence ? { seed: set.seed } : undefined;
  const out: Record<string, unknown> = {};
  if (m.bleu) out.bleu = bleuJson(m.bleu.corpusScore(c.hypotheses, refs, boot));
  if (m.chrf) out.chrf = chrfJson(m.chrf.name, m.chrf.corpusScore(c.hypotheses, refs, boot));
  if (m.chrfpp) out['chrf++'] = chrfJson(m.chrfpp.name, m.chrfpp.corpusScore(c.hypotheses, refs, boot));
  if (m.ter) out.ter = terJson(m.ter.corpusScore(c.hypotheses, refs, boot));
  if (set.rougeTypes.length) {
    const scorer = rougeScorer({ types: set.rougeTypes, useStemmer: set.rougeStemmer, tokenizer: set.rougeTokenizer });
    const perSegment = c.hypotheses.map((hyp, i) => rougeFor(scorer, c.references[i]!, hyp));
    // Corpus ROUGE is the mean of segment scores (as np.mean over rouge-score's per-example scores).
    // The bootstrap draws from numpy's legacy stream seeded like sacrebleu's (SACREBLEU_SEED=none: from the OS).
    const rougeSeed = set.seed ?? randomInt(2 ** 32);
    const agg = set.confidence ? rougeBootstrapAggregate(perSegment, { seed: rougeSeed }) : undefined;
    const signature = agg ? formatSignature([['bs', 1000], ['seed', set.seed === null ? 'none' : rougeSeed], ...scorer.signatureFields]) : scorer.signature;
    for (const t of set.rougeTypes) {
      const mean = (k: keyof RougeScore) => numpyMean(perSegment.map((s) => s[t]![k]));
      out[t] = {
        precision: mean('precision'),
        recall: mean('recall'),
        fmeasure: mean('fmeasure'),
        ...(agg ? { low: agg[t]!.low, mid: agg[t]!.mid, high: agg[t]!.high } : {}),
        signature,
        compat: scorer.compat,
      };
    }
  }
  return out;
}

export const command: Command = {
  name: 'score',
  summary: 'BLEU, chrF, chrF++, TER and ROUGE exactly as sacrebleu / rouge-score',
  usage:
    'peft-lab score --metrics bleu,chrf,chrf++,ter,rouge [--tokenize 13a|intl|none|char] [--lowercase] ' +
    '[--smooth exp|none|floor|add-k] [--smooth-value X] [--rouge-stemmer] [--rouge-tokenizer default|unicode] ' +
    '[--sentence] [--confidence] (--hyp FILE --ref FILE [--ref FILE ...] | --jsonl FILE)\n' +
    '  text files: one segment per line; --jsonl lines: {"hypothesis": "...", "references": ["...", ...]}\n' +
    '  prints {"bleu": {...}, "chrf": {...}, "chrf++": {...}, "ter": {...}, "rouge1": {...}, ...} ' +
    '(a JSON array, one per segment, with --sentence); --lowercase and --tokenize/--smooth apply to BLEU, as in sacrebleu.\n' +
    '  --confidence: 1000 bootstrap resamples, seed SACREBLEU_SEED or 12345 (BLEU/chrF/TER: mean and ci; ROUGE: low/mid/high)',
  options: {
    metrics: { type: 'string' },
    tokenize: { type: 'string' },
    lowercase: { type: 'boolean' },
    smooth: { type: 'string' },
    'smooth-value': { type: 'string' },
    'rouge-stemmer': { type: 'boolean' },
    'rouge-tokenizer': { type: 'string' },
    sentence: { type: 'boolean' },
    confidence: { type: 'boolean' },
    hyp: { type: 'string' },
    ref: { type: 'string', multiple: true },
    jsonl: { type: 'string' },
  },
  async run(values, positionals) {
    const set = parseSettings(values);
    const corpus = readCorpus(values, positionals); // never empty: the readers name an empty file
    printJson(set.sentence ? scoreSentences(corpus, set) : scoreCorpus(corpus, set));
  },
};
