import { UserError } from '../util/errors.ts';
import { clippedMatches, NgramInterner } from './ngramInterner.ts';
import { rougeTokenizer, type RougeTokenizer, type RougeTokenizerName } from './rougeTokenizer.ts';
import { formatSignature, ROUGE_SCORE_COMPAT, type SignatureFields } from './signature.ts';

/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum exactly as rouge-score 0.1.2 (`RougeScorer.score` and
 * `score_multi`). Why hand-written: the npm `rouge`/`js-rouge` packages tokenize, stem and treat
 * summary-level LCS differently, so their numbers are not the ones papers report.
 *
 * Behaviour that matters for parity: rougeLsum splits on "\n" only and drops empty lines; its
 * union-LCS takes, per candidate sentence, the LCS found by backtracking that moves up in the
 * reference on ties, and hits are capped by token counts. Empty inputs give 0 (integer 0 for L/Lsum
 * upstream, which is the same number here).
 */

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** `rouge1`…`rouge9`, `rougeL`, `rougeLsum` (rouge-score accepts one digit only). */
export type RougeType = string;

export const DEFAULT_ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeScorerOptions {
  /** Default rouge1, rouge2, rougeL, rougeLsum. */
  types?: readonly RougeType[];
  /** Porter-stem tokens longer than 3 characters (rouge-score `use_stemmer`). */
  useStemmer?: boolean;
  /** 'default' = rouge-score's tokenizer; 'unicode' = ours, for non-Latin scripts; or a custom one. */
  tokenizer?: RougeTokenizerName | RougeTokenizer;
}

export interface RougeScorer {
  readonly types: readonly RougeType[];
  readonly tokenizer: RougeTokenizer;
  readonly useStemmer: boolean;
  /** `tok:default|stem:no|version:peft-lab:…`. */
  readonly signature: string;
  readonly signatureFields: SignatureFields;
  /** What the numbers match: rouge-score 0.1.2, or that plus our Unicode tokenizer. */
  readonly compat: string;
  /** rouge-score `score(target, prediction)`: note the order, reference first. */
  score(target: string, prediction: string): Record<RougeType, RougeScore>;
  /** rouge-score `score_multi`: per type, the target with the highest F (ties: the first). */
  scoreMulti(targets: readonly string[], prediction: string): Record<RougeType, RougeScore>;
}

export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0.0;
}

/** ROUGE-N from n-gram ids of the target (interned) and prediction (looked up). */
function scoreNgrams(target: Int32Array, prediction: Int32Array, scratch: Int32Array): RougeScore {
  const inter = clippedMatches(prediction, target, scratch);
  const precision = inter / Math.max(prediction.length, 1);
  const recall = inter / Math.max(target.length, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

type Ids = ArrayLike<number>;

/** The LCS dynamic-programming table, (rows+1) x (cols+1), flattened. */
function lcsTable(ref: Ids, can: Ids): Int32Array {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= can.length; j++) {
      const k = i * cols + j;
      if (r === can[j - 1]) t[k] = t[k - cols - 1]! + 1;
      else {
        const up = t[k - cols]!;
        const left = t[k - 1]!;
        t[k] = Math.max(up, left);
      }
    }
  }
  return t;
}

function lcsLength(ref: Ids, can: Ids): number {
  // Two rows suffice for the length.
  let prev = new Int32Array(can.length + 1);
  let cur = new Int32Array(can.length + 1);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= can.length; j++) cur[j] = r === can[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[can.length]!;
}

/** Reference indices of one LCS, read back as rouge-score's `_backtrack_norec` does (ties: move up). */
function lcsIndices(ref: Ids, can: Ids): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  let i = ref.length;
  let j = can.length;
  const out: number[] = [];
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1]! > t[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return out.reverse();
}

function scoreLcs(target: Ids, prediction: Ids): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const l = lcsLength(target, prediction);
  const precision = l / prediction.length;
  const recall = l / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

function countTokens(sentences: readonly Ids[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of sentences) for (let i = 0; i < s.length; i++) m.set(s[i]!, (m.get(s[i]!) ?? 0) + 1);
  return m;
}

/** Summary-level LCS (ROUGE paper §3.2) with rouge-score's double-counting guard. */
function summaryLevelLcs(refSents: readonly Ids[], canSents: readonly Ids[]): RougeScore {
  if (refSents.length === 0 || canSents.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  let m = 0;
  for (const s of refSents) m += s.length;
  let n = 0;
  for (const s of canSents) n += s.length;
  if (!n || !m) return { precision: 0, recall: 0, fmeasure: 0 };
  const cntR = countTokens(refSents);
  const cntC = countTokens(canSents);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const i of lcsIndices(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const t = r[i]!;
      if (cntC.get(t)! > 0 && cntR.get(t)! > 0) {
        hits += 1;
        cntC.set(t, cntC.get(t)! - 1);
        cntR.set(t, cntR.get(t)! - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rougeLsum's sentences: split on "\n" only, empty strings dropped (a lone "\r" stays). */
function summarySentences(text: string): string[] {
  return text.split('\n').filter((s) => s.length > 0);
}

function checkType(t: RougeType): void {
  if (t === 'rougeL' || t === 'rougeLsum') return;
  const m = /^rouge([0-9])$/.exec(t);
  if (!m || m[1] === '0') throw new UserError(`invalid ROUGE type '${t}'; valid: rouge1 … rouge9, rougeL, rougeLsum`);
}

/** rouge-score `RougeScorer.score`: each type's score of `prediction` against `target`. */
function scoreTexts(args: { types: readonly RougeType[]; tok: RougeTokenizer; target: string; prediction: string }): Record<RougeType, RougeScore> {
  const { types, tok, target, prediction } = args;
  // Tokens become small integer ids (equal ids = equal strings) for fast n-gram and LCS work.
  const interner = new NgramInterner();
  const ids = (tokens: readonly string[]) => Int32Array.from(tokens, (t) => interner.word(t, true));
  const onlyLsum = types.length === 1 && types[0] === 'rougeLsum';
  const tt = onlyLsum ? new Int32Array(0) : ids(tok.tokenize(target));
  const pt = onlyLsum ? new Int32Array(0) : ids(tok.tokenize(prediction));
  const result: Record<RougeType, RougeScore> = {};
  for (const t of types) {
    if (t === 'rougeL') result[t] = scoreLcs(tt, pt);
    else if (t === 'rougeLsum')
      result[t] = summaryLevelLcs(
        summarySentences(target).map((s) => ids(tok.tokenize(s))),
        summarySentences(prediction).map((s) => ids(tok.tokenize(s))),
      );
    else {
      const n = Number(t.slice(5));
      const tg = interner.ngrams(tt, n, true)[n - 1]!;
      const pg = interner.ngrams(pt, n, false)[n - 1]!;
      result[t] = scoreNgrams(tg, pg, new Int32Array(interner.size));
    }
  }
  return result;
}

/** rouge-score `RougeScorer.score_multi`: per type, the target with the highest F (ties: the first). */
function scoreMultiTargets(args: {
  types: readonly RougeType[];
  score: (target: string, prediction: string) => Record<RougeType, RougeScore>;
  targets: readonly string[];
  prediction: string;
}): Record<RougeType, RougeScore> {
  const { types, score, targets, prediction } = args;
  if (targets.length === 0) throw new UserError('scoreMulti needs at least one target');
  const all = targets.map((t) => score(t, prediction));
  const out: Record<RougeType, RougeScore> = {};
  for (const t of types) {
    let best = 0;
    for (let i = 1; i < all.length; i++) if (all[i]![t]!.fmeasure > all[best]![t]!.fmeasure) best = i;
    out[t] = all[best]![t]!;
  }
  return out;
}

/** rouge-score `RougeScorer(rouge_types, use_stemmer)` with a choice of tokenizer. */
export function rougeScorer(opts: RougeScorerOptions = {}): RougeScorer {
  const types = [...(opts.types ?? DEFAULT_ROUGE_TYPES)];
  if (types.length === 0) throw new UserError('at least one ROUGE type is needed');
  types.forEach(checkType);
  const useStemmer = opts.useStemmer ?? false;
  const tok = typeof opts.tokenizer === 'object' ? opts.tokenizer : rougeTokenizer(opts.tokenizer ?? 'default', useStemmer);
  const signatureFields: SignatureFields = [
    ['tok', tok.name],
    ['stem', useStemmer],
  ];
  const compat =
    tok.name === 'default' ? ROUGE_SCORE_COMPAT : `${ROUGE_SCORE_COMPAT} scoring with the '${tok.name}' tokenizer (rouge-score has no such tokenizer)`;

  const score = (target: string, prediction: string) => scoreTexts({ types, tok, target, prediction });
  const scoreMulti = (targets: readonly string[], prediction: string) => scoreMultiTargets({ types, score, targets, prediction });

  return {
    types,
    tokenizer: tok,
    useStemmer,
    signature: formatSignature(signatureFields),
    signatureFields,
    compat,
    score,
    scoreMulti,
  };
}
