import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root (where package.json lives), independent of the process's working directory.
 * Found by walking up rather than by a fixed number of '..' so that the compiled CLI (dist/, laid
 * out differently from src/) finds the same root.
 */
export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

/** Where the shared folder is looked for when PEFT_SHARED_DIR is not set. */
export const DEFAULT_SHARED_DIR = path.resolve(REPO_ROOT, '../shared');

/**
 * The shared data folder (corpora, tokenizers, goldens). CI and developers have it beside the clone;
 * PEFT_SHARED_DIR, when set, is the only place looked at (so that pointing it at a missing folder
 * runs everything as a clone without the data would). Returns undefined when absent so callers can
 * fall back or skip.
 */
export function sharedDir(): string | undefined {
  const candidate = process.env.PEFT_SHARED_DIR || DEFAULT_SHARED_DIR;
  return existsSync(candidate) ? candidate : undefined;
}

/** Like sharedDir() but throws a clear error when the shared folder is missing. */
export function requireSharedDir(): string {
  const dir = sharedDir();
  if (!dir) throw new Error(`shared data folder not found: set PEFT_SHARED_DIR or place it at ${DEFAULT_SHARED_DIR}`);
  return dir;
}
