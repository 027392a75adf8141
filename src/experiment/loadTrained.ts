/**
 * A trained model back from the directory saveTrained wrote, as `peft-lab predict` would load it: the
 * method's own loader where it has one (a full fine-tune is a whole model directory; QLoRA quantizes
 * the base again), else the base model with the peft adapter on it.
 */
import { loadPretrained } from '../models/hf/loadPretrained.ts';
import type { LanguageModel } from '../models/registry.ts';
import { loadPeftModel } from '../peft/format.ts';
import { getPlugin } from '../peft/plugin.ts';

export function loadTrainedModel(baseDir: string, adapterDir: string, method: string, peftConfig: Record<string, unknown>): LanguageModel {
  const plugin = getPlugin(method);
  if (plugin.load) return plugin.load(() => loadPretrained(baseDir), adapterDir, peftConfig);
  return loadPeftModel(loadPretrained(baseDir), adapterDir);
}
