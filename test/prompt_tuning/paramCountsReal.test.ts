/**
 * print_trainable_parameters for the real gpt2 / t5-small / t5-base configs, from the configs alone
 * (zero weights): prompt tuning, prefix tuning with and without projection, P-tuning.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { modelFamily } from '../../src/models/registry.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { pluginForPeftType } from '../../src/peft/plugin.ts';
import { goldenPath, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

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

const PROMPT_TYPES = ['PROMPT_TUNING', 'PREFIX_TUNING', 'P_TUNING'];

beforeAll(async () => {
  await initBackend();
});

describe("real-size configs: counts equal peft's", needsShared(goldenPath('models', 'peft', 'param_counts_real_configs.json')), () => {
  it('gpt2, t5-small, t5-base × prompt tuning, prefix tuning (± projection), P-tuning', () => {
    const golden = readGolden<RealCounts>('models', 'peft', 'param_counts_real_configs.json');
    let checked = 0;
    for (const [name, m] of Object.entries(golden.models)) {
      const model = modelFamily(m.config.model_type, name).create(m.config, name);
      expect(model.numParameters(), `${name} base`).toBe(m.base_num_parameters);
      for (const [method, want] of Object.entries(m.methods)) {
        if (!PROMPT_TYPES.includes(want.peft_config.peft_type as string)) continue;
        const plugin = pluginForPeftType(want.peft_config.peft_type, method);
        const peft = getPeftModel(model, plugin.name, want.peft_config);
        expect(peft.paramCountsLine(), `${name} ${method}`).toBe(want.printed);
        expect(peft.paramCounts().all_params).toBe(want.all_params);
        peft.adapter.dispose();
        checked++;
      }
      model.dispose();
    }
    expect(checked).toBe(12);
  });
});
