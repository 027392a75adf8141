import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LanguageModel } from '../models/registry.ts';
import { loadPretrained, modelFromConfig } from '../models/hf/loadPretrained.ts';
import { ADAPTER_CONFIG, loadPeftModel, readAdapterConfig } from '../peft/format.ts';
import { getPeftModel } from '../peft/getPeftModel.ts';
import { pluginForPeftType } from '../peft/plugin.ts';

/**
 * Loads --model and optional --adapter (ours or Python peft's). With `countOnly`, directories may
 * hold just config.json / adapter_config.json: the architecture is built with zero weights, which is
 * all a parameter count needs (peft-lab params on a real gpt2 / t5-small config).
 */
export async function loadModelForCli(modelDir: string, adapterDir?: string, opts: { countOnly?: boolean } = {}): Promise<LanguageModel> {
  const hasWeights = existsSync(path.join(modelDir, 'model.safetensors')) || existsSync(path.join(modelDir, 'model.safetensors.index.json'));
  const base = opts.countOnly && !hasWeights ? modelFromConfig(modelDir) : loadPretrained(modelDir);
  if (!adapterDir) return base;
  // A count is what peft's print_trainable_parameters says for this config on get_peft_model: the
  // trainable setup, so P-tuning's prompt encoder and prefix tuning's projection count, although a
  // saved adapter holds only their output table.
  if (opts.countOnly && existsSync(path.join(adapterDir, ADAPTER_CONFIG))) {
    const raw = readAdapterConfig(path.join(adapterDir, ADAPTER_CONFIG));
    const plugin = pluginForPeftType(raw.peft_type, path.join(adapterDir, ADAPTER_CONFIG));
    return getPeftModel(base, plugin.name, { ...raw, inference_mode: false });
  }
  return loadPeftModel(base, adapterDir);
}
