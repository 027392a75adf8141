import { existsSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { readSafetensors, toFloat32 } from '../../src/models/safetensors.ts';
import { attachAdapter } from '../../src/peft/adapterBudget.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, readAdapterConfig } from '../../src/peft/format.ts';
import { PeftModel } from '../../src/peft/peftModel.ts';
import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { showValue, UserError } from '../../src/util/errors.ts';
import type { QloraConfig } from './config.ts';

/** The fields of a qlora config that say how the base is quantized (bnb_4bit_*, quantize_modules). */
export function quantizationFields(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith('bnb_4bit_') || k === 'quantize_modules'));
}

/**
 * loadQloraModel's work (index.ts): the adapter in `dir` attached to `base` with its linear weights
 * NF4-quantized as `quantization` says. `plugin` is QLoRA's, passed in: the plugin's own `load` hook
 * calls this, so importing it here would make the two files import each other.
 */
export function loadOntoQuantizedBase(args: {
  plugin: PeftPlugin<QloraConfig>;
  base: LanguageModel;
  dir: string;
  quantization: Record<string, unknown>;
  isTrainable?: boolean;
}): PeftModel {
  const { plugin, base, dir, quantization, isTrainable } = args;
  const cfgPath = path.join(dir, ADAPTER_CONFIG);
  if (!existsSync(cfgPath)) throw new UserError(`${dir} is not an adapter directory: ${ADAPTER_CONFIG} is missing`);
  // readAdapterConfig, not a bare JSON read: a file holding null or a list is a one-line error, not a TypeError.
  const raw = readAdapterConfig(cfgPath);
  if (raw.peft_type !== 'LORA') throw new UserError(`${cfgPath}: a QLoRA base takes a LoRA adapter (peft_type "LORA"), got ${showValue(raw.peft_type)}`);
  const cfg = plugin.parseConfig({ ...raw, ...quantization }, base, cfgPath);
  cfg.inference_mode = !isTrainable;
  const adapter = attachAdapter(plugin, base, cfg, { seed: 0 }, cfgPath);
  const weightsPath = path.join(dir, ADAPTER_WEIGHTS);
  if (!existsSync(weightsPath)) throw new UserError(`${dir}: ${ADAPTER_WEIGHTS} is missing`);
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of readSafetensors(weightsPath).tensors) tensors.set(k, tf.tensor(toFloat32(t), t.shape, 'float32'));
  try {
    adapter.loadStateDict(tensors, weightsPath);
  } finally {
    tf.dispose([...tensors.values()]);
  }
  const model = new PeftModel(base, plugin, adapter);
  if (!isTrainable) for (const [, p] of model.namedParameters()) p.trainable = false;
  return model;
}
