import { tf } from '../engine/tf.ts';
import type { ModelInput, LayerKV, ModelOutput } from '../models/outputs.ts';
import type { PromptBatch, Stepper } from './stepper.ts';

export interface CausalLM {
  readonly vocabSize: number;
  forward(input: ModelInput): ModelOutput;
}

/**
 * Decoder-only generation state: left-padded prompts, the attention mask grown by one column per
 * step, position ids from the mask (cumsum − 1, pads at 1, as transformers' generate), and the KV
 * cache so each step runs only the new token.
 */
export function decoderOnlyStepper(model: CausalLM, prompts: PromptBatch, expand: number): Stepper {
  const rowsOf = <T>(a: T[]) => a.flatMap((r) => Array.from({ length: expand }, () => r));
  const ids = rowsOf(prompts.inputIds);
  let mask = rowsOf(prompts.attentionMask ?? prompts.inputIds.map((r) => r.map(() => 1))).map((r) => [...r]);
  const N = ids.length;
  const V = model.vocabSize;
  let past: LayerKV[] | undefined;

  const positionsFromMask = (m: number[][], last: number) =>
    m.map((row) => {
      let c = 0;
      const pos = row.map((x) => (c += x) - 1).map((p, i) => (row[i] === 0 ? 1 : p));
      return pos.slice(pos.length - last);
    });

  const run = (inputIds: number[][]): Float32Array => {
    const T = inputIds[0]!.length;
    const out = tf.tidy(() => {
      const o = model.forward({
        inputIds: tf.tensor2d(inputIds, [N, T], 'int32'),
        attentionMask: tf.tensor2d(mask, [N, mask[0]!.length], 'int32'),
        positionIds: tf.tensor2d(positionsFromMask(mask, T), [N, T], 'int32'),
        pastKeyValues: past,
        useCache: true,
      });
      // The last position of the output, not of the input: prompt tuning returns logits for its
      // virtual tokens too (peft's [B, nvt + T, V]).
      const L = o.logits.shape[1]!;
      const last = o.logits.slice([0, L - 1, 0], [N, 1, V]).reshape([N, V]);
      return { last, kv: o.pastKeyValues! };
    });
    disposePast();
    past = out.kv;
    const data = out.last.dataSync() as Float32Array;
    out.last.dispose();
    return data;
  };

  const disposePast = () => {
    if (past) for (const kv of past) tf.dispose([kv.key, kv.value]);
    past = undefined;
  };

  return {
    rows: N,
    vocabSize: V,
    prefill: () => run(ids),
    step(tokens) {
      mask = mask.map((r) => [...r, 1]);
      return run(Array.from(tokens, (t) => [t]));
    },
    reorder(indices) {
      mask = indices.map((i) => [...mask[i]!]);
      if (!past) return;
      const idx = tf.tensor1d(indices, 'int32');
      const next = past.map((kv) => ({ key: tf.gather(kv.key, idx), value: tf.gather(kv.value, idx) }));
      idx.dispose();
      disposePast();
      past = next;
    },
    dispose: disposePast,
  };
}
