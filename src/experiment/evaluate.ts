/**
 * Scores a system's test outputs with every metric the report shows, each with a 95% bootstrap
 * interval, plus quality per text type, the error analysis and a few side-by-side examples.
 *
 * - BLEU, chrF, chrF++: sacrebleu 2.6 defaults (13a tokenization for BLEU, chrF β=2, chrF++ with word
 *   bigrams); the interval comes from sacrebleu's `--confidence` resamples (1000, seed 12345) as a
 *   percentile interval: the 26th and 975th of the sorted resample scores, the ends sacrebleu halves into
 *   its ± (same width). Its printed mean ± half-width would put a skewed interval near 0 below 0,
 *   which no score can reach.
 * - Mean sentence BLEU: sacrebleu's sentence_bleu (effective order) averaged over segments; percentile
 *   interval from the same resamples of segments.
 * - ROUGE-1/2/L/Lsum (F, ×100): rouge-score 0.1.2 with its BootstrapAggregator (2.5th/97.5th
 *   percentiles). English summaries use rouge-score's tokenizer with the Porter stemmer (its usual
 *   setting for summarization); Russian output uses our Unicode tokenizer, because rouge-score's own
 *   drops every non-ASCII letter and would score any Russian text 0.
 *
 * - COMET (translation only): an external scorer's system score (src/metrics/comet.ts) with a
 *   percentile interval over its segment scores, resampled as the mean sentence BLEU's; "not run"
 *   with the reason when no scorer is configured or it fails.
 *
 * Main metric: chrF for translation (at this model scale BLEU is noise decided by a few common words,
 * while chrF separates systems with intervals of a fraction of a point — see
 * ../shared/REFERENCE_RESULTS.md), ROUGE-L for summarization.
 */
import type { Task } from '../data/index.ts';
import { BLEU } from '../metrics/bleu.ts';
import { bootstrapResampleIndices, percentileInterval, SACREBLEU_DEFAULT_SEED } from '../metrics/bootstrap.ts';
import { CHRF } from '../metrics/chrf.ts';
import { cometCommand, cometScore, missingScorerReason } from '../metrics/comet.ts';
import { rougeScorer, type RougeScore, type RougeScorer } from '../metrics/rouge.ts';
import { ROUGE_DEFAULT_SEED, rougeBootstrapAggregate } from '../metrics/rougeBootstrap.ts';
import { UserError } from '../util/errors.ts';
import { degenerationProfile } from './degeneration.ts';
import { analyseErrors } from './errorAnalysis.ts';
import type { CometRecord, DegenerationProfile, DomainQuality, ErrorAnalysis, ExampleOutput, MetricName, Quality, ScoreWithCi } from './results.ts';
import { textType } from './textTypes.ts';

export interface OutputRow {
  id: string;
  domain?: string;
  source: string;
  reference: string;
  prediction: string;
  truncated?: boolean;
}

export interface EvaluationOptions {
  /** Bootstrap resamples (default 1000, as sacrebleu and rouge-score). */
  bootstrapSamples?: number;
  /** Examples kept for the report (the first n rows, so every method shows the same inputs). */
  examplesShown?: number;
}

export interface Evaluation {
  quality: Quality;
  main_metric: MetricName;
  per_domain: DomainQuality[];
  errors: ErrorAnalysis;
  degeneration: DegenerationProfile;
  examples: ExampleOutput[];
}

export const MAIN_METRIC: Readonly<Record<Task, MetricName>> = { translation: 'chrf', summarization: 'rougeL' };

const ROUGE_TYPES = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;

/** The ROUGE setting each task uses (see the module comment). */
export function rougeFor(task: Task): RougeScorer {
  return task === 'translation'
    ? rougeScorer({ types: ROUGE_TYPES, tokenizer: 'unicode', useStemmer: false })
    : rougeScorer({ types: ROUGE_TYPES, tokenizer: 'default', useStemmer: true });
}

const bleu = new BLEU();
const sentenceBleuMetric = new BLEU({ effectiveOrder: true });
const chrf = new CHRF();
const chrfpp = new CHRF({ wordOrder: 2 });

function sacreCi(metric: BLEU | CHRF, hyps: string[], refs: string[], nSamples: number): ScoreWithCi {
  const s = metric.corpusScore(hyps, [refs], { nSamples, seed: SACREBLEU_DEFAULT_SEED });
  return { score: s.score, ...percentileInterval(s.confidence!.resampleScores) };
}

/** Mean of per-segment values with a percentile interval over sacrebleu's resamples (same resampling and trimming). */
export function meanWithCi(values: readonly number[], nSamples: number): ScoreWithCi {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { score: mean, low: mean, high: mean };
  const rows = bootstrapResampleIndices(n, nSamples, SACREBLEU_DEFAULT_SEED);
  const means = rows.map((r) => {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += values[r[i]!]!;
    return s / r.length;
  });
  return { score: mean, ...percentileInterval(means) };
}

/** Per-segment ROUGE F scores (×100) for each type. */
export function rougeSegments(task: Task, hyps: readonly string[], refs: readonly string[]): Record<(typeof ROUGE_TYPES)[number], number[]> {
  const scorer = rougeFor(task);
  const out = { rouge1: [] as number[], rouge2: [] as number[], rougeL: [] as number[], rougeLsum: [] as number[] };
  hyps.forEach((h, i) => {
    const s = scorer.score(refs[i]!, h);
    for (const t of ROUGE_TYPES) out[t].push(100 * s[t]!.fmeasure);
  });
  return out;
}

function rougeCis(task: Task, hyps: string[], refs: string[], nSamples: number): Record<(typeof ROUGE_TYPES)[number], ScoreWithCi> {
  const scorer = rougeFor(task);
  const perSegment: Record<string, RougeScore>[] = hyps.map((h, i) => scorer.score(refs[i]!, h));
  const agg = rougeBootstrapAggregate(perSegment, { nSamples, seed: ROUGE_DEFAULT_SEED });
  const mean = (t: string) => (100 * perSegment.reduce((s, r) => s + r[t]!.fmeasure, 0)) / perSegment.length;
  const ci = (t: string): ScoreWithCi => ({ score: mean(t), low: 100 * agg[t]!.low.fmeasure, high: 100 * agg[t]!.high.fmeasure });
  return { rouge1: ci('rouge1'), rouge2: ci('rouge2'), rougeL: ci('rougeL'), rougeLsum: ci('rougeLsum') };
}

/** The main metric with its interval on a subset (per text type, decoding comparison). */
export function mainMetricWithCi(task: Task, hyps: string[], refs: string[], nSamples: number): ScoreWithCi {
  return task === 'translation' ? sacreCi(chrf, hyps, refs, nSamples) : rougeCis(task, hyps, refs, nSamples).rougeL;
}

/** Every corpus metric with its interval. */
export function scoreQuality(task: Task, hyps: string[], refs: string[], nSamples = 1000): Quality {
  if (hyps.length === 0) throw new UserError('cannot score zero outputs');
  const sentence = hyps.map((h, i) => sentenceBleuMetric.sentenceScore(h, [refs[i]!]).score);
  return {
    ...rougeCis(task, hyps, refs, nSamples),
    bleu: sacreCi(bleu, hyps, refs, nSamples),
    sentence_bleu: meanWithCi(sentence, nSamples),
    chrf: sacreCi(chrf, hyps, refs, nSamples),
    chrfpp: sacreCi(chrfpp, hyps, refs, nSamples),
  };
}

/** Scores `rows` (one system's outputs on the test set). */
export function evaluateOutputs(task: Task, rows: readonly OutputRow[], opts: EvaluationOptions = {}): Evaluation {
  const n = opts.bootstrapSamples ?? 1000;
  const hyps = rows.map((r) => r.prediction);
  const refs = rows.map((r) => r.reference);
  const quality = scoreQuality(task, hyps, refs, n);
  const byType = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const t = textType(r.domain);
    if (!byType.has(t)) byType.set(t, []);
    byType.get(t)!.push(i);
  });
  const per_domain: DomainQuality[] = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([domain, idx]) => ({
      domain,
      examples: idx.length,
      main: mainMetricWithCi(
        task,
        idx.map((i) => hyps[i]!),
        idx.map((i) => refs[i]!),
        n,
      ),
    }));
  return {
    quality,
    main_metric: MAIN_METRIC[task],
    per_domain,
    errors: analyseErrors(
      task,
      rows.map((r) => ({ ...r, truncated: r.truncated ?? false })),
    ),
    degeneration: degenerationProfile(hyps),
    examples: rows.slice(0, opts.examplesShown ?? 3).map((r) => ({
      id: r.id,
      domain: r.domain ?? '',
      source: r.source,
      reference: r.reference,
      prediction: r.prediction,
    })),
  };
}

/** What COMET reads of each test example. */
export type CometRow = Pick<OutputRow, 'source' | 'reference' | 'prediction'>;

/** Why COMET cannot run now (no scorer configured), undefined when it can; costs no scoring. */
export function cometUnavailable(): string | undefined {
  return missingScorerReason(cometCommand());
}

/** COMET of a translation run's outputs (undefined for other tasks: COMET scores translations only). */
export async function scoreComet(task: Task, rows: readonly CometRow[], nSamples = 1000): Promise<CometRecord | undefined> {
  if (task !== 'translation') return undefined;
  if (rows.length === 0) throw new UserError('cannot score zero outputs with COMET');
  const r = await cometScore({
    sources: rows.map((x) => x.source),
    hypotheses: rows.map((x) => x.prediction),
    references: rows.map((x) => x.reference),
  });
  if (!r.available) return { not_run: r.reason };
  const { low, high } = meanWithCi(r.segments, nSamples);
  return { score: r.score, low, high, command: r.command };
}
