import { describe, expect, it } from 'vitest';
import { parseExperimentSpec } from '../../src/experiment/spec.ts';

describe('the method of an experiment file', () => {
  it('is LoRA (the first registered method) when the file names none', () => {
    expect(parseExperimentSpec({ model: 'm', dataset: 'opus_books' }, 'exp.json').method).toBe('lora');
  });

  it('is the one the file names', () => {
    expect(parseExperimentSpec({ model: 'm', dataset: 'opus_books', method: 'ia3' }, 'exp.json').method).toBe('ia3');
    expect(() => parseExperimentSpec({ model: 'm', dataset: 'opus_books', method: 3 }, 'exp.json')).toThrow(/'method' must be a string/);
  });
});
