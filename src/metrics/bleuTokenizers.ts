import { UserError } from '../util/errors.ts';
import { codePoints, pySplit } from './pythonText.ts';
import { tokenize13a } from './tokenizer13a.ts';

/** The BLEU tokenizers sacrebleu offers that need no external model (its `zh`, `ja-mecab`, `spm` do). */
export type BleuTokenizerName = '13a' | 'intl' | 'none' | 'char';

export const BLEU_TOKENIZERS: readonly BleuTokenizerName[] = ['13a', 'intl', 'none', 'char'];

/*
 * `intl` (mteval-v14 international): three substitutions in order. Punctuation stays attached only
 * when it has no non-digit neighbour (3,14 and a year followed by a final period); symbols are always
 * split. `\p{...}` in JS with the `u` flag is the Unicode general category, as in Python's `regex`.
 */
const PUNCT_AFTER_NON_DIGIT = /(\P{N})(\p{P})/gu;
const PUNCT_BEFORE_NON_DIGIT = /(\p{P})(\P{N})/gu;
const SYMBOL = /(\p{S})/gu;

export function tokenizeIntl(line: string): string {
  const s = line.replace(PUNCT_AFTER_NON_DIGIT, '$1 $2 ').replace(PUNCT_BEFORE_NON_DIGIT, ' $1 $2').replace(SYMBOL, ' $1 ');
  return pySplit(s).join(' ');
}

/** `char`: every code point is a token (sacrebleu joins them with spaces; whitespace runs vanish later). */
export function tokenizeChar(line: string): string {
  return codePoints(line).join(' ');
}

export function bleuTokenizer(name: BleuTokenizerName): (line: string) => string {
  switch (name) {
    case '13a':
      return tokenize13a;
    case 'intl':
      return tokenizeIntl;
    case 'char':
      return tokenizeChar;
    case 'none':
      return (line) => line;
    default:
      throw new UserError(`unknown BLEU tokenizer '${String(name)}'; valid: ${BLEU_TOKENIZERS.join(', ')}`);
  }
}
