import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../engine/tf.ts';
import { readJsonFile } from '../models/hf/modelDir.ts';
import type { LanguageModel } from '../models/registry.ts';
import { floatParameter, readSafetensors, writeSafetensors, type Tensor as StTensor } from '../models/safetensors.ts';
import { writeJsonAtomic } from '../util/atomicWrite.ts';
import { showValue, UserError } from '../util/errors.ts';
import { attachAdapter } from './adapterBudget.ts';
import { listPlugins, pluginForPeftType, type PeftPlugin } from './plugin.ts';
import { PeftModel } from './peftModel.ts';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

function toSt(tensors: Map<string, Tensor>): Map<string, StTensor> {
  const out = new Map<string, StTensor>();
  for (const [k, t] of tensors) {
    out.set(k, { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(t.dataSync()) });
    t.dispose();
  }
  return out;
}

/**
 * save_pretrained: adapter_config.json + adapter_model.safetensors with peft's key names, so that
 * Python's PeftModel.from_pretrained loads it. Full fine-tuning writes a whole HF model instead
 * (config.json + model.safetensors).
 */
export function savePeftModel(model: PeftModel, dir: string): void {
  mkdirSync(dir, { recursive: true });
  // peft writes auto_mapping (null unless a custom model class is registered) in every config.
  const cfg = { auto_mapping: null, ...model.adapter.config, inference_mode: true } as Record<string, unknown>;
  if (!model.plugin.peftType) {
    writeJsonAtomic(path.join(dir, 'config.json'), { ...model.base.config });
    writeSafetensors(path.join(dir, 'model.safetensors'), toSt(model.adapter.stateDict()), { format: 'pt' });
    writeJsonAtomic(path.join(dir, 'peft_lab_method.json'), cfg);
    return;
  }
  writeSafetensors(path.join(dir, ADAPTER_WEIGHTS), toSt(model.adapter.stateDict()), { format: 'pt' });
  writeJsonAtomic(path.join(dir, ADAPTER_CONFIG), cfg);
}

/** adapter_config.json as an object (anything else is a one-line error naming the file). */
export function readAdapterConfig(cfgPath: string): Record<string, unknown> {
  const raw = readJsonFile<unknown>(cfgPath, ADAPTER_CONFIG);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UserError(`${cfgPath}: expected a JSON object with "peft_type" and the method's fields`);
  return raw as Record<string, unknown>;
}

/**
 * The method an adapter_config.json names: peft's `peft_type`, else our registry name in `method`.
 * Every failure names the file (a missing peft_type too), and `method` is only looked up when it is
 * a string: String() of an object such as {"toString": 1} throws a TypeError.
 */
export function pluginForAdapterConfig(raw: Record<string, unknown>, cfgPath: string): PeftPlugin {
  if (raw.peft_type || typeof raw.method !== 'string') return pluginForPeftType(raw.peft_type, cfgPath);
  const plugin = listPlugins().find((p) => p.name === raw.method);
  if (!plugin)
    throw new UserError(
      `${cfgPath}: unknown PEFT method ${showValue(raw.method)}; available: ${listPlugins()
        .map((p) => p.name)
        .join(', ')}`,
    );
  return plugin;
}

/** PeftModel.from_pretrained(base, dir): attaches the saved method and loads its weights. */
export function loadPeftModel(base: LanguageModel, dir: string, opts: { isTrainable?: boolean } = {}): PeftModel {
  const cfgPath = path.join(dir, ADAPTER_CONFIG);
  if (!existsSync(cfgPath)) {
    if (existsSync(path.join(dir, 'peft_lab_method.json')))
      throw new UserError(`${dir} holds a fully fine-tuned model, not an adapter: pass it as --model instead`);
    throw new UserError(`${dir} is not an adapter directory: ${ADAPTER_CONFIG} is missing`);
  }
  const raw = readAdapterConfig(cfgPath);
  const plugin = pluginForAdapterConfig(raw, cfgPath);
  const cfg = plugin.parseConfig(raw, base, cfgPath);
  cfg.inference_mode = !opts.isTrainable;
  const adapter = attachAdapter(plugin, base, cfg, { seed: 0 }, cfgPath);
  const weightsPath = path.join(dir, ADAPTER_WEIGHTS);
  if (!existsSync(weightsPath)) throw new UserError(`${dir}: ${ADAPTER_WEIGHTS} is missing`);
  const st = readSafetensors(weightsPath);
  const tensors = new Map<string, Tensor>();
  try {
    for (const [k, t] of st.tensors) tensors.set(k, tf.tensor(floatParameter(t, `${weightsPath}: tensor '${k}'`), t.shape, 'float32'));
    adapter.loadStateDict(tensors, weightsPath);
  } finally {
    tf.dispose([...tensors.values()]);
  }
  const model = new PeftModel(base, plugin, adapter);
  if (!opts.isTrainable) for (const [, p] of model.namedParameters()) p.trainable = false;
  return model;
}
