import { tf, type Tensor } from '../engine/tf.ts';
import type { LayerKV, ModelInput, ModelOutput } from '../models/outputs.ts';
import type { PromptBatch, Stepper } from './stepper.ts';

export interface Seq2SeqLM {
  readonly vocabSize: number;
  forward(input: ModelInput): ModelOutput;
}

/**
 * Encoder-decoder generation state: the encoder runs once on the (right-padded) prompts; each step
 * feeds one decoder token with the self-attention cache and the cross-attention keys/values, which
 * are projected from the encoder output once and then reused.
 */
export function encoderDecoderStepper(model: Seq2SeqLM, prompts: PromptBatch, expand: number, startToken: number): Stepper {
  const rowsOf = <T>(a: T[]) => a.flatMap((r) => Array.from({ length: expand }, () => r));
  const ids = rowsOf(prompts.inputIds);
  const mask = rowsOf(prompts.attentionMask ?? prompts.inputIds.map((r) => r.map(() => 1)));
  const N = ids.length;
  const S = ids[0]!.length;
  const V = model.vocabSize;
  let encMask: Tensor = tf.tensor2d(mask, [N, S], 'int32');
  let encoderHidden: Tensor | undefined;
  let past: LayerKV[] | undefined;

  const disposeCache = () => {
    if (past) for (const kv of past) tf.dispose([kv.key, kv.value, kv.crossKey!, kv.crossValue!].filter(Boolean));
    past = undefined;
  };

  const run = (tokens: number[][]): Float32Array => {
    const out = tf.tidy(() => {
      const o = model.forward({
        inputIds: encoderHidden ? undefined : tf.tensor2d(ids, [N, S], 'int32'),
        encoderHiddenStates: encoderHidden,
        attentionMask: encMask,
        decoderInputIds: tf.tensor2d(tokens, [N, 1], 'int32'),
        pastKeyValues: past,
        useCache: true,
      });
      const last = o.logits.reshape([N, V]);
      return { last, kv: o.pastKeyValues!, enc: encoderHidden ? undefined : o.encoderLastHiddenState! };
    });
    if (out.enc) encoderHidden = out.enc;
    // Cross-attention K/V are returned unchanged from the previous cache: keep, do not double-free.
    const old = past;
    past = out.kv;
    if (old) for (const kv of old) tf.dispose([kv.key, kv.value]);
    const data = out.last.dataSync() as Float32Array;
    out.last.dispose();
    return data;
  };

  return {
    rows: N,
    vocabSize: V,
    prefill: () => run(ids.map(() => [startToken])),
    step: (tokens) => run(Array.from(tokens, (t) => [t])),
    reorder(indices) {
      const idx = tf.tensor1d(indices, 'int32');
      const g = (t: Tensor) => tf.gather(t, idx);
      const next = past?.map((kv) => ({ key: g(kv.key), value: g(kv.value), crossKey: g(kv.crossKey!), crossValue: g(kv.crossValue!) }));
      const nextEnc = encoderHidden ? g(encoderHidden) : undefined;
      const nextMask = g(encMask);
      idx.dispose();
      disposeCache();
      tf.dispose([encoderHidden!, encMask].filter(Boolean));
      past = next;
      encoderHidden = nextEnc;
      encMask = nextMask;
    },
    dispose() {
      disposeCache();
      tf.dispose([encoderHidden!, encMask].filter(Boolean));
      encoderHidden = undefined;
    },
  };
}
