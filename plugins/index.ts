/**
 * Every PEFT method, one folder each (config, layer math, injection). Programs register them where
 * they start (registerAllPlugins: the CLI, the suites, the test setup, the benches), so that
 * `getPlugin('lora')` and peft's `peft_type` both find them; src/ never imports this folder.
 */
import { registerPlugin, type PeftPlugin } from '../src/peft/plugin.ts';
import { loraPlugin } from './lora/index.ts';
import { fullPlugin } from './full/index.ts';
import { ia3Plugin } from './ia3/index.ts';
import { adaloraPlugin } from './adalora/index.ts';
import { qloraPlugin } from './qlora/index.ts';
import { promptTuningPlugin } from './prompt_tuning/index.ts';
import { prefixTuningPlugin, pTuningV2Plugin } from './prefix_tuning/index.ts';
import { pTuningPlugin } from './p_tuning/index.ts';

/**
 * In registration order, which is also the experiment grid's (its cache keys and the report's order
 * follow it) and the benchmarks': peft_type LORA resolves to lora before qlora, and PREFIX_TUNING to
 * prefix_tuning before p_tuning_v2 (the first one registered wins); the first is the method of an
 * experiment file that names none. plugins/methodInfos.ts lists the same methods, in this order.
 */
export const ALL_PLUGINS: readonly PeftPlugin[] = [
  loraPlugin,
  qloraPlugin,
  adaloraPlugin,
  ia3Plugin,
  promptTuningPlugin,
  prefixTuningPlugin,
  pTuningV2Plugin,
  pTuningPlugin,
  fullPlugin,
];

export function registerAllPlugins(): void {
  for (const p of ALL_PLUGINS) registerPlugin(p);
}
