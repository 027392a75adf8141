import { tf, type Tensor } from '../../src/engine/tf.ts';
import { ConfigReader } from '../../src/util/configReader.ts';
import { taskTypeFor, type PeftConfigBase, type PeftPlugin } from '../../src/peft/plugin.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { UserError } from '../../src/util/errors.ts';
import { fullCases } from './experimentCases.ts';
import { fullInfo } from './info.ts';

/** Full fine-tuning: not a peft method, but the baseline every method is compared against. */
export interface FullConfig extends PeftConfigBase {
  peft_type: 'FULL';
}

const FULL_BENCH = { peft_config: {}, note: 'plugins/full: all parameters, tied head' };

export const fullPlugin: PeftPlugin<FullConfig> = {
  ...fullInfo,
  description: 'every base parameter is trained (the baseline)',
  parameterFormula: (_cfg, base) => ({ count: base.numParameters(), formula: 'every base parameter' }),
  experimentCases: fullCases,
  // Every bench model ties its head to the input embedding, so the note holds for both.
  trainBenchCase: { gpt2: FULL_BENCH, t5: FULL_BENCH },
  // Saved as a whole HF model (see savePeftModel): the base is not needed.
  load: (_base, dir) => loadPretrained(dir),
  parseConfig(raw, model, where) {
    const c = new ConfigReader(raw, where);
    c.oneOf('peft_type', ['FULL'], 'FULL');
    const cfg: FullConfig = {
      peft_type: 'FULL',
      task_type: taskTypeFor(model),
      base_model_name_or_path: c.str('base_model_name_or_path', null),
      inference_mode: c.bool('inference_mode', false),
    };
    c.ignore('task_type');
    c.rejectUnknown();
    return cfg;
  },
  attach(model, config) {
    for (const [, p] of model.namedParameters()) p.trainable = true;
    const params = () => model.namedParameters();
    return {
      kind: 'layer',
      config,
      trainsBaseParameters: true,
      trainableParameters: () => [],
      countParameters: () => ({ trainable: model.numParameters(), all: model.numParameters() }),
      // Saved as a whole model (HF layout), not as a peft adapter: see src/peft/format.ts.
      stateDict: () => new Map<string, Tensor>(params().map(([n, v]) => [n, v.clone()])),
      loadStateDict(tensors, source) {
        for (const [n, v] of params()) {
          const t = tensors.get(n);
          if (!t) throw new UserError(`${source}: missing weight '${n}'`);
          tf.tidy(() => v.assign(t));
        }
      },
      // The trained weights are the model's own: there is no adapter to fold in or take out.
      merge() {},
      unmerge() {},
      mergeAndUnload() {},
      dispose() {},
    };
  },
};
