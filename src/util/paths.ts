import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json lives), independent of the process's working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared data folder (corpora, tokenizers, goldens). CI and developers have it beside the clone;
 * PEFT_SHARED_DIR overrides. Returns undefined when absent so callers can fall back or skip.
 */
export function sharedDir(): string | undefined {
  const candidates = [process.env.PEFT_SHARED_DIR, path.resolve(REPO_ROOT, '../shared')].filter(
    (p): p is string => !!p,
  );
  return candidates.find((p) => existsSync(p));
}

/** Like sharedDir() but throws a clear error when the shared folder is missing. */
export function requireSharedDir(): string {
  const dir = sharedDir();
  if (!dir) throw new Error(`shared data folder not found: set PEFT_SHARED_DIR or place it at ${path.resolve(REPO_ROOT, '../shared')}`);
  return dir;
}
