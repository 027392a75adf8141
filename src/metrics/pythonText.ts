/**
 * Python `str` semantics that sacrebleu and rouge-score rely on, reproduced for JavaScript strings.
 *
 * The two languages disagree in small ways that change scores: Python's `str.split()` / `rstrip()`
 * treat U+001C–U+001F and U+0085 as whitespace but not U+FEFF (JS `\s` is the other way round), and
 * Python indexes strings by code point while JS indexes UTF-16 units (an emoji is 1 vs 2).
 */

/** The characters for which Python's `str.isspace()` is true (Unicode 14, same set through 17). */
export const PY_WHITESPACE_CLASS = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WS_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`);
const SURROGATE = /[\uD800-\uDFFF]/;

/** Python `s.split()` with no argument: split on runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  if (s === '') return [];
  const parts = s.split(WS_RUN);
  let start = 0;
  let end = parts.length;
  if (parts[0] === '') start = 1;
  if (end > start && parts[end - 1] === '') end--;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** Python `s.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING_WS, '');
}

/**
 * Python `s.lower()`. Both languages apply the full Unicode lowercase mapping including the
 * final-sigma rule and İ → i + U+0307, so this is `toLowerCase()`; the name documents the intent.
 */
export function pyLower(s: string): string {
  return s.toLowerCase();
}

/** True when the string has no astral-plane characters, so UTF-16 indexes are code-point indexes. */
export function isBmpOnly(s: string): boolean {
  return !SURROGATE.test(s);
}

/** The code points of `s` as one-character strings (Python's view of a string). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Python `len(s)`: the number of code points. */
export function pyLen(s: string): number {
  if (isBmpOnly(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}
