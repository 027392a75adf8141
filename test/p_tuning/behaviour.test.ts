import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { expectCachedStepsMatchRecompute, expectGenerateRuns, expectTrains, freshModel } from '../prompt_tuning/behaviour.ts';
import { NEEDS_TINY_BASES } from '../prompt_tuning/promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

// The LSTM (an option, and slow step by step) trains on GPT-2 only; both encoders generate on both.
const VARIANTS: [string, Record<string, unknown>, string[]][] = [
  ['MLP', { num_virtual_tokens: 4, encoder_hidden_size: 32 }, ['tiny-gpt2', 'tiny-t5']],
  ['LSTM', { num_virtual_tokens: 4, encoder_hidden_size: 16, encoder_reparameterization_type: 'LSTM', encoder_dropout: 0.1 }, ['tiny-gpt2']],
];

for (const base of ['tiny-gpt2', 'tiny-t5']) {
  for (const [label, config, trainOn] of VARIANTS) {
    describe(`P-tuning (${label}) on ${base}`, NEEDS_TINY_BASES, () => {
      it('cached generation steps equal full recomputation (virtual tokens only on the first step)', () => {
        const model = freshModel(base, 'p_tuning', config);
        expectCachedStepsMatchRecompute(model);
        expectGenerateRuns(model);
        model.dispose();
      });

      if (trainOn.includes(base))
        it('trains with the Trainer: the loss falls, the base stays frozen', async () => {
          const model = freshModel(base, 'p_tuning', config);
          await expectTrains(model, { learning_rate: 0.03, max_steps: base === 'tiny-t5' ? 30 : 20 });
          model.dispose();
        });
    });
  }
}
