import { UserError } from '../util/errors.ts';
import { cachedPorterStemmer } from './porterStemmer.ts';
import { pyLower } from './pythonText.ts';

/**
 * Tokenizers for ROUGE.
 *
 * `default` is rouge-score 0.1.2's `DefaultTokenizer`: Python `lower()`, every run of characters
 * outside [a-z0-9] becomes a space, tokens longer than 3 characters are Porter-stemmed when asked,
 * and only `^[a-z0-9]+$` tokens are kept. Cyrillic, CJK and accented letters therefore vanish
 * (`café` → `caf`), so rouge-score cannot score Russian.
 *
 * `unicode` is ours (opt-in, and named in the signature): lower-cased runs of letters, combining
 * marks and digits of any script. Porter stemming, an English algorithm, applies only to tokens that
 * are plain [a-z0-9] words, as in the default tokenizer.
 */

export type RougeTokenizerName = 'default' | 'unicode';

export const ROUGE_TOKENIZERS: readonly RougeTokenizerName[] = ['default', 'unicode'];

export interface RougeTokenizer {
  /** Appears in the signature as `tok:<name>`. */
  readonly name: string;
  tokenize(text: string): string[];
}

const NON_ALPHANUM = /[^a-z0-9]+/g;
const VALID_TOKEN = /^[a-z0-9]+$/;
const UNICODE_WORD = /[\p{L}\p{M}\p{N}]+/gu;

export function defaultRougeTokenizer(useStemmer: boolean): RougeTokenizer {
  const stem = useStemmer ? cachedPorterStemmer() : undefined;
  return {
    name: 'default',
    tokenize(text: string): string[] {
      const parts = pyLower(text).replace(NON_ALPHANUM, ' ').split(' ');
      const out: string[] = [];
      for (const p of parts) {
        const t = stem && p.length > 3 ? stem(p) : p;
        if (VALID_TOKEN.test(t)) out.push(t);
      }
      return out;
    },
  };
}

export function unicodeRougeTokenizer(useStemmer: boolean): RougeTokenizer {
  const stem = useStemmer ? cachedPorterStemmer() : undefined;
  return {
    name: 'unicode',
    tokenize(text: string): string[] {
      const words = pyLower(text).match(UNICODE_WORD) ?? [];
      if (!stem) return words;
      return words.map((w) => (w.length > 3 && VALID_TOKEN.test(w) ? stem(w) : w));
    },
  };
}

export function rougeTokenizer(name: RougeTokenizerName, useStemmer: boolean): RougeTokenizer {
  if (name === 'default') return defaultRougeTokenizer(useStemmer);
  if (name === 'unicode') return unicodeRougeTokenizer(useStemmer);
  throw new UserError(`unknown ROUGE tokenizer '${String(name)}'; valid: ${ROUGE_TOKENIZERS.join(', ')}`);
}
