/**
 * Generates outputs for a list of source texts: formatting as in training, batched generation with
 * one decoding strategy, and the measurements the report needs (new tokens, time, outputs cut off
 * at max_new_tokens).
 */
import { generate } from '../generate/generate.ts';
import type { GenerationOptions, Strategy } from '../generate/options.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { Tokenizer } from '../models/tokenizers/index.ts';
import { UserError } from '../util/errors.ts';
import { plainEncoder } from './data.ts';
import { promptIds, type Formatting } from './savedFormatting.ts';

/** Decoding options under transformers' GenerationConfig names. */
export interface DecodingSpec {
  strategy: Strategy;
  max_new_tokens: number;
  num_beams?: number;
  length_penalty?: number;
  no_repeat_ngram_size?: number;
  repetition_penalty?: number;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  seed?: number;
}

export interface Prediction {
  prediction: string;
  new_tokens: number;
  /** Stopped at max_new_tokens without an end-of-sequence token. */
  truncated: boolean;
}

export interface PredictRun {
  predictions: Prediction[];
  seconds: number;
  new_tokens: number;
  tokens_per_s: number;
}

export function specialTokenIds(model: LanguageModel): { eos?: number; pad: number } {
  const c = model.config as { eos_token_id?: number | null; pad_token_id?: number | null };
  const eos = c.eos_token_id ?? undefined;
  return { eos, pad: c.pad_token_id ?? eos ?? 0 };
}

export function generationOptions(d: DecodingSpec, ids: { eos?: number; pad: number }, seedOffset = 0): GenerationOptions {
  return {
    strategy: d.strategy,
    maxNewTokens: d.max_new_tokens,
    numBeams: d.strategy === 'beam' ? (d.num_beams ?? 4) : 1,
    lengthPenalty: d.length_penalty,
    noRepeatNgramSize: d.no_repeat_ngram_size,
    repetitionPenalty: d.repetition_penalty,
    temperature: d.temperature,
    topK: d.top_k,
    topP: d.top_p,
    seed: d.strategy === 'sample' ? (d.seed ?? 0) + seedOffset : undefined,
    eosTokenId: ids.eos,
    padTokenId: ids.pad,
  };
}

export interface PredictOptions {
  decoding: DecodingSpec;
  batchSize: number;
  /** Called after each batch with the number of outputs done. */
  onProgress?: (done: number, total: number) => void;
}

/** Generates one output per source (in input order). */
export function predictTexts(model: LanguageModel, tokenizer: Tokenizer, formatting: Formatting, sources: readonly string[], opts: PredictOptions): PredictRun {
  if (formatting.encoder_decoder !== model.isEncoderDecoder)
    throw new UserError(
      `the formatting is for a${formatting.encoder_decoder ? 'n encoder-decoder' : ' decoder-only'} model but the model is ${model.isEncoderDecoder ? 'an encoder-decoder' : 'decoder-only'}`,
    );
  const ids = specialTokenIds(model);
  const encoder = plainEncoder(tokenizer);
  const prompts = sources.map((s) => promptIds(formatting, encoder, s, ids.eos));
  // Longest first, so batches hold prompts of similar length (less padding); results go back in order.
  const order = [...prompts.keys()].sort((a, b) => prompts[b]!.length - prompts[a]!.length || a - b);
  const out: Prediction[] = new Array(sources.length);
  let newTokens = 0;
  const t0 = performance.now();
  for (let b = 0; b * opts.batchSize < order.length; b++) {
    const idx = order.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
    const rows = idx.map((i) => prompts[i]!);
    let T = 0; // a loop, not Math.max(...): --batch-size may be larger than a call's argument list
    for (const r of rows) T = Math.max(T, r.length);
    // Decoder-only prompts are left-padded (generation continues at the right edge); T5 sources right-padded.
    const pad = (r: number[]) => (model.isEncoderDecoder ? [...r, ...Array(T - r.length).fill(ids.pad)] : [...Array(T - r.length).fill(ids.pad), ...r]);
    const mask = (r: number[]) =>
      model.isEncoderDecoder ? [...r.map(() => 1), ...Array(T - r.length).fill(0)] : [...Array(T - r.length).fill(0), ...r.map(() => 1)];
    const res = generate(model, { inputIds: rows.map(pad), attentionMask: rows.map(mask) }, generationOptions(opts.decoding, ids, b));
    const prefix = model.isEncoderDecoder ? 1 : T;
    idx.forEach((i, k) => {
      const gen = res.sequences[k]!.slice(prefix);
      const stop = ids.eos === undefined ? -1 : gen.indexOf(ids.eos);
      const kept = stop >= 0 ? gen.slice(0, stop) : gen;
      newTokens += stop >= 0 ? stop + 1 : gen.length;
      out[i] = {
        prediction: tokenizer.decode(kept, { skipSpecialTokens: true }).trim(),
        new_tokens: kept.length,
        truncated: stop < 0 && gen.length >= opts.decoding.max_new_tokens,
      };
    });
    opts.onProgress?.(Math.min(order.length, (b + 1) * opts.batchSize), order.length);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    predictions: out,
    seconds,
    new_tokens: newTokens,
    tokens_per_s: newTokens / Math.max(seconds, 1e-9),
  };
}
