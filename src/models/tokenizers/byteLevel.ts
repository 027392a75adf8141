/**
 * GPT-2's byte-level alphabet and pre-tokenization regex, shared by the runtime (to correct the
 * tokenizer library's regex) and by our BPE trainer (so training and encoding split text alike).
 */

/**
 * GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 bytes map
 * to U+0100.. in byte order, so every byte is a visible character and no token contains a space.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : next++);
  return out;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/**
 * GPT-2's pre-tokenization pattern as the Rust `tokenizers` crate runs it (Oniguruma): its `\s` is
 * Unicode White_Space, which differs from JavaScript's `\s` (JS adds U+FEFF and lacks U+0085), so
 * the JS translation spells the class out.
 */
export const GPT2_SPLIT_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

const encoder = new TextEncoder();

/** Maps a string's UTF-8 bytes to the byte-level alphabet. */
export function toByteLevel(text: string): string {
  let s = '';
  for (const b of encoder.encode(text)) s += BYTE_TO_CHAR[b]!;
  return s;
}

/** Splits text like GPT-2's ByteLevel pre-tokenizer (add_prefix_space = false, use_regex = true). */
export function byteLevelPreTokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(GPT2_SPLIT_PATTERN)) out.push(toByteLevel(m[0]));
  return out;
}

/** Inverse of toByteLevel: byte-level characters back to text (invalid UTF-8 becomes U+FFFD). */
export function fromByteLevel(tokens: string): string {
  const bytes: number[] = [];
  for (const c of tokens) {
    const b = CHAR_TO_BYTE.get(c);
    if (b !== undefined) bytes.push(b);
  }
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(new Uint8Array(bytes));
}
