import { describe, expect, it } from 'vitest';
import { decodingStrategies } from '../../src/experiment/decoding.ts';
import { generationOptions } from '../../src/experiment/predict.ts';

describe('the decoding comparison', () => {
  it('compares greedy, greedy with each repetition guard, beam search and sampling, under transformers’ names', () => {
    expect(decodingStrategies({ strategy: 'greedy', max_new_tokens: 24 }, 42)).toEqual([
      { strategy: 'greedy', max_new_tokens: 24 },
      { strategy: 'greedy', max_new_tokens: 24, no_repeat_ngram_size: 3 },
      { strategy: 'greedy', max_new_tokens: 24, repetition_penalty: 1.2 },
      { strategy: 'beam', max_new_tokens: 24, num_beams: 4, length_penalty: 1 },
      { strategy: 'sample', max_new_tokens: 24, temperature: 0.7, top_p: 0.9, seed: 42 },
    ]);
  });

  it('passes repetition_penalty on to generation, and leaves it off when unset', () => {
    const [plain, , penalised] = decodingStrategies({ strategy: 'greedy', max_new_tokens: 24 }, 42);
    expect(generationOptions(penalised!, { eos: 1, pad: 0 }).repetitionPenalty).toBe(1.2);
    expect(generationOptions(plain!, { eos: 1, pad: 0 }).repetitionPenalty).toBeUndefined();
  });

  it('puts the main tables’ own decoding first and decodes it once', () => {
    const main = { strategy: 'beam' as const, max_new_tokens: 24, num_beams: 4, length_penalty: 1, no_repeat_ngram_size: 4 };
    const settings = decodingStrategies(main, 42);
    expect(settings[0]).toEqual(main);
    expect(settings).toHaveLength(6);
    expect(decodingStrategies({ strategy: 'greedy', max_new_tokens: 24 }, 42)).toHaveLength(5);
  });
});
