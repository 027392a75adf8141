import { describe, expect, it } from 'vitest';
import { analyseErrors, hasRepetition, numbersNotInSource, untranslatedLatinWords } from '../../src/experiment/errorAnalysis.ts';

describe('error analysis', () => {
  it('finds Latin words left in Russian output, but not ones the reference keeps', () => {
    expect(untranslatedLatinWords('Я люблю cats и Linux', 'Я люблю кошек и Linux')).toEqual(['cats']);
    expect(untranslatedLatinWords('Это iPhone', 'Это iPhone')).toEqual([]);
    // One-letter tokens (variables, "x") are not words.
    expect(untranslatedLatinWords('Пусть x равно 2', 'Пусть y равно 2')).toEqual([]);
  });

  it('detects loops: a repeated word 3-gram or a word three times running', () => {
    expect(hasRepetition('the cat sat on the mat')).toBe(false);
    expect(hasRepetition('и в и в и в')).toBe(true);
    expect(hasRepetition('no no no')).toBe(true);
    expect(hasRepetition('he said he said that')).toBe(false);
    expect(hasRepetition('he said that he said that')).toBe(true);
  });

  it('flags numbers absent from the source, ignoring thousands separators', () => {
    expect(numbersNotInSource('В 2021 году 1,000 человек', 'In 2021, 1000 people')).toEqual([]);
    expect(numbersNotInSource('В 2022 году 3.5%', 'In 2021 it was 3.5%')).toEqual(['2022']);
  });

  it('counts every failure mode per output', () => {
    const e = analyseErrors('translation', [
      { source: 'Hello, Tom.', reference: 'Привет, Том.', prediction: 'Привет, Tom.', truncated: false },
      { source: 'It costs 5 dollars.', reference: 'Это стоит 5 долларов.', prediction: 'Это стоит 7 7 7 долларов долларов долларов', truncated: true },
      { source: 'Hi.', reference: 'Привет.', prediction: '', truncated: false },
      { source: 'Hi.', reference: 'Привет.', prediction: 'Hi.', truncated: false },
    ]);
    expect(e).toEqual({
      outputs: 4,
      empty: 1,
      untranslated_latin: { words: 2, outputs: 2 },
      repetitions: 1,
      truncated: 1,
      numbers_not_in_source: { numbers: 3, outputs: 1 },
      length_ratio: { mean: expect.closeTo((12 / 12 + 42 / 21 + 0 + 3 / 7) / 4, 12), too_short: 2, too_long: 0 },
      copied_source: 1,
      distinct_outputs: 4,
    });
  });

  it('does not count Latin words as untranslated when the target is not Russian', () => {
    const e = analyseErrors('summarization', [{ source: 'A long text.', reference: 'short', prediction: 'short text', truncated: false }]);
    expect(e.untranslated_latin).toBeNull();
  });
});
