/**
 * How much of each test source a model reads. News articles run to a thousand tokens and more while
 * the micro models read a few hundred, so a summarization result means little without "articles cut
 * to their first N tokens" beside it; this measures N and how many test sources were cut, from the
 * very prompt ids generation uses (promptIds), so the statement cannot drift from what ran.
 */
import type { TokenEncoder } from '../data/index.ts';
import { median } from '../util/median.ts';
import type { TruncationRecord } from './results.ts';
import { promptIds, type Formatting } from './savedFormatting.ts';

/** The truncation `formatting` applies to `sources` (see the module comment). */
export function promptTruncation(formatting: Formatting, encoder: TokenEncoder, eos: number | undefined, sources: readonly string[]): TruncationRecord {
  const uncut: Formatting = { ...formatting, max_prompt_length: Number.MAX_SAFE_INTEGER };
  // The template or prefix (and T5's end-of-sequence id) around an empty source.
  const fixed = promptIds(uncut, encoder, '', eos).length;
  let cut = 0;
  const lengths: number[] = [];
  for (const s of sources) {
    const whole = promptIds(uncut, encoder, s, eos).length;
    lengths.push(whole - fixed);
    if (whole > formatting.max_prompt_length) cut++;
  }
  return {
    max_prompt_tokens: formatting.max_prompt_length,
    max_source_tokens: Math.max(0, formatting.max_prompt_length - fixed),
    test_sources_cut: cut,
    test_source_tokens_median: lengths.length ? median(lengths) : 0,
  };
}
