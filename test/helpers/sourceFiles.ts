/** The repository's own source files, for the architecture tests that read the code as text. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Paths relative to REPO_ROOT of the files under `dir` whose names match `pattern` (node_modules skipped). */
export function sourceFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(rel, pattern));
    } else if (pattern.test(entry.name)) out.push(rel);
  }
  return out;
}
