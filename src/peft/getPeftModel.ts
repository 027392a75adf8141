import { nameOrPath } from '../models/hf/nameOrPath.ts';
import type { LanguageModel } from '../models/registry.ts';
import { attachAdapter } from './adapterBudget.ts';
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
  const where = `${name} config`;
  const cfg = plugin.parseConfig(config, model, where);
  // peft records where the base came from (AutoPeftModel loads it from there); a value given in the
  // config is kept, so an adapter made for a named base says that name.
  cfg.base_model_name_or_path ??= nameOrPath(model) ?? null;
  const adapter = attachAdapter(plugin, model, cfg, { seed: opts.seed ?? 0, totalSteps: opts.totalSteps, tokenizer: opts.tokenizer }, where);
  return new PeftModel(model, plugin, adapter);
}
