import { UserError } from '../util/errors.ts';
import { clippedMatches, codePointUnits, NgramInterner } from './ngramInterner.ts';
import { codePoints, isBmpOnly, pyLen, pyLower, pySplit } from './pythonText.ts';
import { SacreMetric, type ReferenceStreams, type Scored } from './sacreMetric.ts';
import type { SignatureValue } from './signature.ts';

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) exactly as sacrebleu 2.6: character n-grams over
 * code points with all whitespace removed (so they span word boundaries), optional word n-grams
 * from a whitespace split with one edge punctuation mark split off, F-beta from precision and
 * recall averaged over the orders both sides have (sacrebleu's "effective order"), or the chrF++.py
 * epsilon smoothing when asked. With several references the one with the best sentence F is used.
 */

export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order: 0 = chrF (default), 2 = chrF++. */
  wordOrder?: number;
  /** Recall weight (default 2). */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  whitespace?: boolean;
  /** chrF++.py / Moses / NLTK epsilon smoothing instead of effective order (default false). */
  epsSmoothing?: boolean;
}

export interface ChrfValues {
  score: number;
  /** `[hyp, ref, match]` counts per order: character orders first, then word orders. */
  statistics: number[];
}

export type ChrfScore = Scored<ChrfValues>;

// Python's string.punctuation, which chrF++ splits off word edges.
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** chrF++'s word split: one trailing, or else one leading, ASCII punctuation mark becomes its own word. */
export function chrfWords(sentence: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sentence)) {
    if (pyLen(w) === 1) {
      out.push(w);
      continue;
    }
    const cps = isBmpOnly(w) ? null : codePoints(w);
    const last = cps ? cps[cps.length - 1]! : w[w.length - 1]!;
    const first = cps ? cps[0]! : w[0]!;
    if (PUNCTS.has(last)) out.push(w.slice(0, w.length - last.length), last);
    else if (PUNCTS.has(first)) out.push(first, w.slice(first.length));
    else out.push(w);
  }
  return out;
}

/** N-gram ids of one side of a segment: character orders, then word orders. */
type ChrfGrams = Int32Array[];

interface ChrfRefInfo {
  chars: NgramInterner;
  words: NgramInterner;
  refs: ChrfGrams[];
}

export class CHRF extends SacreMetric<ChrfValues, ChrfRefInfo> {
  readonly name: string;
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;

  constructor(opts: ChrfOptions = {}) {
    super();
    this.charOrder = opts.charOrder ?? 6;
    this.wordOrder = opts.wordOrder ?? 0;
    this.beta = opts.beta ?? 2;
    for (const [k, v] of [
      ['charOrder', this.charOrder],
      ['wordOrder', this.wordOrder],
      ['beta', this.beta],
    ] as const)
      if (!Number.isInteger(v) || v < 0) throw new UserError(`chrF ${k} must be a non-negative integer, got ${v}`);
    if (this.charOrder + this.wordOrder === 0) throw new UserError('chrF needs charOrder + wordOrder > 0');
    this.lowercase = opts.lowercase ?? false;
    this.whitespace = opts.whitespace ?? false;
    this.epsSmoothing = opts.epsSmoothing ?? false;
    this.name = `chrF${this.beta}${'+'.repeat(this.wordOrder)}`;
  }

  protected preprocess(sentence: string): string {
    return this.lowercase ? pyLower(sentence) : sentence;
  }

  /** Character n-grams over code points, whitespace removed unless `whitespace`; then word n-grams. */
  private ngrams(sentence: string, chars: NgramInterner, words: NgramInterner, insert: boolean): ChrfGrams {
    const line = this.whitespace ? sentence : pySplit(sentence).join('');
    const grams = chars.ngrams(codePointUnits(line), this.charOrder, insert);
    if (this.wordOrder > 0) {
      const ids = chrfWords(sentence).map((w) => words.word(w, insert));
      grams.push(...words.ngrams(ids, this.wordOrder, insert));
    }
    return grams;
  }

  protected referenceInfo(refs: string[]): ChrfRefInfo {
    const chars = new NgramInterner();
    const words = new NgramInterner();
    return { chars, words, refs: refs.map((r) => this.ngrams(r, chars, words, true)) };
  }

  protected segmentStatistics(hyp: string, info: ChrfRefInfo): number[] {
    const hypGrams = this.ngrams(hyp, info.chars, info.words, false);
    const scratch = new Int32Array(Math.max(info.chars.size, info.words.size));
    let best: number[] = [];
    let bestF = -1.0;
    for (const refGrams of info.refs) {
      const stats: number[] = [];
      for (let i = 0; i < hypGrams.length; i++) {
        const h = hypGrams[i]!;
        const r = refGrams[i]!;
        // No hits are counted when the reference has no n-gram of that order.
        stats.push(r.length > 0 ? h.length : 0, r.length, clippedMatches(h, r, scratch));
      }
      const f = this.fScore(stats, false);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  /** sacrebleu `CHRF._compute_f_score`; `float32` makes per-order precision/recall float32 quotients. */
  private fScore(stats: ArrayLike<number>, float32: boolean): number {
    const eps = 1e-16;
    const factor = this.beta ** 2;
    const order = this.charOrder + this.wordOrder;
    let score = 0.0;
    let effectiveOrder = 0;
    let avgPrec = 0.0;
    let avgRec = 0.0;
    for (let i = 0; i < order; i++) {
      const nHyp = stats[3 * i]!;
      const nRef = stats[3 * i + 1]!;
      const nMatch = stats[3 * i + 2]!;
      let prec = nHyp > 0 ? nMatch / nHyp : eps;
      let rec = nRef > 0 ? nMatch / nRef : eps;
      if (float32) {
        if (nHyp > 0) prec = Math.fround(prec);
        if (nRef > 0) rec = Math.fround(rec);
      }
      const denom = factor * prec + rec;
      score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effectiveOrder += 1;
      }
    }
    if (this.epsSmoothing) return (100 * score) / order;
    if (effectiveOrder === 0) avgPrec = avgRec = 0.0;
    else {
      avgPrec /= effectiveOrder;
      avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec) {
      score = (1 + factor) * avgPrec * avgRec;
      score /= factor * avgPrec + avgRec;
      return 100 * score;
    }
    return 0.0;
  }

  scoreFromStatistics(stats: ArrayLike<number>, float32 = false): ChrfValues {
    return { score: this.fScore(stats, float32), statistics: Array.from(stats) };
  }

  protected metricSignatureFields(): [string, SignatureValue][] {
    return [
      ['case', this.lowercase ? 'lc' : 'mixed'],
      ['eff', !this.epsSmoothing],
      ['nc', this.charOrder],
      ['nw', this.wordOrder],
      ['space', this.whitespace],
    ];
  }

  protected verbose(): string {
    return '';
  }
}

/** sacrebleu `corpus_chrf` (chrF2 by default; `wordOrder: 2` for chrF++). */
export function corpusChrf(hypotheses: readonly string[], references: ReferenceStreams, opts: ChrfOptions = {}): ChrfScore {
  return new CHRF(opts).corpusScore(hypotheses, references);
}

/** sacrebleu `sentence_chrf`. */
export function sentenceChrf(hypothesis: string, references: readonly string[], opts: ChrfOptions = {}): ChrfScore {
  return new CHRF(opts).sentenceScore(hypothesis, references);
}
