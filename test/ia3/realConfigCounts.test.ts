import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { modelFamily } from '../../src/models/registry.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { goldenPath, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

interface RealCounts {
  models: Record<
    string,
    {
      base_num_parameters: number;
      config: Record<string, unknown>;
      methods: Record<string, { trainable_params: number; all_params: number; printed: string; peft_config: Record<string, unknown> }>;
    }
  >;
}

beforeAll(async () => {
  await initBackend();
});

const file = goldenPath('models', 'peft', 'param_counts_real_configs.json');

/**
 * print_trainable_parameters for the real gpt2 / t5-small / t5-base configs, built from the JSON's
 * configs alone (zero weights): IA³ and AdaLoRA from the recorded peft configs; QLoRA (LoRA r 8 on
 * the 4-bit base) against peft's LoRA numbers, since peft counts a Params4bit as numel(packed) × 2 —
 * on t5-small only, as quantizing the bigger models in plain JS takes seconds.
 */
describe('IA³, AdaLoRA and QLoRA counts on the real configs (param_counts_real_configs.json)', needsShared(file), () => {
  const real = file ? readGolden<RealCounts>('models', 'peft', 'param_counts_real_configs.json') : { models: {} };
  for (const [name, m] of Object.entries(real.models)) {
    const withQlora = name === 't5-small';
    it(`${name}: ia3_defaults, adalora_init12_target8${withQlora ? ', lora_r8 on a 4-bit base' : ''}`, () => {
      const base = modelFamily(m.config.model_type, name).create(m.config, name);
      expect(base.numParameters()).toBe(m.base_num_parameters);
      const check = (method: string, key: string, cfg: Record<string, unknown>, unload = true) => {
        const want = m.methods[key]!;
        const model = getPeftModel(base, method, cfg);
        const c = model.paramCounts();
        expect({ trainable: c.trainable_params, all: c.all_params }, `${name} ${key}`).toEqual({ trainable: want.trainable_params, all: want.all_params });
        expect(model.paramCountsLine()).toBe(want.printed);
        // Unload so the next method attaches to the plain base (weights are zeros: merging changes nothing that counts).
        if (unload) layerAdapter(model.adapter).mergeAndUnload();
      };
      check('ia3', 'ia3_defaults', m.methods.ia3_defaults!.peft_config);
      check('adalora', 'adalora_init12_target8', m.methods.adalora_init12_target8!.peft_config);
      const lora = m.methods.lora_r8!.peft_config;
      if (withQlora) check('qlora', 'lora_r8', { r: lora.r, lora_alpha: lora.lora_alpha, lora_dropout: lora.lora_dropout, target_modules: ['q', 'v'] }, false);
      base.dispose();
    });
  }
});
