import { describe, expect, it } from 'vitest';
import { rougeScorer } from '../../src/metrics/rouge.ts';
import { defaultRougeTokenizer, unicodeRougeTokenizer } from '../../src/metrics/rougeTokenizer.ts';

// The opt-in Unicode tokenizer (ours): rouge-score's own tokenizer drops every non-[a-z0-9] letter,
// so Russian outputs score only on digits and Latin words.

describe('ROUGE with the Unicode tokenizer', () => {
  it('keeps letters and digits of any script, lower-cased', () => {
    const text = 'Москва — столица России, 12,5 %; café İstanbul';
    expect(unicodeRougeTokenizer(false).tokenize(text)).toEqual(['москва', 'столица', 'россии', '12', '5', 'café', 'i̇stanbul']);
    // rouge-score's tokenizer on the same text (the README's documented behaviour).
    expect(defaultRougeTokenizer(false).tokenize(text)).toEqual(['12', '5', 'caf', 'i', 'stanbul']);
  });

  it('stems only plain ASCII words', () => {
    expect(unicodeRougeTokenizer(true).tokenize('Running dogs бегающие собаки')).toEqual(['run', 'dog', 'бегающие', 'собаки']);
  });

  it('scores Russian by the ROUGE definitions and says so in the signature', () => {
    const scorer = rougeScorer({ tokenizer: 'unicode' });
    const s = scorer.score('кошка сидит на коврике', 'кошка на коврике');
    // 3 of 3 predicted unigrams match, 3 of 4 target unigrams are found; bigram "на коврике" is 1 of 2 / 1 of 3.
    expect(s.rouge1).toEqual({ precision: 1, recall: 0.75, fmeasure: (2 * 0.75) / 1.75 });
    expect(s.rouge2).toEqual({ precision: 0.5, recall: 1 / 3, fmeasure: (2 * 0.5 * (1 / 3)) / (0.5 + 1 / 3) });
    expect(s.rougeL!.recall).toBe(0.75);
    expect(scorer.signature).toMatch(/^tok:unicode\|stem:no\|version:peft-lab:/);
    expect(scorer.compat).toMatch(/unicode/);
    // With rouge-score's tokenizer the same pair has no tokens at all.
    expect(rougeScorer().score('кошка сидит на коврике', 'кошка на коврике').rouge1).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  it('rejects ROUGE types rouge-score rejects', () => {
    expect(() => rougeScorer({ types: ['rouge10'] })).toThrow(/invalid ROUGE type 'rouge10'/);
    expect(() => rougeScorer({ types: ['rouge0'] })).toThrow(/invalid ROUGE type/);
  });
});
