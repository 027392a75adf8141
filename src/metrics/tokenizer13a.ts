import { pySplit } from './pythonText.ts';

/*
 * sacrebleu's `13a` tokenizer (mteval-v13a.pl as used by WMT), the default for BLEU.
 *
 * The regular expressions run one after the other with Python `re.sub` semantics (left to right,
 * non-overlapping), which JS global replace shares. The `u` flag makes `[^0-9]` consume a whole code
 * point, as Python does, instead of half a surrogate pair.
 */

// ASCII punctuation and symbols except ' - . , (the character class of mteval-v13a, ranges included).
const SPLIT_SYMBOLS = /([{-~[-` -&(-+:-@/])/gu;
// A period or comma is split unless it sits between digits.
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
// A dash is split only after a digit.
const DASH_AFTER_DIGIT = /([0-9])(-)/gu;

/** The language-dependent part of 13a, shared with sacrebleu's `zh` tokenizer upstream. */
export function tokenizeRegexp(line: string): string {
  const s = line
    .replace(SPLIT_SYMBOLS, ' $1 ')
    .replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ')
    .replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2')
    .replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s).join(' ');
}

/** Tokenizes one segment exactly as sacrebleu 2.6 `Tokenizer13a`. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  // Entities are unescaped only when the line has an ampersand, one entity after the other, so
  // `&amp;lt;` becomes `<` but `&amp;quot;` stays `&quot;` (the order matters).
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return tokenizeRegexp(` ${s} `);
}
