// Where the compiled CLI lives and whether it may be run: bin/build.mjs writes dist/ with a stamp
// (dist/build.json) listing the sources it was built from; the launcher runs dist/ only while none
// of them changed since, so an edit to src/ is never hidden behind an older build.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const DIST = 'dist';
export const STAMP = 'build.json';
export const ENTRY = 'cli/main.js';

/**
 * The compiled entry point under `root`/dist, or why it cannot be used (not built, built from older
 * sources). Costs one small JSON read and one stat per source file.
 * @param {string} root the repository root
 * @returns {{ entry: string } | { reason: string }}
 */
export function compiledEntry(root) {
  const dist = path.join(root, DIST);
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(dist, STAMP), 'utf8'));
  } catch {
    return { reason: `${DIST}/ is not built (npm run build)` };
  }
  if (!Array.isArray(stamp.inputs) || typeof stamp.builtAtMs !== 'number') return { reason: `${DIST}/${STAMP} is not a build stamp` };
  for (const input of stamp.inputs) {
    let mtimeMs;
    try {
      mtimeMs = statSync(path.join(root, input)).mtimeMs;
    } catch {
      return { reason: `${input} is gone since ${DIST}/ was built` };
    }
    if (mtimeMs > stamp.builtAtMs) return { reason: `${input} changed since ${DIST}/ was built` };
  }
  return { entry: path.join(dist, ENTRY) };
}
