/**
 * Every PEFT method, one folder each (config, layer math, injection), registered by name here so
 * that `getPlugin('lora')` and peft's `peft_type` both find them.
 */
import { registerPlugin } from '../src/peft/plugin.ts';
import { loraPlugin } from './lora/index.ts';
import { fullPlugin } from './full/index.ts';

registerPlugin(loraPlugin);
registerPlugin(fullPlugin);

export { loraPlugin, fullPlugin };
