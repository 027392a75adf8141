import { describe, expect, it } from 'vitest';
import { cleanExamples } from '../../src/data/clean/clean.ts';
import { decodeHtmlEntities } from '../../src/data/clean/htmlEntities.ts';
import { looksPtbTokenized, ptbDetokenize } from '../../src/data/clean/ptb.ts';
import { collapseWhitespace, stripControlChars, toNfc } from '../../src/data/clean/text.ts';
import { loadDataset } from '../../src/data/load.ts';
import type { Example } from '../../src/data/types.ts';
import { sharedDatasets } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

const ex = (source: string, target: string, id = source): Example => ({ id, source, target, task: 'translation' });

describe('cleaning steps', () => {
  it('HTML entities: named, decimal, hex, decoded once, unknown names kept', () => {
    expect(decodeHtmlEntities('Tom &amp; Jerry &quot;quoted&quot; it&#39;s &#x41;&#66; &lt;tag&gt; &mdash; caf&eacute; &nbsp;')).toBe(
      'Tom & Jerry "quoted" it\'s AB <tag> — café \u00a0',
    );
    expect(decodeHtmlEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeHtmlEntities('&bogus; & AT&T')).toBe('&bogus; & AT&T');
    expect(decodeHtmlEntities('&#150; &#0;')).toBe('\u2013 \ufffd'); // Windows-1252 range and NUL as browsers map them
  });

  it('control characters: C0/C1 controls and invisible format characters go, tab/newline/ZWJ stay', () => {
    expect(stripControlChars('a\u0000b\u0007c\u200bd\u00ade\ufefff\u200eg\u200fh')).toBe('abcdefgh');
    expect(stripControlChars('a\tb\nc\u200dd')).toBe('a\tb\nc\u200dd');
    expect(stripControlChars('x\u0085y')).toBe('x y');
    expect(stripControlChars('lone \ud800 surrogate')).toBe('lone  surrogate');
  });

  it('NFC composes decomposed letters (й, é)', () => {
    const decomposed = 'и\u0306 e\u0301';
    expect(toNfc(decomposed)).toBe('й é');
    expect(toNfc(decomposed).length).toBe(3);
  });

  it('whitespace: runs of any Unicode space collapse to one, ends trimmed', () => {
    expect(collapseWhitespace('  a \t b\n\nc\u00a0\u2009d  ')).toBe('a b c d');
  });

  it('PTB detokenization: brackets, quotes, clitics, punctuation', () => {
    expect(ptbDetokenize("Kite 's total length is 6 km -LRB- 3.7 miles -RRB- long .")).toBe("Kite's total length is 6 km (3.7 miles) long.");
    expect(ptbDetokenize("He called it `` brilliant '' and do n't ask , please !")).toBe('He called it "brilliant" and don\'t ask, please!');
    expect(ptbDetokenize("helps to ` expand ' women 's lives ; costs $ 5 -LSB- sic -RSB-")).toBe("helps to 'expand' women's lives; costs $5 [sic]");
    expect(ptbDetokenize("a ``grossly misleading''analysis")).toBe('a "grossly misleading" analysis');
    expect(ptbDetokenize('line one .\nline two ,')).toBe('line one.\nline two,');
  });

  it('PTB auto mode leaves ordinary text alone', () => {
    expect(looksPtbTokenized('Rename files ending in .txt before you run it.')).toBe(false);
    expect(looksPtbTokenized('What is sick leave fraud ?')).toBe(false);
    expect(looksPtbTokenized("It 's raining .")).toBe(true);
    expect(looksPtbTokenized('Trains -LRB- mostly -RRB- run')).toBe(true);
    expect(looksPtbTokenized('One . Two . Three')).toBe(true);
    const { examples, summary } = cleanExamples([ex('Files ending in .txt are read.', 'Файлы .txt читаются.')]);
    expect(examples[0]!.source).toBe('Files ending in .txt are read.');
    expect(summary.changed.ptbDetokenized).toBe(0);
  });
});

describe('cleanExamples', () => {
  it('counts each step once per changed example and drops empty, too long and duplicate pairs', () => {
    const input: Example[] = [
      ex('Tom &amp; Jerry', 'Том и Джерри', 'html'),
      ex('zero\u200bwidth', 'ноль', 'ctrl'),
      ex('cafe\u0301', 'кафе', 'nfc'),
      ex("It 's fine .", 'Всё хорошо.', 'ptb'),
      ex('  spaced   out ', 'пробелы', 'ws'),
      ex('   ', 'пусто', 'empty'),
      ex('x'.repeat(30), 'long', 'long'),
      ex('Tom & Jerry', 'Том и Джерри', 'dup'), // equal to the first after decoding
      ex('plain', 'простой', 'plain'),
    ];
    const { examples, summary } = cleanExamples(input, { maxSourceChars: 20 });
    // whitespace: 'ws' and the all-space source, which it trims to '' before the empty check drops it
    expect(summary.changed).toEqual({ htmlEntities: 1, controlChars: 1, nfc: 1, ptbDetokenized: 1, whitespace: 2 });
    expect(summary.dropped).toEqual({ empty: 1, tooLong: 1, duplicate: 1 });
    expect(summary.input).toBe(9);
    expect(summary.output).toBe(6);
    expect(examples.map((e) => e.id)).toEqual(['html', 'ctrl', 'nfc', 'ptb', 'ws', 'plain']);
    expect(examples.map((e) => e.source)).toEqual(['Tom & Jerry', 'zerowidth', 'café', "It's fine.", 'spaced out', 'plain']);
  });

  it('length limits drop, never cut, and default per task', () => {
    const long = 'слово '.repeat(300).trim(); // 1799 chars: over the translation default, under summarization's
    const t = cleanExamples([ex(long, 'x'), ex('ok', 'ok')]);
    expect(t.summary.dropped.tooLong).toBe(1);
    expect(t.examples.every((e) => e.source.length <= 1000)).toBe(true);
    const s = cleanExamples([{ id: 'a', source: long, target: 'x', task: 'summarization' }]);
    expect(s.summary.dropped.tooLong).toBe(0);
    expect(s.examples[0]!.source).toBe(long);
  });

  it('steps can be switched off', () => {
    const { examples, summary } = cleanExamples([ex('a &amp;  b', 'c')], { htmlEntities: false, whitespace: false });
    expect(examples[0]!.source).toBe('a &amp;  b');
    expect(summary.changed.htmlEntities + summary.changed.whitespace).toBe(0);
  });

  it('an empty result is a UserError naming the dataset and the counts', () => {
    expect(() => cleanExamples([ex(' ', 'x'), ex('y', '')], { label: 'pairs.csv' })).toThrow(
      /^pairs\.csv: no examples left after cleaning \(2 in; dropped 2 empty, 0 over 1000\/1000 chars, 0 duplicate\)/,
    );
    expect(cleanExamples([ex(' ', 'x')], { allowEmpty: true }).examples).toEqual([]);
  });
});

const shared = sharedDatasets();
describe('cleaning the shared CNN/DailyMail sample', needsShared(shared), () => {
  it('leaves no PTB tokens in the test-split highlights', async () => {
    const ds = await loadDataset('cnn_dailymail', { dataDir: shared! });
    const test = ds.examples.filter((e) => e.domain === 'cnndm-test-frank');
    expect(test.length).toBe(200); // README: 200 from the test split
    const before = test.filter((e) => /-LRB-| 's\b| n't\b| [.,](?: |$)/.test(e.target)).length;
    expect(before).toBeGreaterThan(150);
    const { examples, summary } = cleanExamples(test);
    expect(summary.changed.ptbDetokenized).toBeGreaterThanOrEqual(before);
    for (const e of examples) expect(e.target).not.toMatch(/-[LR][RSC]B-| 's\b| n't\b|``|'' | [.,;:?!](?: |$)/);
  });
});
