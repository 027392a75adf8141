import { describe, expect, it } from 'vitest';
import { makeFormatting } from '../../src/experiment/savedFormatting.ts';
import { promptTruncation } from '../../src/experiment/truncation.ts';
import { charTokenizer } from '../data/helpers.ts';

describe('promptTruncation', () => {
  it("T5: the prompt budget less the task prefix and end-of-sequence id is the source's", () => {
    // 'summarize: ' is 11 characters, + EOS = 12 fixed tokens of 20.
    const f = makeFormatting('summarization', true, { max_length: 20, max_target_length: 8, max_new_tokens: 8 });
    const r = promptTruncation(f, charTokenizer(), 1, ['abc', 'abcdefgh', 'abcdefghij']);
    expect(r).toEqual({ max_prompt_tokens: 20, max_source_tokens: 8, test_sources_cut: 1, test_source_tokens_median: 8 });
  });

  it('decoder-only: max_length − max_new_tokens prompt tokens, less the template around the source', () => {
    // Template prompt 'S: {source}\nT: ' has 3 + 4 literal tokens; 24 − 9 = 15 prompt tokens leave 8 for the source.
    const f = makeFormatting('summarization', false, { max_length: 24, max_target_length: 8, max_new_tokens: 9 }, 'S: {source}\nT: {target}');
    const r = promptTruncation(f, charTokenizer(), undefined, ['abcdefghi', 'abcdefgh', 'ab', 'abcdefghijkl']);
    expect(r).toEqual({ max_prompt_tokens: 15, max_source_tokens: 8, test_sources_cut: 2, test_source_tokens_median: 8.5 });
  });
});
