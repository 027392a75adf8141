/** Shared-corpus slices for the pretraining tests (read at test time, never copied into the repo). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SHARED_DIR, sharedDir } from '../../src/util/paths.ts';

/** The shared folder, or undefined in a clone without it (the tests that need it then skip). */
export const SHARED = sharedDir();
export const DATASETS = path.join(SHARED ?? DEFAULT_SHARED_DIR, 'datasets');

interface OpusRow {
  translation: { en: string; ru: string };
}

/** English and Russian sides of the first `train` rows, and of the next `heldOut` rows. */
export function corpusLines(train: number, heldOut: number): { train: string[]; heldOut: string[] } {
  // Suites are collected even when skipped: without the shared folder there is nothing to read.
  if (!SHARED) return { train: [], heldOut: [] };
  const rows = readFileSync(path.join(DATASETS, 'opus-style-en-ru.jsonl'), 'utf8')
    .split('\n', train + heldOut)
    .map((l) => (JSON.parse(l) as OpusRow).translation);
  const sides = (rs: OpusRow['translation'][]) => rs.flatMap((r) => [r.en, r.ru]);
  return { train: sides(rows.slice(0, train)), heldOut: sides(rows.slice(train)) };
}

/** The first `n` lines of a shared dataset file. */
export function headLines(file: string, n: number): string[] {
  return readFileSync(path.join(DATASETS, file), 'utf8').split('\n', n).filter(Boolean);
}
