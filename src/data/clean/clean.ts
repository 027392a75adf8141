import { UserError } from '../../util/errors.ts';
import type { Example, Task } from '../types.ts';
import { decodeHtmlEntities } from './htmlEntities.ts';
import { looksPtbTokenized, ptbDetokenize } from './ptb.ts';
import { collapseWhitespace, stripControlChars, toNfc } from './text.ts';

export interface CleanOptions {
  htmlEntities?: boolean;
  controlChars?: boolean;
  nfc?: boolean;
  /** 'auto' (default) detokenizes only texts that look PTB-tokenized; 'always' / 'never' force it. */
  ptb?: 'auto' | 'always' | 'never';
  whitespace?: boolean;
  /** Drop exact duplicate (source, target) pairs after normalisation (default true). */
  dedupe?: boolean;
  /** Length limits in characters after normalisation; longer examples are dropped and counted, never cut. */
  maxSourceChars?: number;
  maxTargetChars?: number;
  /** Names the dataset in the error raised when nothing is left. */
  label?: string;
  /** Return an empty result instead of throwing when every example was dropped. */
  allowEmpty?: boolean;
}

/** Per-step counts, in examples (an example counts once per step however many of its fields changed). */
export interface CleaningSummary {
  input: number;
  output: number;
  changed: { htmlEntities: number; controlChars: number; nfc: number; ptbDetokenized: number; whitespace: number };
  dropped: { empty: number; tooLong: number; duplicate: number };
  limits: { maxSourceChars: number; maxTargetChars: number };
}

/**
 * Default length limits per task, in characters. They sit above the 99.9th percentile of the
 * shared corpora (opus-style pairs: ~600 chars; CNN/DM articles: < 10k) so that only outliers
 * such as a 14k-character "sentence" pair or an 80k-character package description are dropped.
 */
export const DEFAULT_LENGTH_LIMITS: Record<Task, { maxSourceChars: number; maxTargetChars: number }> = {
  translation: { maxSourceChars: 1000, maxTargetChars: 1000 },
  summarization: { maxSourceChars: 12_000, maxTargetChars: 1000 },
};

type Step = { key: keyof CleaningSummary['changed']; fn: (s: string) => string };

/**
 * Runs the cleaning pipeline: HTML entities → control characters → NFC → PTB detokenization →
 * whitespace, then drops empty pairs, pairs over the length limits and duplicate pairs, in
 * that order, counting each. Entities go first because they can produce NBSPs, controls and
 * decomposed characters the later steps must see.
 */
export function cleanExamples(examples: readonly Example[], opts: CleanOptions = {}): { examples: Example[]; summary: CleaningSummary } {
  const task: Task = examples[0]?.task ?? 'translation';
  const maxSourceChars = opts.maxSourceChars ?? DEFAULT_LENGTH_LIMITS[task].maxSourceChars;
  const maxTargetChars = opts.maxTargetChars ?? DEFAULT_LENGTH_LIMITS[task].maxTargetChars;
  const ptbMode = opts.ptb ?? 'auto';
  const steps: Step[] = [];
  if (opts.htmlEntities !== false) steps.push({ key: 'htmlEntities', fn: decodeHtmlEntities });
  if (opts.controlChars !== false) steps.push({ key: 'controlChars', fn: stripControlChars });
  if (opts.nfc !== false) steps.push({ key: 'nfc', fn: toNfc });
  if (ptbMode !== 'never') steps.push({ key: 'ptbDetokenized', fn: (s) => (ptbMode === 'always' || looksPtbTokenized(s) ? ptbDetokenize(s) : s) });
  if (opts.whitespace !== false) steps.push({ key: 'whitespace', fn: collapseWhitespace });

  const summary: CleaningSummary = {
    input: examples.length,
    output: 0,
    changed: { htmlEntities: 0, controlChars: 0, nfc: 0, ptbDetokenized: 0, whitespace: 0 },
    dropped: { empty: 0, tooLong: 0, duplicate: 0 },
    limits: { maxSourceChars, maxTargetChars },
  };
  const seen = new Set<string>();
  const out: Example[] = [];
  for (const ex of examples) {
    let { source, target } = ex;
    for (const step of steps) {
      const s = step.fn(source);
      const t = step.fn(target);
      if (s !== source || t !== target) summary.changed[step.key]++;
      source = s;
      target = t;
    }
    if (source.trim() === '' || target.trim() === '') {
      summary.dropped.empty++;
      continue;
    }
    if (source.length > maxSourceChars || target.length > maxTargetChars) {
      summary.dropped.tooLong++;
      continue;
    }
    if (opts.dedupe !== false) {
      const key = `${source}\u0000${target}`;
      if (seen.has(key)) {
        summary.dropped.duplicate++;
        continue;
      }
      seen.add(key);
    }
    out.push({ ...ex, source, target });
  }
  summary.output = out.length;
  if (out.length === 0 && !opts.allowEmpty)
    throw new UserError(
      `${opts.label ?? 'dataset'}: no examples left after cleaning (${summary.input} in; dropped ${summary.dropped.empty} empty, ` +
        `${summary.dropped.tooLong} over ${maxSourceChars}/${maxTargetChars} chars, ${summary.dropped.duplicate} duplicate); ` +
        'expected non-empty source and target text',
    );
  return { examples: out, summary };
}
