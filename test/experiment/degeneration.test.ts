import { describe, expect, it } from 'vitest';
import { degenerationProfile, dominatedByOneWord, isDegenerate } from '../../src/experiment/degeneration.ts';

describe('degeneration profile', () => {
  it('flags empty outputs and outputs where one word is more than half of the words', () => {
    expect(isDegenerate('')).toBe(true);
    expect(isDegenerate('   ')).toBe(true);
    expect(isDegenerate('Я не не не не не')).toBe(true);
    expect(dominatedByOneWord('the the package')).toBe(true);
    expect(dominatedByOneWord('Не не, НЕ!')).toBe(true); // case and punctuation do not hide a loop
  });

  it('leaves real outputs alone: short answers, and a repeated word that is not most of the output', () => {
    expect(isDegenerate('Спасибо.')).toBe(false);
    expect(isDegenerate('Да, да.')).toBe(false);
    expect(isDegenerate('Я не знаю, что не так.')).toBe(false);
    expect(isDegenerate('a b a b')).toBe(false); // exactly half is not "more than half"
  });

  it('counts degenerate outputs and distinct outputs per input', () => {
    const p = degenerationProfile(['Я не не не', '', 'Том спит.', 'Том спит.', 'Мне холодно.']);
    expect(p).toEqual({ outputs: 5, empty: 1, one_word_dominant: 1, degenerate: 2, degenerate_rate: 0.4, distinct_outputs: 4, distinct_per_input: 0.8 });
    expect(degenerationProfile([]).degenerate_rate).toBe(0);
  });
});
