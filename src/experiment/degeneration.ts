/**
 * The degeneration profile of a system's outputs: how many are collapsed rather than attempts at the
 * task. Corpus metrics average collapse away (a model that writes "Я не не не…" for half the inputs
 * still scores a few chrF points on the rest), so every evaluation records it and the suites refuse a
 * fine-tuned method whose outputs are degenerate more than rarely.
 *
 * An output is degenerate when it is empty, or when one word makes up more than half of its words
 * (at least three words: "не не не", "the the package"). Collapse onto a few stock outputs is measured
 * by the share of distinct outputs per input.
 */
import type { DegenerationProfile } from './results.ts';

/** Below this many words a repeated word is not a loop ("Да, да."). */
export const MIN_WORDS_FOR_DOMINANCE = 3;

function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** True when one word is more than half of the output's words (outputs of at least three words). */
export function dominatedByOneWord(prediction: string): boolean {
  const w = words(prediction);
  if (w.length < MIN_WORDS_FOR_DOMINANCE) return false;
  const counts = new Map<string, number>();
  let top = 0;
  for (const x of w) {
    const c = (counts.get(x) ?? 0) + 1;
    counts.set(x, c);
    if (c > top) top = c;
  }
  return top * 2 > w.length;
}

/** True for an empty output or one dominated by a single word. */
export function isDegenerate(prediction: string): boolean {
  return prediction.trim() === '' || dominatedByOneWord(prediction);
}

export function degenerationProfile(predictions: readonly string[]): DegenerationProfile {
  const n = predictions.length;
  let empty = 0;
  let dominated = 0;
  for (const p of predictions) {
    if (p.trim() === '') empty++;
    else if (dominatedByOneWord(p)) dominated++;
  }
  const distinct = new Set(predictions.map((p) => p.trim())).size;
  return {
    outputs: n,
    empty,
    one_word_dominant: dominated,
    degenerate: empty + dominated,
    degenerate_rate: n ? (empty + dominated) / n : 0,
    distinct_outputs: distinct,
    distinct_per_input: n ? distinct / n : 0,
  };
}
