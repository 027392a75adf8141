import { afterEach, describe, expect, it, vi } from 'vitest';
import { taskCorpus } from '../../src/experiment/taskCorpus.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('falling back to the synthetic corpora', () => {
  it('says so in one loud line per task, once per process', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(taskCorpus('translation', null)).toBe('synthetic:translation');
    expect(taskCorpus('translation', null)).toBe('synthetic:translation');
    expect(taskCorpus('summarization', '/nonexistent-data')).toBe('synthetic:summarization');
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      '!!! translation: no data folder (../shared, PEFT_SHARED_DIR or PEFT_DATA_DIR): using SYNTHETIC translation data; scores are not comparable to the real corpus !!!',
      expect.stringMatching(/^!!! summarization: \S+ is not in \/nonexistent-data: using SYNTHETIC summarization data/),
    ]);
  });
});
