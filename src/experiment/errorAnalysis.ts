/**
 * Error analysis computed from the outputs alone: the failure modes small fine-tuned models show
 * (and that corpus metrics hide) — English left in a Russian translation, loops, cut-off outputs,
 * invented numbers, outputs far too short or long, the source copied through, and collapse onto a
 * few stock outputs.
 */
import type { Task } from '../data/index.ts';
import type { ErrorAnalysis } from './results.ts';

export interface AnalysedOutput {
  source: string;
  reference: string;
  prediction: string;
  /** Generation hit max_new_tokens without an end-of-sequence token. */
  truncated: boolean;
}

const LATIN_WORD = /\p{Script=Latin}{2,}/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
// Digit groups with inner separators (1,000 / 3.5 / 2020-21): one number each.
const NUMBER = /\d+(?:[.,:\u00a0]\d+)*/g;

function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Latin-script words of `prediction` not found in `reference` (names kept in Latin script are fine). */
export function untranslatedLatinWords(prediction: string, reference: string): string[] {
  const allowed = new Set((reference.match(LATIN_WORD) ?? []).map((w) => w.toLowerCase()));
  return (prediction.match(LATIN_WORD) ?? []).filter((w) => !allowed.has(w.toLowerCase()));
}

/** A word 3-gram occurring twice, or one word three times in a row. */
export function hasRepetition(prediction: string): boolean {
  const w = words(prediction);
  for (let i = 2; i < w.length; i++) if (w[i] === w[i - 1] && w[i] === w[i - 2]) return true;
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= w.length; i++) {
    const g = `${w[i]} ${w[i + 1]} ${w[i + 2]}`;
    if (seen.has(g)) return true;
    seen.add(g);
  }
  return false;
}

/** Numbers written in the output that do not occur in the source (separators ignored). */
export function numbersNotInSource(prediction: string, source: string): string[] {
  const norm = (n: string) => n.replace(/[.,:\u00a0]/g, '');
  const inSource = new Set((source.match(NUMBER) ?? []).map(norm));
  return (prediction.match(NUMBER) ?? []).filter((n) => !inSource.has(norm(n)));
}

/** Counts every failure mode over a system's outputs. */
export function analyseErrors(task: Task, outputs: readonly AnalysedOutput[]): ErrorAnalysis {
  // "Untranslated" only means something when the target language is written in Cyrillic.
  const russianTarget = task === 'translation' && outputs.some((o) => CYRILLIC.test(o.reference));
  let latinWords = 0;
  let latinOutputs = 0;
  let repetitions = 0;
  let truncated = 0;
  let numbers = 0;
  let numberOutputs = 0;
  let empty = 0;
  let copied = 0;
  let ratioSum = 0;
  let tooShort = 0;
  let tooLong = 0;
  for (const o of outputs) {
    const pred = o.prediction.trim();
    if (pred === '') empty++;
    if (russianTarget) {
      const latin = untranslatedLatinWords(pred, o.reference);
      latinWords += latin.length;
      if (latin.length) latinOutputs++;
    }
    if (hasRepetition(pred)) repetitions++;
    if (o.truncated) truncated++;
    const nums = numbersNotInSource(pred, o.source);
    numbers += nums.length;
    if (nums.length) numberOutputs++;
    if (pred !== '' && pred === o.source.trim()) copied++;
    const ratio = pred.length / Math.max(1, o.reference.trim().length);
    ratioSum += ratio;
    if (ratio < 0.5) tooShort++;
    if (ratio > 2) tooLong++;
  }
  return {
    outputs: outputs.length,
    empty,
    untranslated_latin: russianTarget ? { words: latinWords, outputs: latinOutputs } : null,
    repetitions,
    truncated,
    numbers_not_in_source: { numbers, outputs: numberOutputs },
    length_ratio: { mean: outputs.length ? ratioSum / outputs.length : 0, too_short: tooShort, too_long: tooLong },
    copied_source: copied,
    distinct_outputs: new Set(outputs.map((o) => o.prediction.trim())).size,
  };
}
