import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { expectCachedStepsMatchRecompute, expectGenerateRuns, expectTrains, freshModel } from './behaviour.ts';
import { NEEDS_TINY_BASES } from './promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

for (const base of ['tiny-gpt2', 'tiny-t5']) {
  describe(`prompt tuning on ${base}`, NEEDS_TINY_BASES, () => {
    it('cached generation steps equal full recomputation (virtual tokens only on the first step)', () => {
      const model = freshModel(base, 'prompt_tuning', { num_virtual_tokens: 4 });
      expectCachedStepsMatchRecompute(model);
      expectGenerateRuns(model);
      model.dispose();
    });

    it('trains with the Trainer: the loss falls, the base stays frozen', async () => {
      const model = freshModel(base, 'prompt_tuning', { num_virtual_tokens: 4 });
      // Encoder-side prompts move T5's loss more slowly than GPT-2's: more steps there.
      await expectTrains(model, { learning_rate: 0.3, max_steps: base === 'tiny-t5' ? 30 : 20 });
      model.dispose();
    });
  });
}
