/**
 * Tiny GPT-2 and T5 model directories written on the spot (config.json + model.safetensors with
 * small deterministic weights), so loading and input checks are tested in milliseconds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { modelFamily } from '../../src/models/registry.ts';
import { writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';

export const TINY_GPT2 = {
  model_type: 'gpt2',
  vocab_size: 64,
  n_positions: 16,
  n_embd: 8,
  n_layer: 2,
  n_head: 2,
  bos_token_id: 1,
  eos_token_id: 1,
  pad_token_id: 0,
};
export const TINY_T5 = {
  model_type: 't5',
  vocab_size: 64,
  d_model: 8,
  d_kv: 4,
  d_ff: 16,
  num_layers: 2,
  num_decoder_layers: 1,
  num_heads: 2,
  relative_attention_num_buckets: 8,
  relative_attention_max_distance: 16,
};

/** Writes `dir` with the given config; the weights follow `weightsConfig` (default: the same config). */
export function writeTinyModel(dir: string, config: Record<string, unknown>, weightsConfig: Record<string, unknown> = config): string {
  mkdirSync(dir, { recursive: true });
  const model = modelFamily(weightsConfig.model_type, 'test').create(weightsConfig, 'test');
  const tensors = new Map<string, Tensor>();
  for (const [name, p] of model.namedParameters()) {
    const data = Float32Array.from({ length: p.size }, (_, i) => 0.02 * Math.sin(i + name.length));
    tensors.set(name, { dtype: 'F32', shape: [...p.shape], data });
  }
  model.dispose();
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}
