/**
 * The shape of a Hugging Face `tokenizer.json` (the `tokenizers` library's serialization) and of
 * `tokenizer_config.json`, as far as this project reads or writes them. Component configs we only
 * pass through to the tokenizer library stay loosely typed.
 */

/** An entry of `added_tokens` in tokenizer.json. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A normalizer / pre-tokenizer / post-processor / decoder config: `type` plus its own fields. */
export interface ComponentJson {
  type: string;
  [key: string]: unknown;
}

export interface BpeModelJson {
  type: 'BPE';
  dropout: number | null;
  unk_token: string | null;
  continuing_subword_prefix: string | null;
  end_of_word_suffix: string | null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges?: boolean;
  vocab: Record<string, number>;
  /** "left right" strings (all versions) or [left, right] pairs (tokenizers >= 0.20). */
  merges: string[] | [string, string][];
}

export interface UnigramModelJson {
  type: 'Unigram';
  unk_id: number | null;
  vocab: [string, number][];
  byte_fallback?: boolean;
}

export interface OtherModelJson {
  type: string;
  [key: string]: unknown;
}

export interface TokenizerJson {
  version: string;
  truncation: unknown;
  padding: unknown;
  added_tokens: AddedTokenJson[];
  normalizer: ComponentJson | null;
  pre_tokenizer: ComponentJson | null;
  post_processor: ComponentJson | null;
  decoder: ComponentJson | null;
  model: BpeModelJson | UnigramModelJson | OtherModelJson;
}

/** A special token in tokenizer_config.json: a plain string or an AddedToken-like object. */
export type ConfigToken = string | { content: string; [key: string]: unknown } | null;

/** The fields of tokenizer_config.json (and special_tokens_map.json) that the runtime uses. */
export interface TokenizerConfigJson {
  bos_token?: ConfigToken;
  eos_token?: ConfigToken;
  pad_token?: ConfigToken;
  unk_token?: ConfigToken;
  additional_special_tokens?: ConfigToken[];
  added_tokens_decoder?: Record<string, Omit<AddedTokenJson, 'id'>>;
  clean_up_tokenization_spaces?: boolean;
  model_max_length?: number;
  tokenizer_class?: string;
  [key: string]: unknown;
}

export function configTokenContent(t: ConfigToken | undefined): string | undefined {
  if (t === null || t === undefined) return undefined;
  return typeof t === 'string' ? t : t.content;
}

export function specialAddedToken(id: number, content: string): AddedTokenJson {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}
