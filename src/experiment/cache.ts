/**
 * The experiment cache on disk (runs/experiments/<id>-<key>/): result.json and predictions.jsonl of a
 * finished run. result.json is written last and atomically, so an entry with one is complete; an
 * entry from an older result schema is ignored.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomicWrite.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { RESULT_SCHEMA, type ExperimentResult } from './results.ts';

export const DEFAULT_RUNS_DIR = path.join(REPO_ROOT, 'runs', 'experiments');

export function cacheDir(id: string, key: string, runsDir = DEFAULT_RUNS_DIR): string {
  return path.join(runsDir, `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}-${key.slice(0, 16)}`);
}

export interface CachedRun {
  result: ExperimentResult;
  /** Test outputs and references, in test-split order. */
  predictions: string[];
  references: string[];
}

/** One test example's output as predictions.jsonl stores it. */
export interface PredictionRow {
  id: string;
  prediction: string;
  reference: string;
  truncated: boolean;
}

export function readCached(dir: string): CachedRun | undefined {
  const rf = path.join(dir, 'result.json');
  const pf = path.join(dir, 'predictions.jsonl');
  if (!existsSync(rf) || !existsSync(pf)) return undefined;
  try {
    const result = JSON.parse(readFileSync(rf, 'utf8')) as ExperimentResult;
    if (result.schema !== RESULT_SCHEMA) return undefined;
    const rows = readFileSync(pf, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { prediction: string; reference: string });
    return { result, predictions: rows.map((r) => r.prediction), references: rows.map((r) => r.reference) };
  } catch {
    return undefined;
  }
}

/** Empties the entry for a fresh run. */
export function resetCacheDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

export function writeCached(dir: string, rows: readonly PredictionRow[], result: ExperimentResult): void {
  writeFileSync(
    path.join(dir, 'predictions.jsonl'),
    rows.map((r) => JSON.stringify({ id: r.id, prediction: r.prediction, reference: r.reference, truncated: r.truncated }) + '\n').join(''),
  );
  writeJsonAtomic(path.join(dir, 'result.json'), result);
}

/**
 * Adds fields scored after the run to its cached result (COMET, when a scorer is configured after
 * the run was cached): result.json is rewritten whole and atomically, so the entry stays complete.
 */
export function amendCachedResult(dir: string, fields: Pick<ExperimentResult, 'comet'>): void {
  const rf = path.join(dir, 'result.json');
  const stored = JSON.parse(readFileSync(rf, 'utf8')) as ExperimentResult;
  writeJsonAtomic(rf, { ...stored, ...fields });
}
