/**
 * Writes a model as transformers' save_pretrained does (safe_serialization): config.json,
 * generation_config.json and model.safetensors with HF tensor names, tied weights stored once
 * (GPT-2 has no `lm_head.weight`, T5 only `shared.weight`), metadata {"format": "pt"}. Weights are
 * stored as F16 (torch_dtype "float16" in config.json): half the size, and from_pretrained upcasts
 * them to float32 by default, as loadPretrained does.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LanguageModel } from '../models/registry.ts';
import { fromFloat32, writeSafetensors, type Tensor as StTensor } from '../models/safetensors.ts';
import { writeJsonAtomic } from '../util/atomicWrite.ts';

export function saveHfModel(
  model: LanguageModel,
  dir: string,
  files: { config: Record<string, unknown>; generationConfig: Record<string, unknown> },
  dtype: 'F16' | 'F32' = 'F16',
): void {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, StTensor>();
  for (const [name, p] of model.namedParameters()) {
    const values = p.dataSync() as Float32Array;
    tensors.set(name, dtype === 'F16' ? fromFloat32(values, 'F16', [...p.shape]) : { dtype: 'F32', shape: [...p.shape], data: Float32Array.from(values) });
  }
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  writeJsonAtomic(path.join(dir, 'config.json'), { ...files.config, torch_dtype: dtype === 'F16' ? 'float16' : 'float32' });
  writeJsonAtomic(path.join(dir, 'generation_config.json'), files.generationConfig);
}
