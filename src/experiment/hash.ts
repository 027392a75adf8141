/**
 * Content hashes for the experiment cache: a result is reused only when everything that determines
 * it hashes the same — the spec (canonical JSON, key order ignored), the bytes of the base model and
 * of the data file, the compute backend and the result schema.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortDeep(o[k])]),
    );
  }
  return v;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

const fileHashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();

/**
 * SHA-256 of a file's bytes, remembered per process while its size and mtime are unchanged (the
 * suites hash the same model and corpus for every experiment).
 */
export function hashFile(file: string): string {
  const st = statSync(file);
  const known = fileHashes.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.hash;
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const hash = h.digest('hex');
  fileHashes.set(file, { size: st.size, mtimeMs: st.mtimeMs, hash });
  return hash;
}
