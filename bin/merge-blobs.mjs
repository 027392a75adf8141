#!/usr/bin/env node
// Merges the standard run's shard blobs into REPORT.md, wherever each shard ran. A vitest blob records
// every test file by its absolute path, and `vitest --merge-reports` finds no test files when that path
// is not under the merging checkout ("No test files found"): a shard run on another machine, or in
// another folder, would not merge. This rewrites each blob's checkout root to this one (in a temporary
// copy; the committed blobs stay as they ran) and merges those with the report reporter.
//
// Usage: node bin/merge-blobs.mjs [BLOB_DIR] [extra vitest arguments]   (default results/standard/blobs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The checkout a blob ran in: the absolute path of one of its test files less the file's name relative
 * to the root, which the blob also records (as the file task's name). A blob is flatted's JSON: one
 * array of every value, strings among them.
 */
export function blobRoot(values) {
  const strings = values.filter((v) => typeof v === 'string');
  const relative = new Set(strings.filter((s) => !path.isAbsolute(s) && /\.[cm]?[jt]sx?$/.test(s)));
  // The shortest such root, for a module deeper in the tree may end with a test file's relative name;
  // never the empty one, for vite also names modules by their path from the root ('/suites/…').
  let root;
  for (const s of strings) {
    if (!path.isAbsolute(s)) continue;
    for (const r of relative) {
      const candidate = s.endsWith(`/${r}`) ? s.slice(0, -r.length - 1) : '';
      if (candidate !== '' && (root === undefined || candidate.length < root.length)) root = candidate;
    }
  }
  return root;
}

/** The blob's text with every path under the checkout it ran in moved under `newRoot`. */
export function relocateBlob(text, newRoot) {
  const values = JSON.parse(text);
  const oldRoot = blobRoot(values);
  if (oldRoot === undefined) throw new Error('not a vitest blob with test files: no absolute test-file path matches a relative one');
  if (oldRoot === newRoot) return text;
  const moved = values.map((v) => (typeof v === 'string' && (v === oldRoot || v.startsWith(`${oldRoot}/`)) ? newRoot + v.slice(oldRoot.length) : v));
  return JSON.stringify(moved);
}

function main(argv) {
  const dir = path.resolve(argv[0] && !argv[0].startsWith('-') ? argv.shift() : path.join(root, 'results', 'standard', 'blobs'));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length === 0) throw new Error(`${dir}: no blob files (*.json) to merge; write them with --reporter=blob`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-blobs-'));
  try {
    for (const f of files) writeFileSync(path.join(tmp, f), relocateBlob(readFileSync(path.join(dir, f), 'utf8'), root));
    const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, '--merge-reports', tmp, '--reporter', './reporters/report.ts', ...argv], { cwd: root, stdio: 'inherit' });
    return r.status ?? 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`merge-blobs: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
