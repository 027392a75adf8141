import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { generate } from '../../src/generate/generate.ts';
import { generateWithoutCache } from '../../src/experiment/noCacheStepper.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

beforeAll(async () => {
  await initBackend();
});

const gpt2 = goldenPath('models', 'tiny-gpt2');
const t5 = goldenPath('models', 'tiny-t5');

// The no-cache path exists to measure what the KV cache saves: it must decode the same tokens.
describe('decoding without a KV cache', needsShared(gpt2, t5), () => {
  it('gives the same greedy and beam outputs as the cached steppers (GPT-2, left-padded batch; T5)', () => {
    const g = loadPretrained(gpt2!);
    const prompts = {
      inputIds: [
        [999, 999, 5, 6, 7],
        [1, 2, 3, 4, 5],
      ],
      attentionMask: [
        [0, 0, 1, 1, 1],
        [1, 1, 1, 1, 1],
      ],
    };
    for (const opts of [
      { strategy: 'greedy' as const, maxNewTokens: 8, eosTokenId: 999, padTokenId: 999 },
      { strategy: 'beam' as const, numBeams: 3, maxNewTokens: 6, eosTokenId: 999, padTokenId: 999 },
    ])
      expect(generateWithoutCache(g, prompts, opts).sequences).toEqual(generate(g, prompts, opts).sequences);
    g.dispose();
    const t = loadPretrained(t5!);
    const src = {
      inputIds: [
        [5, 6, 7, 1],
        [8, 9, 1, 0],
      ],
      attentionMask: [
        [1, 1, 1, 1],
        [1, 1, 1, 0],
      ],
    };
    const o = { strategy: 'greedy' as const, maxNewTokens: 6, eosTokenId: 1, padTokenId: 0 };
    expect(generateWithoutCache(t, src, o).sequences).toEqual(generate(t, src, o).sequences);
    t.dispose();
  });
});
