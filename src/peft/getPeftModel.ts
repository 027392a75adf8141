import '../../plugins/index.ts';
import type { LanguageModel } from '../models/registry.ts';
import { getPlugin, type AttachContext } from './plugin.ts';
import { PeftModel } from './peftModel.ts';

/** peft's get_peft_model: attaches method `name` with `config` (HF field names) to `model`. */
export function getPeftModel(
  model: LanguageModel,
  name: string,
  config: Record<string, unknown> = {},
  opts: { seed?: number; totalSteps?: number; tokenizer?: AttachContext['tokenizer'] } = {},
): PeftModel {
  const plugin = getPlugin(name);
  const cfg = plugin.parseConfig(config, model, `${name} config`);
  const adapter = plugin.attach(model, cfg, { seed: opts.seed ?? 0, totalSteps: opts.totalSteps, tokenizer: opts.tokenizer });
  return new PeftModel(model, plugin, adapter);
}
