import { tf, type Tensor } from '../engine/tf.ts';
import type { LayerKV, ModelInput, ModelOutput } from '../models/outputs.ts';
import { expandPrompts, type PromptBatch, type Stepper } from './stepper.ts';

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
  return new EncoderDecoderStepper(model, prompts, expand, startToken);
}

class EncoderDecoderStepper implements Stepper {
  readonly rows: number;
  readonly vocabSize: number;
  private readonly ids: number[][];
  private encMask: Tensor;
  private encoderHidden: Tensor | undefined;
  private past: LayerKV[] | undefined;

  constructor(
    private readonly model: Seq2SeqLM,
    prompts: PromptBatch,
    expand: number,
    private readonly startToken: number,
  ) {
    const { ids, mask } = expandPrompts(prompts, expand);
    this.ids = ids;
    this.rows = ids.length;
    this.vocabSize = model.vocabSize;
    this.encMask = tf.tensor2d(mask, [this.rows, ids[0]!.length], 'int32');
  }

  prefill(): Float32Array {
    return this.run(this.ids.map(() => [this.startToken]));
  }

  step(tokens: Int32Array): Float32Array {
    return this.run(Array.from(tokens, (t) => [t]));
  }

  reorder(indices: number[]): void {
    const idx = tf.tensor1d(indices, 'int32');
    const g = (t: Tensor) => tf.gather(t, idx);
    const next = this.past?.map((kv) => ({ key: g(kv.key), value: g(kv.value), crossKey: g(kv.crossKey!), crossValue: g(kv.crossValue!) }));
    const nextEnc = this.encoderHidden ? g(this.encoderHidden) : undefined;
    const nextMask = g(this.encMask);
    idx.dispose();
    this.disposeCache();
    tf.dispose([this.encoderHidden!, this.encMask].filter(Boolean));
    this.past = next;
    this.encoderHidden = nextEnc;
    this.encMask = nextMask;
  }

  dispose(): void {
    this.disposeCache();
    tf.dispose([this.encoderHidden!, this.encMask].filter(Boolean));
    this.encoderHidden = undefined;
  }

  private disposeCache(): void {
    if (this.past) for (const kv of this.past) tf.dispose([kv.key, kv.value, kv.crossKey!, kv.crossValue!].filter(Boolean));
    this.past = undefined;
  }

  /** Runs one decoder token per row (the encoder too, on the first call); returns the logits, rows × V. */
  private run(tokens: number[][]): Float32Array {
    const N = this.rows;
    const S = this.ids[0]!.length;
    const encoderHidden = this.encoderHidden;
    const out = tf.tidy(() => {
      const o = this.model.forward({
        inputIds: encoderHidden ? undefined : tf.tensor2d(this.ids, [N, S], 'int32'),
        encoderHiddenStates: encoderHidden,
        attentionMask: this.encMask,
        decoderInputIds: tf.tensor2d(tokens, [N, 1], 'int32'),
        pastKeyValues: this.past,
        useCache: true,
      });
      const last = o.logits.reshape([N, this.vocabSize]);
      return { last, kv: o.pastKeyValues!, enc: encoderHidden ? undefined : o.encoderLastHiddenState! };
    });
    if (out.enc) this.encoderHidden = out.enc;
    // Cross-attention K/V are returned unchanged from the previous cache: keep, do not double-free.
    const old = this.past;
    this.past = out.kv;
    if (old) for (const kv of old) tf.dispose([kv.key, kv.value]);
    const data = out.last.dataSync() as Float32Array;
    out.last.dispose();
    return data;
  }
}
