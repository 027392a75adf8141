/**
 * What the encoders need from a tokenizer: text in, ids out. Special tokens that appear in
 * templates (`<|endoftext|>`, `<sep>`) must already be registered with the tokenizer so that
 * encode() maps each to one id (see templateSpecialTokens).
 */
export interface TokenEncoder {
  encode(text: string): number[];
}

/** Hugging Face's label value for positions the loss ignores. */
export const IGNORE_INDEX = -100;

/** What happens when even the target alone does not fit: drop the example or trim the target (both counted). */
export type TargetOverflow = 'drop' | 'truncate';

/** Counts reported next to every encoded dataset, so truncation is never silent. */
export interface EncodeStats {
  examples: number;
  encoded: number;
  sourceTruncated: number;
  targetTruncated: number;
  dropped: number;
}

export function emptyStats(): EncodeStats {
  return { examples: 0, encoded: 0, sourceTruncated: 0, targetTruncated: 0, dropped: 0 };
}
