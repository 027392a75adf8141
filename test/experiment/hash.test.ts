import { describe, expect, it } from 'vitest';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson, hashFile, sha256 } from '../../src/experiment/hash.ts';

describe('cache-key hashing', () => {
  it('canonical JSON ignores key order and undefined fields, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(sha256(canonicalJson({ r: 8, alpha: 16 }))).toBe(sha256(canonicalJson({ alpha: 16, r: 8 })));
    expect(sha256(canonicalJson({ r: 8, alpha: 16 }))).not.toBe(sha256(canonicalJson({ r: 8, alpha: 32 })));
  });
  it('file hashes follow the content (the per-process memo checks size and mtime)', () => {
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'peft-hash-')), 'x.bin');
    writeFileSync(f, 'abc');
    expect(hashFile(f)).toBe(sha256('abc'));
    writeFileSync(f, 'abcd');
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    expect(hashFile(f)).toBe(sha256('abcd'));
  });
});
