import { UserError } from '../util/errors.ts';
import { bootstrapScores, estimateCi, resolveBootstrap, type BootstrapOptions, type ConfidenceEstimate } from './bootstrap.ts';
import { pyFixed } from './pyNumeric.ts';
import { formatSignature, SACREBLEU_COMPAT, type SignatureFields, type SignatureValue } from './signature.ts';

/*
 * The shape every sacrebleu metric shares (its `Metric` base class): segments are turned into
 * sufficient statistics against their references, statistics are summed over the corpus, and the
 * score is computed from the sums. Bootstrap CIs and paired tests only re-sum statistics, which is
 * why the per-metric classes expose `segmentStatistics` and `scoreFromStatistics`.
 *
 * Why hand-written: there is no npm port of sacrebleu, and the JS BLEU/chrF packages differ from it
 * in tokenization, smoothing, whitespace and effective order. Users compare our numbers with the
 * ones sacrebleu prints, so we follow its code path, including its float quirks.
 */

/**
 * References in sacrebleu's layout: a list of reference *streams*, each aligned with the
 * hypotheses. `null`/`undefined` marks a missing reference for a segment (variable references).
 */
export type ReferenceStreams = ReadonlyArray<ReadonlyArray<string | null | undefined>>;

/** Turns per-segment reference lists (`[[r1, r2], [r1], …]`) into sacrebleu's stream layout. */
export function toReferenceStreams(perSegment: ReadonlyArray<ReadonlyArray<string>>): (string | null)[][] {
  // A loop, not Math.max(...): one argument per segment overflows the stack on large corpora.
  let n = 0;
  for (const r of perSegment) if (r.length > n) n = r.length;
  return Array.from({ length: n }, (_, k) => perSegment.map((refs) => refs[k] ?? null));
}

export interface Confidence extends ConfidenceEstimate {
  nBootstrap: number;
  /** The seed as written in the signature. */
  seed: string;
  /** The score of every resample, in resample order. */
  resampleScores: number[];
}

/** What every score carries besides its numbers. */
export interface ScoreMeta {
  /** sacrebleu-style signature with our version (`…|version:peft-lab:0.1.0`). */
  signature: string;
  /** The signature's fields without the version, to format with another version string. */
  signatureFields: SignatureFields;
  /** The upstream release these numbers match. */
  compat: string;
  /** Bootstrap mean and 95% half-width, when requested. */
  confidence?: Confidence;
}

export type Scored<V> = V & ScoreMeta;

/** Any of the sacrebleu metrics (BLEU, CHRF, TER), e.g. for significance tests. */
export type AnySacreMetric = SacreMetric<{ score: number }, unknown>;

export interface CorpusStatistics {
  /** One row of sufficient statistics per segment. */
  stats: number[][];
  /** References per segment, or 'var' when it varies (sacrebleu's nrefs). */
  nrefs: number | 'var';
}

export interface TestSignatureParts {
  bs?: number;
  ar?: number;
  seed?: string;
}

/** sacrebleu's `sum_of_lists`: element-wise sums in segment order. */
export function sumStatistics(stats: ReadonlyArray<ReadonlyArray<number>>): number[] {
  if (stats.length === 0) throw new UserError('cannot score an empty corpus: no segments were given');
  if (stats.length === 1) return [...stats[0]!];
  const total = new Array<number>(stats[0]!.length).fill(0);
  for (const s of stats) for (let i = 0; i < total.length; i++) total[i]! += s[i]!;
  return total;
}

export abstract class SacreMetric<V extends { score: number }, R> {
  /** sacrebleu's score name: `BLEU`, `chrF2`, `chrF2++`, `TER`. */
  abstract readonly name: string;

  /** Lowercasing, stripping, tokenizing: what sacrebleu's `_preprocess_segment` does. */
  protected abstract preprocess(sentence: string): string;
  /** Reference-side information for one segment (n-gram counts, lengths, words). */
  protected abstract referenceInfo(preprocessedRefs: string[]): R;
  /** Sufficient statistics of one preprocessed hypothesis against its references. */
  protected abstract segmentStatistics(preprocessedHyp: string, info: R): number[];
  /**
   * The score from summed statistics. `float32` reproduces sacrebleu's bootstrap path, where the
   * statistics are numpy float32 values (this changes chrF and TER in the last digits).
   */
  abstract scoreFromStatistics(total: ArrayLike<number>, float32?: boolean): V;
  /** Metric-specific signature fields, after nrefs/bs/ar/seed. */
  protected abstract metricSignatureFields(): [string, SignatureValue][];
  /** The text sacrebleu prints after the score (BLEU's precisions and BP), or ''. */
  protected abstract verbose(v: V): string;

  /** Per-segment statistics for a corpus. */
  corpusStatistics(hypotheses: readonly string[], references: ReferenceStreams): CorpusStatistics {
    for (const [k, stream] of references.entries())
      if (stream.length !== hypotheses.length)
        throw new UserError(`reference stream ${k + 1} has ${stream.length} segments but there are ${hypotheses.length} hypotheses`);
    const counts = new Set<number>();
    const stats: number[][] = [];
    for (let i = 0; i < hypotheses.length; i++) {
      const refs: string[] = [];
      for (const stream of references) {
        const r = stream[i];
        if (r !== null && r !== undefined) refs.push(r);
      }
      if (refs.length === 0) throw new UserError(`segment ${i + 1} has no reference; every segment needs at least one`);
      counts.add(refs.length);
      const info = this.referenceInfo(refs.map((r) => this.preprocess(r)));
      stats.push(this.segmentStatistics(this.preprocess(hypotheses[i]!), info));
    }
    return { stats, nrefs: counts.size === 1 ? [...counts][0]! : 'var' };
  }

  /** Signature fields in sacrebleu's order: nrefs, bs, ar, seed, then the metric's own. */
  signatureFields(nrefs: number | 'var', test: TestSignatureParts = {}): SignatureFields {
    const fields: [string, SignatureValue][] = [['nrefs', nrefs]];
    if (test.bs !== undefined) fields.push(['bs', test.bs]);
    if (test.ar !== undefined) fields.push(['ar', test.ar]);
    if (test.seed !== undefined) fields.push(['seed', test.seed]);
    return [...fields, ...this.metricSignatureFields()];
  }

  protected withMeta(v: V, fields: SignatureFields, confidence?: Confidence): Scored<V> {
    const meta: ScoreMeta = { signature: formatSignature(fields), signatureFields: fields, compat: SACREBLEU_COMPAT };
    if (confidence) meta.confidence = confidence;
    return { ...v, ...meta };
  }

  /**
   * sacrebleu `corpus_score`. `bootstrap` (true or options) adds a 95% CI from resampling
   * (1000 resamples of numpy's `default_rng(12345)` unless told otherwise), as `--confidence` does.
   */
  corpusScore(hypotheses: readonly string[], references: ReferenceStreams, bootstrap?: BootstrapOptions | boolean): Scored<V> {
    const { stats, nrefs } = this.corpusStatistics(hypotheses, references);
    const actual = this.scoreFromStatistics(sumStatistics(stats));
    if (!bootstrap) return this.withMeta(actual, this.signatureFields(nrefs));
    const boot = resolveBootstrap(stats.length, bootstrap === true ? {} : bootstrap);
    const resampleScores = bootstrapScores(stats, (t, f32) => this.scoreFromStatistics(t, f32).score, boot);
    const confidence: Confidence = { ...estimateCi(resampleScores), nBootstrap: boot.nSamples, seed: boot.seedLabel, resampleScores };
    return this.withMeta(actual, this.signatureFields(nrefs, { bs: boot.nSamples, seed: boot.seedLabel }), confidence);
  }

  /** sacrebleu `sentence_score`: one hypothesis against its references. */
  sentenceScore(hypothesis: string, references: readonly string[]): Scored<V> {
    return this.corpusScore(
      [hypothesis],
      references.map((r) => [r]),
    );
  }

  /** The line sacrebleu prints for a score (`Score.format`), e.g. `BLEU = 38.61 76.3/48.0/… (BP = …)`. */
  format(s: Scored<V>, opts: { width?: number; signature?: boolean; version?: string } = {}): string {
    const width = opts.width ?? 2;
    let sc = pyFixed(s.score, width);
    if (s.confidence && s.confidence.mean > 0) sc += ` (μ = ${pyFixed(s.confidence.mean, width)} ± ${pyFixed(s.confidence.ci, width)})`;
    const withSig = opts.signature ?? s.confidence !== undefined;
    const head = withSig ? `${this.name}|${formatSignature(s.signatureFields, opts.version)}` : this.name;
    const verbose = this.verbose(s);
    return `${head} = ${sc}${verbose ? ` ${verbose}` : ''}`;
  }
}
