/**
 * SentencePiece's `precompiled_charsmap` normalizer (T5's "nmt_nfkc"), run as the Rust
 * `tokenizers` crate runs it. The JS tokenizer library approximates it with NFKC plus a few regexes,
 * which differs on characters such as U+0085 or some accented letters; this reads the real table.
 *
 * Blob layout: u32 LE trie size in bytes, a darts-clone double-array trie (u32 units) keyed by
 * UTF-8 bytes whose values are offsets into the rest of the blob, a list of NUL-terminated
 * replacement strings.
 */
import { UserError } from '../../util/errors.ts';

const encoder = new TextEncoder();

/**
 * Characters that always form a grapheme of their own: ASCII (without CR, which pairs with LF),
 * Latin-1/Latin Extended, Greek, Cyrillic (without its combining marks U+0483-0489), general
 * punctuation (without ZWNJ/ZWJ U+200C/D) and currency signs.
 */
const SINGLE_CODE_POINT_GRAPHEMES = /^[\t\n\x20-\x7e\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u2000-\u200b\u200e-\u206f\u20a0-\u20bf]*$/u;
const decoder = new TextDecoder();

export class PrecompiledCharsmap {
  private readonly units: Uint32Array;
  private readonly normalized: Uint8Array;
  private readonly cache = new Map<string, string | null>();
  private readonly segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

  constructor(blob: Uint8Array, source = 'precompiled_charsmap') {
    if (blob.length < 4) throw new UserError(`${source}: charsmap of ${blob.length} bytes is too short`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > blob.length) {
      throw new UserError(`${source}: trie size ${trieSize} does not fit the ${blob.length}-byte charsmap`);
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = blob.slice(4 + trieSize);
  }

  /** Offsets of all keys that are prefixes of `key`, shortest first (darts-clone commonPrefixSearch). */
  private prefixMatches(key: Uint8Array): number[] {
    const u = this.units;
    const results: number[] = [];
    const offset = (unit: number) => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    if (u.length === 0) return results;
    let pos = offset(u[0]!);
    for (const c of key) {
      if (c === 0) break;
      pos ^= c;
      const unit = u[pos];
      // label(unit) includes the leaf bit, so a leaf never matches a byte
      if (unit === undefined || (unit & ((1 << 31) | 0xff)) !== c) return results;
      pos ^= offset(unit);
      if ((unit >>> 8) & 1) results.push(u[pos]! & 0x7fffffff);
    }
    return results;
  }

  /** The replacement for a chunk of text, or null when the table leaves it unchanged. */
  private transform(chunk: string): string | null {
    const cached = this.cache.get(chunk);
    if (cached !== undefined) return cached;
    const matches = this.prefixMatches(encoder.encode(chunk));
    let out: string | null = null;
    if (matches.length > 0) {
      // HF uses the first (shortest) match, as SentencePiece's table is built for it.
      const start = matches[0]!;
      let end = start;
      while (end < this.normalized.length && this.normalized[end] !== 0) end++;
      out = decoder.decode(this.normalized.subarray(start, end));
    }
    if (this.cache.size < 200_000) this.cache.set(chunk, out);
    return out;
  }

  /**
   * Normalizes grapheme by grapheme like `tokenizers`' Precompiled: a short grapheme (< 6 UTF-8
   * bytes) is looked up whole; otherwise, or when it has no entry, each code point is looked up.
   */
  normalize(text: string): string {
    let out = '';
    // Grapheme segmentation is ~100x slower than code-point iteration; text made only of
    // characters that never join a neighbour into one grapheme can skip it.
    const segments = SINGLE_CODE_POINT_GRAPHEMES.test(text) ? text : Array.from(this.segmenter.segment(text), (s) => s.segment);
    for (const segment of segments) {
      if (utf8Length(segment) < 6) {
        const whole = this.transform(segment);
        if (whole !== null) {
          out += whole;
          continue;
        }
      }
      for (const ch of segment) out += this.transform(ch) ?? ch;
    }
    return out;
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Makes the JS library's normalizers behave like the Rust crate's, anywhere in a normalizer tree:
 * Precompiled runs the real table (above); Strip uses Unicode White_Space as Rust's `trim` does
 * (JavaScript's trim also strips U+FEFF and keeps U+0085). Returns how many were replaced.
 */
export function installFaithfulNormalizers(normalizer: unknown): number {
  const n = normalizer as {
    config?: { type?: string; precompiled_charsmap?: string | null; strip_left?: boolean; strip_right?: boolean };
    normalizers?: unknown[];
    normalize?: (text: string) => string;
  } | null;
  if (!n) return 0;
  let replaced = 0;
  const type = n.config?.type;
  if (type === 'Precompiled' && typeof n.config?.precompiled_charsmap === 'string' && n.config.precompiled_charsmap.length > 0) {
    const table = new PrecompiledCharsmap(Buffer.from(n.config.precompiled_charsmap, 'base64'));
    n.normalize = (text: string) => table.normalize(text);
    replaced++;
  } else if (type === 'Strip') {
    const left = n.config?.strip_left ?? false;
    const right = n.config?.strip_right ?? false;
    n.normalize = (text: string) => {
      let t = text;
      if (left) t = t.replace(/^\p{White_Space}+/u, '');
      if (right) t = t.replace(/\p{White_Space}+$/u, '');
      return t;
    };
    replaced++;
  }
  if (Array.isArray(n.normalizers)) for (const child of n.normalizers) replaced += installFaithfulNormalizers(child);
  return replaced;
}
