import { tf, type Tensor } from '../engine/tf.ts';
import type { LayerKV, ModelInput, ModelOutput } from '../models/outputs.ts';
import { interleavedRows, repeatRows, type PromptBatch, type Stepper } from './stepper.ts';

export interface Seq2SeqLM {
  readonly vocabSize: number;
  forward(input: ModelInput): ModelOutput;
}

/**
 * Encoder-decoder generation state: the encoder runs once on the (right-padded) prompts; each step
 * feeds one decoder token with the self-attention cache and the cross-attention keys/values, which
 * are projected from the encoder output once and then reused. The encoder and the first decoder step
 * run once per prompt and are then copied to the prompt's `expand` rows, as transformers encodes before
 * expanding: the rows are identical until a token is chosen, and encoding every beam would hold
 * `expand` times the encoder's activations (4 beams × 32 prompts × 256 tokens overflowed the wasm heap).
 */
export function encoderDecoderStepper(model: Seq2SeqLM, prompts: PromptBatch, expand: number, startToken: number): Stepper {
  return new EncoderDecoderStepper(model, prompts, expand, startToken);
}

class EncoderDecoderStepper implements Stepper {
  readonly rows: number;
  readonly vocabSize: number;
  private readonly ids: number[][];
  private readonly expand: number;
  private encMask: Tensor;
  private encoderHidden: Tensor | undefined;
  private past: LayerKV[] | undefined;

  constructor(
    private readonly model: Seq2SeqLM,
    prompts: PromptBatch,
    expand: number,
    private readonly startToken: number,
  ) {
    this.ids = prompts.inputIds;
    this.expand = expand;
    this.rows = this.ids.length * expand;
    this.vocabSize = model.vocabSize;
    const mask = prompts.attentionMask ?? this.ids.map((r) => r.map(() => 1));
    this.encMask = tf.tensor2d(mask, [this.ids.length, this.ids[0]!.length], 'int32');
  }

  prefill(): Float32Array {
    const logits = this.run(this.ids.map(() => [this.startToken]));
    if (this.expand === 1) return logits;
    this.reorder(interleavedRows(this.ids.length, this.expand));
    return repeatRows(logits, this.vocabSize, this.expand);
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
    const N = tokens.length;
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
