/**
 * How much of a text a tokenizer cannot represent: the share of whitespace-separated words whose
 * encoding contains the unknown token (not counting the unk token's own text typed in the word). A vocabulary without the text's script (T5 on Russian)
 * scores near 1; byte-level BPE (GPT-2, ours) has no <unk> and always scores 0.
 */
import type { Tokenizer } from './tokenizer.ts';

export interface UnkRate {
  /** unknownWords.length / words, 0 for an empty text. */
  rate: number;
  words: number;
  /** The words (in order, repeats kept) that contain at least one <unk>. */
  unknownWords: string[];
}

export function unkRate(tokenizer: Pick<Tokenizer, 'encode' | 'unkTokenId' | 'idToToken'>, text: string): UnkRate {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  const unk = tokenizer.unkTokenId;
  if (unk === undefined || words.length === 0) return { rate: 0, words: words.length, unknownWords: [] };
  // The unk token typed literally (GPT-2's unk is its <|endoftext|>) is not an unknown word.
  const unkText = tokenizer.idToToken(unk);
  const verdict = new Map<string, boolean>();
  const unknownWords: string[] = [];
  for (const w of words) {
    let isUnknown = verdict.get(w);
    if (isUnknown === undefined) {
      const rest = unkText ? w.split(unkText).join('') : w;
      isUnknown = rest.length > 0 && tokenizer.encode(rest, { addSpecialTokens: false }).includes(unk);
      verdict.set(w, isUnknown);
    }
    if (isUnknown) unknownWords.push(w);
  }
  return { rate: unknownWords.length / words.length, words: words.length, unknownWords };
}
