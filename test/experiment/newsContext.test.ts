import { describe, expect, it } from 'vitest';
import type { Example } from '../../src/data/index.ts';
import { extractiveContext } from '../../src/experiment/newsContext.ts';

const ex = (id: string, source: string, target: string): Example => ({ id, source, target, task: 'summarization' });

// Each reference is one of the article's sentences, so Lead-1 and the oracle are exact here.
const test = [
  ex('a', 'The cat sat on the mat. A dog barked loudly. Birds sang.', 'The cat sat on the mat.'),
  ex('b', 'Rain fell all day in Leeds. Roads were closed. Schools shut early.', 'Rain fell all day in Leeds.'),
];

describe('extractiveContext', () => {
  it('XSum: Lead-1 and the oracle pick the reference sentence (ROUGE 100)', () => {
    const c = extractiveContext('xsum', test, 100);
    expect(c).toMatchObject({ task: 'summarization', dataset: 'xsum', test_examples: 2 });
    expect(c.rows.map((r) => [r.label, r.system, r.sentences])).toEqual([
      ['Lead-1', 'lead', 1],
      ['extractive oracle', 'oracle', 1],
    ]);
    for (const r of c.rows) {
      expect(r.quality.rouge1.score).toBeCloseTo(100, 10);
      expect(r.quality.rougeL.score).toBeCloseTo(100, 10);
      expect(r.rougeLsum_sentences.score).toBeCloseTo(100, 10);
    }
  });

  it('CNN/DM: Lead-3 takes three sentences; ROUGE-1 F hand-computed', () => {
    const [lead] = extractiveContext('cnn_dailymail', test, 100).rows;
    expect(lead!.label).toBe('Lead-3');
    expect(lead!.sentences).toBe(3);
    // a: 12 stemmed tokens, the reference's 6 all matched → P 1/2, R 1 → F 2/3.
    // b: "rain fell all day in leed road were close school shut earli" 12 tokens, 6 matched → F 2/3.
    expect(lead!.quality.rouge1.score).toBeCloseTo(200 / 3, 10);
  });
});
