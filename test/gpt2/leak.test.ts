import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { generate } from '../../src/generate/generate.ts';
import type { GenerationOptions } from '../../src/generate/options.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

const modes: GenerationOptions[] = [
  { strategy: 'greedy', maxNewTokens: 6, eosTokenId: 999, padTokenId: 999 },
  { strategy: 'beam', numBeams: 3, numReturnSequences: 2, maxNewTokens: 6, eosTokenId: 999, padTokenId: 999 },
  { strategy: 'sample', topK: 20, topP: 0.9, temperature: 0.8, seed: 1, maxNewTokens: 6, eosTokenId: 999, padTokenId: 999 },
];

for (const name of ['tiny-gpt2', 'tiny-t5']) {
  const dir = goldenPath('models', name);
  describe(`${name} generation does not leak tensors`, needsShared(dir), () => {
    beforeAll(async () => {
      await initBackend();
    });
    it('tf.memory().numTensors is flat over 50 generation calls', () => {
      const model = loadPretrained(dir!);
      const prompts = {
        inputIds: [
          [999, 5, 6, 7],
          [8, 9, 10, 11],
        ],
        attentionMask: [
          [0, 1, 1, 1],
          [1, 1, 1, 1],
        ],
      };
      generate(model, prompts, modes[0]!); // warm-up: kernels may cache constants on first use
      const start = tf.memory().numTensors;
      const counts: number[] = [];
      for (let i = 0; i < 50; i++) {
        generate(model, prompts, modes[i % modes.length]!);
        counts.push(tf.memory().numTensors);
      }
      expect(counts.every((c) => c === start)).toBe(true);
      model.dispose();
    });
    it('sampling is reproducible with a seed and varies with another', () => {
      const model = loadPretrained(dir!);
      const p = { inputIds: [[5, 6, 7]] };
      const a = generate(model, p, { ...modes[2]!, maxNewTokens: 12, temperature: 1.5, topK: 0, topP: 1 });
      const b = generate(model, p, { ...modes[2]!, maxNewTokens: 12, temperature: 1.5, topK: 0, topP: 1 });
      const c = generate(model, p, { ...modes[2]!, maxNewTokens: 12, temperature: 1.5, topK: 0, topP: 1, seed: 2 });
      expect(a.sequences).toEqual(b.sequences);
      expect(a.sequences).not.toEqual(c.sequences);
      model.dispose();
    });
  });
}
