import { tf } from '../engine/tf.ts';
import type { ModelInput, LayerKV, ModelOutput } from '../models/outputs.ts';
import { interleavedRows, repeatRows, type PromptBatch, type Stepper } from './stepper.ts';

export interface CausalLM {
  readonly vocabSize: number;
  forward(input: ModelInput): ModelOutput;
}

/**
 * Decoder-only generation state: left-padded prompts, the attention mask grown by one column per
 * step, position ids from the mask (cumsum − 1, pads at 1, as transformers' generate), and the KV
 * cache so each step runs only the new token. The prompt runs once per prompt row and its cache is
 * then copied to the row's `expand` hypotheses (transformers runs every expanded row; the outputs are
 * the same, and prefilling each beam would hold `expand` times the prompt's activations).
 */
export function decoderOnlyStepper(model: CausalLM, prompts: PromptBatch, expand: number): Stepper {
  return new DecoderOnlyStepper(model, prompts, expand);
}

class DecoderOnlyStepper implements Stepper {
  readonly rows: number;
  readonly vocabSize: number;
  private readonly ids: number[][];
  private readonly expand: number;
  private mask: number[][];
  private past: LayerKV[] | undefined;

  constructor(
    private readonly model: CausalLM,
    prompts: PromptBatch,
    expand: number,
  ) {
    this.ids = prompts.inputIds;
    this.expand = expand;
    this.mask = prompts.attentionMask?.map((r) => [...r]) ?? this.ids.map((r) => r.map(() => 1));
    this.rows = this.ids.length * expand;
    this.vocabSize = model.vocabSize;
  }

  prefill(): Float32Array {
    const logits = this.run(this.ids);
    if (this.expand === 1) return logits;
    this.reorder(interleavedRows(this.ids.length, this.expand));
    return repeatRows(logits, this.vocabSize, this.expand);
  }

  step(tokens: Int32Array): Float32Array {
    this.mask = this.mask.map((r) => [...r, 1]);
    return this.run(Array.from(tokens, (t) => [t]));
  }

  reorder(indices: number[]): void {
    this.mask = indices.map((i) => [...this.mask[i]!]);
    if (!this.past) return;
    const idx = tf.tensor1d(indices, 'int32');
    const next = this.past.map((kv) => ({ key: tf.gather(kv.key, idx), value: tf.gather(kv.value, idx) }));
    idx.dispose();
    this.dispose();
    this.past = next;
  }

  dispose(): void {
    if (this.past) for (const kv of this.past) tf.dispose([kv.key, kv.value]);
    this.past = undefined;
  }

  /** Runs `inputIds` (rows × T) after the cached positions; returns the last position's logits. */
  private run(inputIds: number[][]): Float32Array {
    const N = inputIds.length;
    const V = this.vocabSize;
    const T = inputIds[0]!.length;
    const mask = this.mask;
    const out = tf.tidy(() => {
      const o = this.model.forward({
        inputIds: tf.tensor2d(inputIds, [N, T], 'int32'),
        attentionMask: tf.tensor2d(mask, [N, mask[0]!.length], 'int32'),
        positionIds: tf.tensor2d(positionsFromMask(mask, T), [N, T], 'int32'),
        pastKeyValues: this.past,
        useCache: true,
      });
      // The last position of the output, not of the input: prompt tuning returns logits for its
      // virtual tokens too (peft's [B, nvt + T, V]).
      const L = o.logits.shape[1]!;
      const last = o.logits.slice([0, L - 1, 0], [N, 1, V]).reshape([N, V]);
      return { last, kv: o.pastKeyValues! };
    });
    this.dispose();
    this.past = out.kv;
    const data = out.last.dataSync() as Float32Array;
    out.last.dispose();
    return data;
  }
}

/** The last `last` position ids of each row: cumsum(mask) − 1, with pads at 1 (transformers' generate). */
function positionsFromMask(m: number[][], last: number): number[][] {
  return m.map((row) => {
    let c = 0;
    const pos = row.map((x) => (c += x) - 1).map((p, i) => (row[i] === 0 ? 1 : p));
    return pos.slice(pos.length - last);
  });
}
