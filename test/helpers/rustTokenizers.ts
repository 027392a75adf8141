/**
 * Hugging Face's own Rust tokenizers through their Node binding (npm `tokenizers`), for tests that
 * check our tokenizer files read identically there. The binding is large and optional, so it is not
 * a project dependency: `npm install --no-save tokenizers` brings it for a run.
 */
import { createRequire } from 'node:module';

export interface RustTokenizers {
  Tokenizer: {
    fromString(json: string): {
      encode(text: string): Promise<{ getIds(): number[] }>;
      decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
    };
  };
}

export const RUST_TOKENIZERS_MISSING = 'the optional npm package `tokenizers` is not installed (npm install --no-save tokenizers)';

/** The binding, or undefined where it is not installed. */
export const rustTokenizers: RustTokenizers | undefined = (() => {
  try {
    return createRequire(import.meta.url)('tokenizers') as RustTokenizers;
  } catch {
    return undefined;
  }
})();
