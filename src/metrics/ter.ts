import { pyRstrip, pySplit } from './pythonText.ts';
import { SacreMetric, type ReferenceStreams, type Scored } from './sacreMetric.ts';
import type { SignatureValue } from './signature.ts';
import { translationEditRate } from './terEditRate.ts';
import { tercomTokenize, type TercomOptions } from './terTokenizer.ts';

/**
 * TER (Snover et al., 2006) as sacrebleu 2.6: edits are the minimum over references, the length is
 * the average reference length, and a non-empty hypothesis against empty references scores 100.
 */

export type TerOptions = TercomOptions;

export interface TerValues {
  score: number;
  /** Total edits (sacrebleu truncates to an integer). */
  numEdits: number;
  /** Sum over segments of the average reference length. */
  refLength: number;
}

export type TerScore = Scored<TerValues>;

export class TER extends SacreMetric<TerValues, string[][]> {
  readonly name = 'TER';
  readonly options: Required<TercomOptions>;

  constructor(opts: TerOptions = {}) {
    super();
    this.options = {
      normalized: opts.normalized ?? false,
      noPunct: opts.noPunct ?? false,
      asianSupport: opts.asianSupport ?? false,
      caseSensitive: opts.caseSensitive ?? false,
    };
  }

  protected preprocess(sentence: string): string {
    return tercomTokenize(pyRstrip(sentence), this.options);
  }

  /** The tokenized form TER aligns (for inspection). */
  tokenize(sentence: string): string {
    return this.preprocess(sentence);
  }

  /**
   * sacrebleu preprocesses references twice (once when caching them, again when extracting their
   * words). The tercom tokenizer is idempotent except with `normalized`, where the second pass can
   * split more (e.g. a possessive 's that followed a no-break space), so this is reproduced.
   */
  protected referenceInfo(refs: string[]): string[][] {
    return refs.map((r) => pySplit(this.preprocess(r)));
  }

  protected segmentStatistics(hyp: string, refs: string[][]): number[] {
    const words = pySplit(hyp);
    let refLengths = 0;
    let best = 1e16;
    for (const ref of refs) {
      const { edits, refLength } = translationEditRate(words, ref);
      refLengths += refLength;
      if (edits < best) best = edits;
    }
    return [best, refLengths / refs.length];
  }

  /** `float32`: sacrebleu's bootstrap divides float32 statistics, so the ratio is a float32 quotient. */
  scoreFromStatistics(stats: ArrayLike<number>, float32 = false): TerValues {
    const edits = stats[0]!;
    const refLength = stats[1]!;
    let score: number;
    if (refLength > 0) score = float32 ? Math.fround(edits / refLength) : edits / refLength;
    else if (edits > 0) score = 1.0;
    else score = 0.0;
    return { score: 100 * score, numEdits: Math.trunc(edits), refLength };
  }

  protected metricSignatureFields(): [string, SignatureValue][] {
    return [
      ['case', this.options.caseSensitive ? 'mixed' : 'lc'],
      ['tok', 'tercom'],
      ['norm', this.options.normalized],
      ['punct', !this.options.noPunct],
      ['asian', this.options.asianSupport],
    ];
  }

  protected verbose(): string {
    return '';
  }
}

/** sacrebleu `corpus_ter`. */
export function corpusTer(hypotheses: readonly string[], references: ReferenceStreams, opts: TerOptions = {}): TerScore {
  return new TER(opts).corpusScore(hypotheses, references);
}

/** sacrebleu `sentence_ter`. */
export function sentenceTer(hypothesis: string, references: readonly string[], opts: TerOptions = {}): TerScore {
  return new TER(opts).sentenceScore(hypothesis, references);
}
