import { UserError } from '../util/errors.ts';
import { BLEU_TOKENIZERS, bleuTokenizer, type BleuTokenizerName } from './bleuTokenizers.ts';
import { crExp, crLog } from './crMath.ts';
import { NgramInterner, UNKNOWN } from './ngramInterner.ts';
import { pyFixed } from './pyNumeric.ts';
import { pyLower, pyRstrip, pySplit } from './pythonText.ts';
import { SacreMetric, type ReferenceStreams, type Scored } from './sacreMetric.ts';
import type { SignatureValue } from './signature.ts';

/**
 * BLEU (Papineni et al., 2002) exactly as sacrebleu 2.6 computes it: tokenization, clipped n-gram
 * counts (maximum over references), closest reference length (ties to the shorter), smoothing
 * (Chen & Cherry 2014: none, floor, add-k, exp) and effective order.
 */

export type SmoothMethod = 'exp' | 'none' | 'floor' | 'add-k';

/** sacrebleu's defaults for the smoothing value (floor 0.1 and add-k 1, from Chen & Cherry). */
export const SMOOTH_DEFAULTS: Readonly<Record<SmoothMethod, number | null>> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

export interface BleuOptions {
  /** Default '13a'. */
  tokenize?: BleuTokenizerName;
  lowercase?: boolean;
  /** Default 'exp'. */
  smoothMethod?: SmoothMethod;
  /** For floor and add-k; null/undefined uses sacrebleu's default. */
  smoothValue?: number | null;
  /** Drop n-gram orders the hypothesis does not have (sentence BLEU). Default false here, true in sentenceBleu. */
  effectiveOrder?: boolean;
  /** Default 4. */
  maxNgramOrder?: number;
}

export interface BleuValues {
  score: number;
  /** Matched n-grams per order (with add-k, orders >= 2 include the +k, as sacrebleu reports). */
  counts: number[];
  totals: number[];
  /** Per-order precisions in percent. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  sysLen: number;
  /** Sum of the closest reference lengths. */
  refLen: number;
  ratio: number;
}

export type BleuScore = Scored<BleuValues>;

/** sacrebleu's `my_log`: log, floored for zero so that exp() gives 0. Correctly rounded, as glibc's. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : crLog(x);
}

/**
 * BLEU from sufficient statistics (sacrebleu `BLEU.compute_bleu`). `float32` mirrors its bootstrap
 * path, where add-k increments are stored back into float32 statistics.
 */
export function computeBleu(
  correctIn: readonly number[],
  totalIn: readonly number[],
  sysLen: number,
  refLen: number,
  opts: { smoothMethod: SmoothMethod; smoothValue: number | null; effectiveOrder: boolean; maxNgramOrder: number },
  float32 = false,
): BleuValues {
  const correct = [...correctIn];
  const total = [...totalIn];
  const smoothValue = opts.smoothValue ?? SMOOTH_DEFAULTS[opts.smoothMethod] ?? 0;
  const maxOrder = opts.maxNgramOrder;
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? crExp(1 - refLen / sysLen) : 0.0;
  const precisions = new Array<number>(maxOrder).fill(0);
  const ratio = refLen ? sysLen / refLen : 0;
  // Early stop when nothing matches: score 0 and all precisions 0, even with smoothing, as sacrebleu returns it.
  if (!correct.some((c) => c !== 0)) return { score: 0, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio };

  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (opts.smoothMethod === 'add-k' && n > 1) {
      correct[n - 1] = float32 ? Math.fround(correct[n - 1]! + smoothValue) : correct[n - 1]! + smoothValue;
      total[n - 1] = float32 ? Math.fround(total[n - 1]! + smoothValue) : total[n - 1]! + smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (opts.smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (opts.smoothMethod === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  const score = bp * crExp(logSum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio };
}

interface BleuRefInfo {
  interner: NgramInterner;
  /** Per n-gram id, its largest count in any one reference. */
  maxCounts: Int32Array;
  lens: number[];
}

export class BLEU extends SacreMetric<BleuValues, BleuRefInfo> {
  readonly name = 'BLEU';
  readonly tokenizerName: BleuTokenizerName;
  readonly lowercase: boolean;
  readonly smoothMethod: SmoothMethod;
  readonly smoothValue: number | null;
  readonly effectiveOrder: boolean;
  readonly maxNgramOrder: number;
  private readonly tokenizer: (line: string) => string;

  constructor(opts: BleuOptions = {}) {
    super();
    this.tokenizerName = opts.tokenize ?? '13a';
    if (!BLEU_TOKENIZERS.includes(this.tokenizerName))
      throw new UserError(`unknown BLEU tokenizer '${this.tokenizerName}'; valid: ${BLEU_TOKENIZERS.join(', ')}`);
    this.smoothMethod = opts.smoothMethod ?? 'exp';
    if (!(this.smoothMethod in SMOOTH_DEFAULTS))
      throw new UserError(`unknown BLEU smoothing '${this.smoothMethod}'; valid: ${Object.keys(SMOOTH_DEFAULTS).join(', ')}`);
    this.smoothValue = opts.smoothValue ?? null;
    if (this.smoothValue !== null && !Number.isFinite(this.smoothValue))
      throw new UserError(`BLEU smoothing value must be a finite number, got ${this.smoothValue}`);
    this.lowercase = opts.lowercase ?? false;
    this.effectiveOrder = opts.effectiveOrder ?? false;
    this.maxNgramOrder = opts.maxNgramOrder ?? 4;
    if (!Number.isInteger(this.maxNgramOrder) || this.maxNgramOrder < 1)
      throw new UserError(`BLEU max n-gram order must be a positive integer, got ${this.maxNgramOrder}`);
    this.tokenizer = bleuTokenizer(this.tokenizerName);
  }

  /** sacrebleu: optional lowercase, then rstrip, then the tokenizer. */
  protected preprocess(sentence: string): string {
    return this.tokenizer(pyRstrip(this.lowercase ? pyLower(sentence) : sentence));
  }

  /** The tokenized form BLEU counts n-grams on (for inspection). */
  tokenize(sentence: string): string {
    return this.preprocess(sentence);
  }

  protected referenceInfo(refs: string[]): BleuRefInfo {
    const interner = new NgramInterner();
    const lens: number[] = [];
    const grams = refs.map((ref) => {
      const tokens = pySplit(ref);
      lens.push(tokens.length);
      return interner.ngrams(
        tokens.map((t) => interner.word(t, true)),
        this.maxNgramOrder,
        true,
      );
    });
    // Multi-reference counts are the maximum over references (sacrebleu clips against it).
    const maxCounts = new Int32Array(interner.size);
    const counts = new Int32Array(interner.size);
    for (const perOrder of grams) {
      for (const ids of perOrder) for (const id of ids) counts[id]!++;
      for (const ids of perOrder) for (const id of ids) if (counts[id]! > maxCounts[id]!) maxCounts[id] = counts[id]!;
      for (const ids of perOrder) for (const id of ids) counts[id] = 0;
    }
    return { interner, maxCounts, lens };
  }

  protected segmentStatistics(hyp: string, info: BleuRefInfo): number[] {
    const tokens = pySplit(hyp);
    const hypLen = tokens.length;
    // Closest reference length; on equal distance the shorter reference wins.
    let closestDiff = -1;
    let refLen = -1;
    for (const len of info.lens) {
      const diff = Math.abs(hypLen - len);
      if (closestDiff === -1 || diff < closestDiff) {
        closestDiff = diff;
        refLen = len;
      } else if (diff === closestDiff && len < refLen) refLen = len;
    }
    const correct = new Array<number>(this.maxNgramOrder).fill(0);
    const total = new Array<number>(this.maxNgramOrder).fill(0);
    const grams = info.interner.ngrams(
      tokens.map((t) => info.interner.word(t, false)),
      this.maxNgramOrder,
      false,
    );
    // Each hypothesis n-gram consumes one reference occurrence: Σ min(hyp count, max ref count).
    const remaining = info.maxCounts.slice();
    for (let n = 0; n < grams.length; n++) {
      const ids = grams[n]!;
      total[n] = ids.length;
      for (const id of ids)
        if (id !== UNKNOWN && remaining[id]! > 0) {
          remaining[id]!--;
          correct[n]!++;
        }
    }
    return [hypLen, refLen, ...correct, ...total];
  }

  scoreFromStatistics(stats: ArrayLike<number>, float32 = false): BleuValues {
    const k = this.maxNgramOrder;
    const arr = Array.from(stats);
    return computeBleu(arr.slice(2, 2 + k), arr.slice(2 + k, 2 + 2 * k), Math.trunc(arr[0]!), Math.trunc(arr[1]!), this, float32);
  }

  protected metricSignatureFields(): [string, SignatureValue][] {
    let smooth: string = this.smoothMethod;
    const def = SMOOTH_DEFAULTS[this.smoothMethod];
    if (def !== null) smooth += `[${pyFixed(this.smoothValue ?? def, 2)}]`;
    return [
      ['case', this.lowercase ? 'lc' : 'mixed'],
      ['eff', this.effectiveOrder],
      ['tok', this.tokenizerName],
      ['smooth', smooth],
    ];
  }

  protected verbose(v: BleuValues): string {
    const prec = v.precisions.map((p) => pyFixed(p, 1)).join('/');
    return `${prec} (BP = ${pyFixed(v.bp, 3)} ratio = ${pyFixed(v.ratio, 3)} hyp_len = ${v.sysLen} ref_len = ${v.refLen})`;
  }
}

/** sacrebleu `corpus_bleu` (effective order off by default). */
export function corpusBleu(hypotheses: readonly string[], references: ReferenceStreams, opts: BleuOptions = {}): BleuScore {
  return new BLEU(opts).corpusScore(hypotheses, references);
}

/** sacrebleu `sentence_bleu` (effective order on by default). */
export function sentenceBleu(hypothesis: string, references: readonly string[], opts: BleuOptions = {}): BleuScore {
  return new BLEU({ effectiveOrder: true, ...opts }).sentenceScore(hypothesis, references);
}
