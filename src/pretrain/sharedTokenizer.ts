/**
 * The shared byte-level BPE tokenizer of the micro presets: one vocabulary for English and Russian,
 * for both GPT-2 and T5, trained with our trainBpe (HF BpeTrainer semantics; the npm `tokenizers`
 * binding cannot set vocab_size).
 *
 * Id layout (chosen to serve both model families):
 * - 0 `<pad>`, 1 `</s>`, 2 `<unk>`: T5's fixed ids (pad = decoder start 0, eos 1);
 * - 3 `<|startoftext|>`, 4 `<sep>`, 5 `<|endoftext|>`: the decoder-only template tokens
 *   (DEFAULT_CAUSAL_TEMPLATE) and GPT-2's bos/eos;
 * - 6 .. V-101: the 256 byte symbols, then the learned merges;
 * - V-100 .. V-1: `<extra_id_99>` .. `<extra_id_0>`, T5's sentinels in Hugging Face's order
 *   (`<extra_id_0>` is the LAST id, as in t5-small where it is 32099), so that HF's span-corruption
 *   code (`len(tokenizer) - sentinel_number`) and ours (which looks the ids up by name) agree.
 *
 * Byte-level BPE has no unknown characters, so `<unk>` is never produced; it exists because T5
 * tooling expects an unk token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  byteLevelBpeTokenizerJson,
  eosTemplateProcessing,
  trainBpe,
  type AddedTokenJson,
  type BpeModelJson,
  type TokenizerJson,
} from '../models/tokenizers/index.ts';

export const SPECIAL_TOKENS = ['<pad>', '</s>', '<unk>', '<|startoftext|>', '<sep>', '<|endoftext|>'] as const;
export const NUM_SENTINELS = 100;
export const sentinelToken = (i: number): string => `<extra_id_${i}>`;

export type TokenizerFlavor = 'gpt2' | 't5';

export interface SharedTokenizerOptions {
  /** Final size, sentinels included (default 8192). */
  vocabSize?: number;
  minFrequency?: number;
  onProgress?: (merges: number, vocabSize: number) => void;
}

/**
 * Trains the shared tokenizer on `texts`; returns its tokenizer.json (GPT-2 flavour: no
 * post-processor tokens). The result has exactly `vocabSize` ids unless the corpus runs out of
 * pairs to merge first (tiny test corpora), in which case the sentinels follow the last merge.
 */
export function trainSharedTokenizer(texts: Iterable<string>, opts: SharedTokenizerOptions = {}): TokenizerJson {
  const vocabSize = opts.vocabSize ?? 8192;
  const trained = trainBpe(texts, {
    vocabSize: vocabSize - NUM_SENTINELS,
    minFrequency: opts.minFrequency ?? 2,
    specialTokens: [...SPECIAL_TOKENS],
    onProgress: opts.onProgress,
  });
  const model = trained.model as BpeModelJson;
  const vocab: Record<string, number> = { ...model.vocab };
  let next = Object.keys(vocab).length;
  for (let i = NUM_SENTINELS - 1; i >= 0; i--) vocab[sentinelToken(i)] = next++;
  const specials = [...SPECIAL_TOKENS, ...Array.from({ length: NUM_SENTINELS }, (_, i) => sentinelToken(NUM_SENTINELS - 1 - i))];
  const json = byteLevelBpeTokenizerJson(vocab, model.merges as string[], specials);
  json.added_tokens.sort((a, b) => a.id - b.id);
  return json;
}

/** The tokenizer.json of one model directory: T5's appends `</s>` as T5TokenizerFast does. */
export function tokenizerJsonFor(flavor: TokenizerFlavor, shared: TokenizerJson): TokenizerJson {
  if (flavor === 'gpt2') return shared;
  const eos = '</s>';
  const eosId = (shared.model as BpeModelJson).vocab[eos]!;
  return {
    ...shared,
    post_processor: eosTemplateProcessing(eos, eosId),
  };
}

function addedTokensDecoder(json: TokenizerJson): Record<string, Omit<AddedTokenJson, 'id'>> {
  const out: Record<string, Omit<AddedTokenJson, 'id'>> = {};
  for (const t of json.added_tokens) {
    const { id, ...rest } = t;
    out[String(id)] = rest;
  }
  return out;
}

/** special_tokens_map.json: which added token plays which role. */
export function specialTokensMapFor(flavor: TokenizerFlavor): Record<string, unknown> {
  if (flavor === 'gpt2')
    return {
      additional_special_tokens: ['<|startoftext|>', '<sep>'],
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<pad>',
      unk_token: '<unk>',
    };
  return {
    additional_special_tokens: Array.from({ length: NUM_SENTINELS }, (_, i) => sentinelToken(i)),
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
  };
}

/**
 * tokenizer_config.json as transformers 4.39 saves a fast tokenizer. GPT-2's loads as
 * GPT2TokenizerFast; T5's as PreTrainedTokenizerFast (T5TokenizerFast is built around a
 * SentencePiece vocabulary; ours is byte-level BPE, and the generic class reads tokenizer.json as is).
 */
export function tokenizerConfigFor(flavor: TokenizerFlavor, json: TokenizerJson, modelMaxLength: number): Record<string, unknown> {
  const common = {
    added_tokens_decoder: addedTokensDecoder(json),
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
    ...specialTokensMapFor(flavor),
  };
  if (flavor === 'gpt2') return { add_bos_token: false, add_prefix_space: false, errors: 'replace', ...common, tokenizer_class: 'GPT2Tokenizer' };
  return { extra_ids: NUM_SENTINELS, ...common, tokenizer_class: 'PreTrainedTokenizerFast' };
}

/** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir`. */
export function writeTokenizerFiles(dir: string, flavor: TokenizerFlavor, shared: TokenizerJson, modelMaxLength: number): void {
  mkdirSync(dir, { recursive: true });
  const json = tokenizerJsonFor(flavor, shared);
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json) + '\n');
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigFor(flavor, json, modelMaxLength), null, 2) + '\n');
  writeFileSync(path.join(dir, 'special_tokens_map.json'), JSON.stringify(specialTokensMapFor(flavor), null, 2) + '\n');
}

/** Sentinel ids by number (index i → id of `<extra_id_i>`), looked up by name in the tokenizer. */
export function sentinelIds(tokenToId: (t: string) => number | undefined, count = NUM_SENTINELS): number[] {
  return Array.from({ length: count }, (_, i) => {
    const id = tokenToId(sentinelToken(i));
    if (id === undefined) throw new Error(`the tokenizer has no ${sentinelToken(i)}: T5 span corruption needs its sentinel tokens`);
    return id;
  });
}
