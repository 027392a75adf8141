import { initBackend } from '../../engine/backend.ts';
import { PeftModel } from '../../peft/peftModel.ts';
import { printJson, requireString, type Command } from '../command.ts';
import { loadModelForCli } from '../loadModel.ts';

export const command: Command = {
  name: 'params',
  summary: 'trainable/all parameter counts as peft prints them',
  usage:
    'peft-lab params --model DIR [--adapter DIR]   (prints {"trainable_params", "all_params", "trainable_percent"}; ' +
    'DIR may hold only config.json / adapter_config.json)',
  options: { model: { type: 'string' }, adapter: { type: 'string' } },
  async run(values) {
    await initBackend();
    const model = await loadModelForCli(requireString(values, 'model', 'params'), values.adapter as string | undefined, { countOnly: true });
    if (model instanceof PeftModel) printJson(model.paramCounts());
    else {
      const n = model.numParameters();
      printJson({ trainable_params: n, all_params: n, trainable_percent: 100 });
    }
  },
};
