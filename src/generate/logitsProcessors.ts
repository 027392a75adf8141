/**
 * Logits processors and warpers of transformers 4.39, applied in the same order, on one row of
 * scores (a hypothesis) at a time. Rows are plain Float32Arrays: vocabularies here are small and
 * decoding is sequential, so doing this in JS costs little and keeps HF's exact semantics.
 */

/**
 * RepetitionPenaltyLogitsProcessor (the CTRL paper's penalty): each token id already in `seq` has its
 * score divided by `penalty` when positive and multiplied when negative, so a penalty above 1 makes
 * it less likely whatever the sign. An id seen several times is penalised once (torch's gather and
 * scatter write the same value again). 1 leaves the scores alone.
 */
export function penalizeRepetitions(scores: Float32Array, seq: ArrayLike<number>, penalty: number): void {
  if (penalty === 1) return;
  // torch applies a Python float to float32 scores as a float32 scalar.
  const p = Math.fround(penalty);
  const seen = new Set<number>();
  for (let i = 0; i < seq.length; i++) {
    const id = seq[i]!;
    if (seen.has(id) || id < 0 || id >= scores.length) continue;
    seen.add(id);
    const s = scores[id]!;
    scores[id] = s < 0 ? s * p : s / p;
  }
}

/** NoRepeatNGramLogitsProcessor: ban tokens that would repeat an n-gram already in `seq`. */
export function banRepeatedNgrams(scores: Float32Array, seq: ArrayLike<number>, n: number): void {
  const len = seq.length;
  if (n <= 0 || len + 1 < n) return;
  const prefixStart = len - (n - 1);
  for (let s = 0; s + n <= len; s++) {
    let same = true;
    for (let j = 0; j < n - 1; j++)
      if (seq[s + j] !== seq[prefixStart + j]) {
        same = false;
        break;
      }
    if (same) scores[seq[s + n - 1]!] = -Infinity;
  }
}

/** MinNewTokensLengthLogitsProcessor: no EOS until `minNew` tokens were generated. */
export function forbidEosBefore(scores: Float32Array, newTokens: number, minNew: number, eos: number[]): void {
  if (newTokens < minNew) for (const e of eos) if (e >= 0 && e < scores.length) scores[e] = -Infinity;
}

export function applyTemperature(scores: Float32Array, t: number): void {
  if (t === 1) return;
  for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / t;
}

/** TopKLogitsWarper: keep tokens whose score is >= the k-th largest (ties kept). */
export function applyTopK(scores: Float32Array, k: number): void {
  if (k <= 0 || k >= scores.length) return;
  const sorted = Float32Array.from(scores).sort();
  const kth = sorted[scores.length - k]!;
  for (let i = 0; i < scores.length; i++) if (scores[i]! < kth) scores[i] = -Infinity;
}

/**
 * TopPLogitsWarper: sort ascending, drop the tokens whose cumulative probability is <= 1 - top_p,
 * always keeping the most likely token.
 */
export function applyTopP(scores: Float32Array, p: number): void {
  if (p >= 1) return;
  const idx = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]! || a - b);
  const probs = softmax(scores);
  let cum = 0;
  for (let r = 0; r < idx.length - 1; r++) {
    cum += probs[idx[r]!]!;
    if (cum <= 1 - p) scores[idx[r]!] = -Infinity;
  }
}

/** Numerically stable softmax in float64. */
export function softmax(scores: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += out[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** log_softmax in float64 (torch computes float32; the difference is far below our tolerances). */
export function logSoftmax(scores: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! - lse;
  return out;
}

export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
