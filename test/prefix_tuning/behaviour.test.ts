import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { getPlugin, pluginForPeftType } from '../../src/peft/plugin.ts';
import { expectCachedStepsMatchRecompute, expectGenerateRuns, expectTrains, freshModel } from '../prompt_tuning/behaviour.ts';
import { NEEDS_TINY_BASES } from '../prompt_tuning/promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

// P-tuning v2 is the same code under another name: it gets the generation check, not another training run.
const VARIANTS: [string, string, Record<string, unknown>, boolean][] = [
  ['prefix tuning', 'prefix_tuning', { num_virtual_tokens: 4 }, true],
  ['prefix tuning with projection', 'prefix_tuning', { num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 32 }, true],
  ['P-tuning v2 (deep prompts)', 'p_tuning_v2', { num_virtual_tokens: 4 }, false],
];

for (const base of ['tiny-gpt2', 'tiny-t5']) {
  for (const [label, plugin, config, train] of VARIANTS) {
    describe(`${label} on ${base}`, NEEDS_TINY_BASES, () => {
      it('cached generation steps equal full recomputation (prefix as past_key_values, mask grown)', () => {
        const model = freshModel(base, plugin, config);
        expectCachedStepsMatchRecompute(model);
        expectGenerateRuns(model);
        model.dispose();
      });

      if (train)
        it('trains with the Trainer: the loss falls, the base stays frozen', async () => {
          const model = freshModel(base, plugin, config);
          await expectTrains(model, { learning_rate: 0.1, max_steps: 20 });
          model.dispose();
        });
    });
  }
}

describe('P-tuning v2 is prefix tuning under its paper name', NEEDS_TINY_BASES, () => {
  it('same parameters, same outputs, saved as PREFIX_TUNING (which loads as prefix_tuning)', () => {
    const a = freshModel('tiny-gpt2', 'prefix_tuning', { num_virtual_tokens: 3 }, 5);
    const b = freshModel('tiny-gpt2', 'p_tuning_v2', { num_virtual_tokens: 3 }, 5);
    expect(b.adapter.config.peft_type).toBe('PREFIX_TUNING');
    expect(b.paramCounts()).toEqual(a.paramCounts());
    const [pa] = a.trainableParameters();
    const [pb] = b.trainableParameters();
    expect(pb![0]).toBe(pa![0]);
    expect([...pb![1].dataSync()]).toEqual([...pa![1].dataSync()]);
    expect(pluginForPeftType('PREFIX_TUNING', 'test')).toBe(getPlugin('prefix_tuning'));
    a.dispose();
    b.dispose();
  });
});
