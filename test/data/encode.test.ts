import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAUSAL_TEMPLATE,
  encodeCausal,
  encodeCausalPrompt,
  formatCausalText,
  parseCausalTemplate,
  templateSpecialTokens,
} from '../../src/data/encode/causal.ts';
import { encodeT5, formatT5Text, t5Prefix } from '../../src/data/encode/t5.ts';
import { IGNORE_INDEX } from '../../src/data/encode/tokenEncoder.ts';
import { charTokenizer } from './helpers.ts';

const SPECIAL = templateSpecialTokens(DEFAULT_CAUSAL_TEMPLATE);
const tok = charTokenizer(SPECIAL);

describe('decoder-only template', () => {
  it('lists its special tokens and formats text', () => {
    expect(SPECIAL).toEqual(['<|startoftext|>', '<sep>', '<|endoftext|>']);
    expect(formatCausalText({ source: 'Hi', target: 'Привет' })).toEqual({
      prompt: '<|startoftext|>Hi<sep>',
      completion: 'Привет<|endoftext|>',
      text: '<|startoftext|>Hi<sep>Привет<|endoftext|>',
    });
    const custom = 'Translate: {source}\nRussian: {target}</s>';
    expect(formatCausalText({ source: 'a', target: 'b' }, custom).prompt).toBe('Translate: a\nRussian: ');
    expect(templateSpecialTokens(custom)).toEqual(['</s>']);
  });

  it('rejects templates without exactly one {source} before one {target}', () => {
    expect(() => parseCausalTemplate('{target} {source}')).toThrow(/needs exactly one \{source\} followed later by exactly one \{target\}/);
    expect(() => parseCausalTemplate('{source}')).toThrow();
    expect(() => parseCausalTemplate('{source}{source}{target}')).toThrow();
  });

  it('masks the prompt with -100 and labels the completion', () => {
    const { features, stats } = encodeCausal([{ source: 'ab', target: 'xyz' }], tok, { maxLength: 64 });
    const f = features[0]!;
    const expectedIds = [tok.idOf('<|startoftext|>'), 97, 98, tok.idOf('<sep>'), 120, 121, 122, tok.idOf('<|endoftext|>')];
    expect(f.input_ids).toEqual(expectedIds);
    expect(f.labels).toEqual([IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, 120, 121, 122, tok.idOf('<|endoftext|>')]);
    expect(tok.encode(formatCausalText({ source: 'ab', target: 'xyz' }).text)).toEqual(expectedIds); // same as encoding the whole text
    expect(stats).toEqual({ examples: 1, encoded: 1, sourceTruncated: 0, targetTruncated: 0, dropped: 0 });
  });

  it('truncates the source, never the target, to fit maxLength', () => {
    const source = 'abcdefghij';
    const target = 'XYZ';
    const { features, stats } = encodeCausal([{ source, target }], tok, { maxLength: 10 });
    const f = features[0]!;
    expect(f.input_ids.length).toBe(10);
    // 3 template tokens + 3 target tokens leave 4 for the source
    expect(f.input_ids.slice(1, 5)).toEqual([...'abcd'].map((c) => c.codePointAt(0)));
    expect(f.labels.filter((x) => x !== IGNORE_INDEX)).toEqual([88, 89, 90, tok.idOf('<|endoftext|>')]);
    expect(stats.sourceTruncated).toBe(1);
  });

  it('drops (default) or trims an example whose target alone does not fit, and counts it', () => {
    const ex = { source: 'abc', target: 'T'.repeat(20) };
    const dropped = encodeCausal([ex, { source: 'a', target: 'b' }], tok, { maxLength: 12 });
    expect(dropped.features.length).toBe(1);
    expect(dropped.stats.dropped).toBe(1);
    const trimmed = encodeCausal([ex], tok, { maxLength: 12, targetOverflow: 'truncate' });
    const f = trimmed.features[0]!;
    expect(f.input_ids.length).toBeLessThanOrEqual(12);
    expect(f.input_ids).not.toContain(tok.idOf('<|endoftext|>')); // a cut target must not teach "stop here"
    expect(trimmed.stats.targetTruncated).toBe(1);
  });

  it('builds generation prompts exactly like the training prompt', () => {
    const train = encodeCausal([{ source: 'hello world', target: 'мир' }], tok, { maxLength: 20 }).features[0]!;
    const promptLen = train.labels.findIndex((x) => x !== IGNORE_INDEX);
    expect(encodeCausalPrompt('hello world', tok, { maxPromptLength: 20 - 4 })).toEqual(train.input_ids.slice(0, promptLen));
  });
});

describe('T5 formatting', () => {
  it('uses the T5 task prefixes', () => {
    expect(t5Prefix('summarization')).toBe('summarize: ');
    expect(t5Prefix('translation')).toBe('translate English to Russian: ');
    expect(t5Prefix('translation', { sourceLang: 'de', targetLang: 'en' })).toBe('translate German to English: ');
    expect(formatT5Text({ source: 'Long text.', target: 'Short.', task: 'summarization' })).toEqual({ input: 'summarize: Long text.', target: 'Short.' });
  });

  it('cuts inputs from the end keeping EOS; over-long targets are dropped or trimmed, and counted', () => {
    const t = charTokenizer();
    const exs = [
      { source: 'x'.repeat(50), target: 'ok', task: 'summarization' as const },
      { source: 'y', target: 'z'.repeat(30), task: 'summarization' as const },
    ];
    const { features, stats } = encodeT5(exs, t, { maxSourceLength: 20, maxTargetLength: 10, eosTokenId: 1 });
    expect(features.length).toBe(1);
    expect(features[0]!.input_ids.length).toBe(20);
    expect(features[0]!.input_ids.slice(0, 11)).toEqual(t.encode('summarize: '));
    expect(features[0]!.input_ids.at(-1)).toBe(1);
    expect(features[0]!.labels).toEqual([...t.encode('ok'), 1]);
    expect(stats).toEqual({ examples: 2, encoded: 1, sourceTruncated: 1, targetTruncated: 0, dropped: 1 });
    const trimmed = encodeT5(exs.slice(1), t, { maxSourceLength: 20, maxTargetLength: 10, eosTokenId: 1, targetOverflow: 'truncate' });
    expect(trimmed.features[0]!.labels).toEqual(t.encode('z'.repeat(10)));
    expect(trimmed.stats.targetTruncated).toBe(1);
  });
});
