import { describe, expect, it } from 'vitest';
import { buildT5PretrainExamples, prefixLmExample } from '../../src/pretrain/prefixLm.ts';
import { reconstructFromSpans } from '../../src/pretrain/spanCorruption.ts';

const SENTINELS = Array.from({ length: 100 }, (_, i) => 32099 - i);
const EOS = 1;
const stream = Array.from({ length: 141 * 200 }, (_, i) => 10 + (i % 997));

describe('T5 pretraining mixture (span corruption + prefix LM)', () => {
  it('a prefix-LM example splits the chunk: inputs are its start, labels the rest, each closed by </s>', () => {
    const chunk = [5, 6, 7, 8, 9, 10];
    expect(prefixLmExample(chunk, 2, EOS)).toEqual({ input_ids: [5, 6, 7, 8, EOS], labels: [9, 10, EOS] });
    expect(() => prefixLmExample(chunk, 6, EOS)).toThrow(/6 target tokens of a 6-token chunk/);
  });

  it('draws about the requested share of prefix-LM examples, and every example reconstructs its chunk', () => {
    const { examples, objectives } = buildT5PretrainExamples(stream, { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 3, prefixLmRate: 0.5 });
    expect(examples).toHaveLength(200);
    const prefix = objectives.filter((o) => o === 'prefix_lm').length;
    expect(prefix).toBeGreaterThan(70);
    expect(prefix).toBeLessThan(130);
    examples.forEach((e, i) => {
      const chunk = stream.slice(i * 141, (i + 1) * 141);
      expect(e.input_ids.length).toBeLessThanOrEqual(128);
      if (objectives[i] === 'prefix_lm') {
        expect(e.labels.length - 1).toBeGreaterThanOrEqual(16);
        expect(e.labels.length - 1).toBeLessThanOrEqual(64);
        expect([...e.input_ids.slice(0, -1), ...e.labels.slice(0, -1)]).toEqual(chunk);
      } else {
        expect(reconstructFromSpans(e.input_ids, e.labels, SENTINELS)).toEqual(chunk);
      }
    });
  });

  it('rate 0 is span corruption alone, rate 1 prefix LM alone; the seed fixes the draw', () => {
    const opts = { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 3 };
    expect(new Set(buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 0 }).objectives)).toEqual(new Set(['span_corruption']));
    expect(new Set(buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 1 }).objectives)).toEqual(new Set(['prefix_lm']));
    expect(buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 0.5 })).toEqual(buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 0.5 }));
    expect(() => buildT5PretrainExamples(stream, { ...opts, prefixLmRate: 1.5 })).toThrow(/between|\[0, 1\]/);
  });

  it('takes a longer target range for a later stage (the decoder then learns from more tokens per step)', () => {
    const opts = { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 5, prefixLmRate: 1, minTargets: 32, maxTargets: 128 };
    const { examples } = buildT5PretrainExamples(stream, opts);
    const targets = examples.map((e) => e.labels.length - 1);
    expect(Math.min(...targets)).toBeGreaterThanOrEqual(32);
    expect(Math.max(...targets)).toBeLessThanOrEqual(128);
    expect(Math.max(...targets)).toBeGreaterThan(64);
    examples.forEach((e, i) => expect([...e.input_ids.slice(0, -1), ...e.labels.slice(0, -1)]).toEqual(stream.slice(i * 141, (i + 1) * 141)));
    expect(() => buildT5PretrainExamples(stream, { ...opts, minTargets: 0 })).toThrow(/target range 0-128 is not valid for 141-token chunks/);
    expect(() => buildT5PretrainExamples(stream, { ...opts, minTargets: 100, maxTargets: 50 })).toThrow(/target range 100-50/);
  });
});
