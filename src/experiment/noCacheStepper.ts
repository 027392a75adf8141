/**
 * Decoding without a KV cache: every step runs the model over the whole sequence so far. Only for
 * measuring what the cache saves (bench/inference.bench.ts); it produces the same tokens as the cached
 * steppers, which a test checks.
 */
import { tf } from '../engine/tf.ts';
import { int32Matrix } from '../engine/int32Matrix.ts';
import { generateWith } from '../generate/generate.ts';
import type { GenerationOptions, GenerationResult } from '../generate/options.ts';
import type { PromptBatch, Stepper } from '../generate/stepper.ts';
import type { LanguageModel } from '../models/registry.ts';

function lastLogits(logits: tf.Tensor, rows: number, vocab: number): Float32Array {
  const L = logits.shape[1]!;
  return tf.tidy(() => logits.slice([0, L - 1, 0], [rows, 1, vocab]).reshape([rows, vocab])).dataSync() as Float32Array;
}

function noCacheStepper(model: LanguageModel, prompts: PromptBatch, expand: number, startToken: number): Stepper {
  const rowsOf = <T>(a: T[]) => a.flatMap((r) => Array.from({ length: expand }, () => r));
  const src = rowsOf(prompts.inputIds).map((r) => [...r]);
  const srcMask = rowsOf(prompts.attentionMask ?? prompts.inputIds.map((r) => r.map(() => 1))).map((r) => [...r]);
  const N = src.length;
  const V = model.vocabSize;
  // Decoder-only: the growing sequence is the prompt plus new tokens; T5: the decoder side.
  let seq = model.isEncoderDecoder ? src.map(() => [startToken]) : src.map((r) => [...r]);
  let mask = model.isEncoderDecoder ? srcMask : srcMask.map((r) => [...r]);
  const run = (): Float32Array => {
    let logits: tf.Tensor | undefined;
    try {
      logits = tf.tidy(() => {
        if (model.isEncoderDecoder)
          return model.forward({ inputIds: int32Matrix(src), attentionMask: int32Matrix(srcMask), decoderInputIds: int32Matrix(seq) }).logits;
        const positions = mask.map((row) => {
          let c = 0;
          return row.map((x) => (x ? c++ : 1));
        });
        return model.forward({ inputIds: int32Matrix(seq), attentionMask: int32Matrix(mask), positionIds: int32Matrix(positions) }).logits;
      });
      return lastLogits(logits, N, V);
    } finally {
      logits?.dispose();
    }
  };
  return {
    rows: N,
    vocabSize: V,
    prefill: run,
    step(tokens) {
      seq = seq.map((r, i) => [...r, tokens[i]!]);
      if (!model.isEncoderDecoder) mask = mask.map((r) => [...r, 1]);
      return run();
    },
    reorder(indices) {
      seq = indices.map((i) => [...seq[i]!]);
      if (!model.isEncoderDecoder) mask = indices.map((i) => [...mask[i]!]);
    },
    dispose() {},
  };
}

/** generate() without the KV cache (greedy and sampling; beam search reorders rows the same way). */
export function generateWithoutCache(model: LanguageModel, prompts: PromptBatch, opts: GenerationOptions): GenerationResult {
  const start = (model.config as { decoder_start_token_id?: number }).decoder_start_token_id ?? 0;
  const prefix = model.isEncoderDecoder ? prompts.inputIds.map(() => [start]) : prompts.inputIds;
  return generateWith((p, e) => noCacheStepper(model, p, e, start), prompts, prefix, opts);
}
