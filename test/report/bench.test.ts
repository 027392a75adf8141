import { describe, expect, it } from 'vitest';
import { parseBenchJson } from '../../src/report/bench.ts';

describe('benchmark JSON (vitest bench --outputJson)', () => {
  it('reads groups and benchmarks, and the work per iteration from the name', () => {
    const rows = parseBenchJson({
      files: [
        {
          filepath: '/x/bench/inference.bench.ts',
          groups: [
            {
              fullName: 'bench/inference.bench.ts > gpt2 (gpt2-micro) · greedy',
              benchmarks: [
                { name: 'LoRA r=8 merged · KV cache · batch 8 (128 tokens)', mean: 250, hz: 4, rme: 1.5, sampleCount: 3 },
                { name: 'no units here', mean: 10, hz: 100, rme: 0.5, sampleCount: 7 },
                { name: 'prompt tuning (20 tokens) · KV cache · batch 8 (128 tokens)', mean: 100, hz: 10, rme: 1, sampleCount: 3 },
              ],
            },
          ],
        },
      ],
    });
    expect(rows).toEqual([
      {
        group: 'gpt2 (gpt2-micro) · greedy',
        name: 'LoRA r=8 merged · KV cache · batch 8 (128 tokens)',
        mean_ms: 250,
        hz: 4,
        rme: 1.5,
        samples: 3,
        units: { count: 128, unit: 'tokens' },
      },
      { group: 'gpt2 (gpt2-micro) · greedy', name: 'no units here', mean_ms: 10, hz: 100, rme: 0.5, samples: 7 },
      // The method's own "(20 tokens)" is not the work per iteration: the last parentheses are.
      {
        group: 'gpt2 (gpt2-micro) · greedy',
        name: 'prompt tuning (20 tokens) · KV cache · batch 8 (128 tokens)',
        mean_ms: 100,
        hz: 10,
        rme: 1,
        samples: 3,
        units: { count: 128, unit: 'tokens' },
      },
    ]);
    // 128 tokens in 250 ms: the report shows 512 tokens/s.
    expect(rows[0]!.units!.count / (rows[0]!.mean_ms / 1000)).toBe(512);
    expect(parseBenchJson({})).toEqual([]);
  });
});
