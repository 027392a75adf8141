/**
 * Every PEFT method, one folder each (config, layer math, injection), registered by name here so
 * that `getPlugin('lora')` and peft's `peft_type` both find them.
 */
import { registerPlugin } from '../src/peft/plugin.ts';
import { loraPlugin } from './lora/index.ts';
import { fullPlugin } from './full/index.ts';
import { ia3Plugin } from './ia3/index.ts';
import { adaloraPlugin } from './adalora/index.ts';
import { qloraPlugin } from './qlora/index.ts';
import { promptTuningPlugin } from './prompt_tuning/index.ts';
import { prefixTuningPlugin, pTuningV2Plugin } from './prefix_tuning/index.ts';
import { pTuningPlugin } from './p_tuning/index.ts';

registerPlugin(loraPlugin);
registerPlugin(fullPlugin);
registerPlugin(ia3Plugin);
registerPlugin(adaloraPlugin);
registerPlugin(qloraPlugin);
registerPlugin(promptTuningPlugin);
// prefix_tuning before p_tuning_v2: peft_type PREFIX_TUNING resolves to the first one registered.
registerPlugin(prefixTuningPlugin);
registerPlugin(pTuningV2Plugin);
registerPlugin(pTuningPlugin);

export { loraPlugin, fullPlugin };
