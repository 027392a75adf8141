import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.ts';
import { denoiseChunk, denoisingExample, MBART_DENOISING } from '../../src/pretrain/denoising.ts';
import { buildT5PretrainExamples } from '../../src/pretrain/prefixLm.ts';

const SENTINELS = Array.from({ length: 100 }, (_, i) => 32099 - i);
const MASK = SENTINELS[99]!;
const EOS = 1;
const stream = Array.from({ length: 141 * 300 }, (_, i) => 10 + (i % 997));

/** The window with each mask token standing for one or more tokens: true when `input` can be read that way. */
function explains(input: readonly number[], window: readonly number[]): boolean {
  const body = input.slice(0, -1);
  const fits = (i: number, j: number): boolean => {
    if (i === body.length) return j === window.length;
    if (body[i] === MASK) {
      for (let k = j + 1; k <= window.length; k++) if (fits(i + 1, k)) return true;
      return false;
    }
    return j < window.length && body[i] === window[j] && fits(i + 1, j + 1);
  };
  return input[input.length - 1] === EOS && fits(0, 0);
}

describe('mBART denoising (text infilling, whole window as target)', () => {
  it('replaces each masked run by one mask token; the labels are the whole window and </s>', () => {
    const window = [5, 6, 7, 8, 9, 10, 11];
    const mask = [false, true, true, false, false, true, false];
    expect(denoisingExample(window, mask, MASK, EOS)).toEqual({ input_ids: [5, MASK, 8, 9, MASK, 11, EOS], labels: [...window, EOS] });
  });

  it('masks about 35% of a 24–96-token window from the chunk start, in spans the mask tokens account for', () => {
    const rng = new Rng(7);
    const chunk = stream.slice(0, 141);
    let masked = 0;
    let total = 0;
    const lengths = new Set<number>();
    for (let n = 0; n < 200; n++) {
      const e = denoiseChunk(chunk, rng, { ...MBART_DENOISING, maskId: MASK, eosId: EOS });
      const window = e.labels.slice(0, -1);
      expect(window).toEqual(chunk.slice(0, window.length));
      expect(window.length).toBeGreaterThanOrEqual(24);
      expect(window.length).toBeLessThanOrEqual(96);
      expect(explains(e.input_ids, window)).toBe(true);
      lengths.add(window.length);
      const kept = e.input_ids.filter((t) => t !== MASK).length - 1;
      masked += window.length - kept;
      total += window.length;
    }
    expect(masked / total).toBeGreaterThan(0.3);
    expect(masked / total).toBeLessThan(0.4);
    expect(lengths.size).toBeGreaterThan(30);
  });

  it('joins the mixture at its rate; without it the mixture is the one earlier stages drew', () => {
    const opts = { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 3, prefixLmRate: 0.3 };
    const { examples, objectives } = buildT5PretrainExamples(stream, { ...opts, denoisingRate: 0.5 });
    const share = (o: string) => objectives.filter((x) => x === o).length / objectives.length;
    expect(share('denoising')).toBeGreaterThan(0.4);
    expect(share('denoising')).toBeLessThan(0.6);
    expect(share('prefix_lm')).toBeGreaterThan(0.2);
    expect(share('span_corruption')).toBeGreaterThan(0.12);
    examples.forEach((e, i) => {
      if (objectives[i] === 'denoising') expect(e.labels.slice(0, -1)).toEqual(stream.slice(i * 141, i * 141 + e.labels.length - 1));
    });
    expect(buildT5PretrainExamples(stream, { ...opts, denoisingRate: 0 })).toEqual(buildT5PretrainExamples(stream, opts));
    expect(() => buildT5PretrainExamples(stream, { ...opts, denoisingRate: 0.8 })).toThrow(
      /denoising rate must be in \[0, 0\.7\] beside prefix-LM rate 0\.3, got 0\.8/,
    );
    expect(new Set(buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 0, denoisingRate: 1 }).objectives)).toEqual(new Set(['denoising']));
  });
});
