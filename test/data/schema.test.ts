import { describe, expect, it } from 'vitest';
import { detectSchema, normalizeRecords } from '../../src/data/schema.ts';
import { UserError } from '../../src/util/errors.ts';

describe('schema detection and normalisation', () => {
  it('opus_books: translation {en, ru}, keeping id and domain', () => {
    const recs = [{ id: '7', domain: 'tatoeba', translation: { en: 'Hello.', ru: 'Привет.' } }];
    const out = normalizeRecords(recs, 'o.jsonl');
    expect(out.schema).toBe('opus_books');
    expect(out.task).toBe('translation');
    expect(out.examples).toEqual([{ id: '7', domain: 'tatoeba', source: 'Hello.', target: 'Привет.', task: 'translation' }]);
  });

  it('opus_books the other way round, and flattened translation.xx columns (CSV)', () => {
    const recs = [{ translation: { en: 'Cat', ru: 'Кот' } }];
    expect(normalizeRecords(recs, 'o', { sourceLang: 'ru', targetLang: 'en' }).examples[0]).toMatchObject({ source: 'Кот', target: 'Cat' });
    const flat = [{ 'translation.en': 'Dog', 'translation.ru': 'Собака' }];
    expect(normalizeRecords(flat, 'o.csv').examples[0]).toMatchObject({ source: 'Dog', target: 'Собака', id: '0' });
  });

  it('cnn_dailymail: article → highlights; xsum: document → summary', () => {
    const cnn = normalizeRecords([{ id: 'a', article: 'A', highlights: 'H' }], 'c');
    expect(cnn.schema).toBe('cnn_dailymail');
    expect(cnn.examples[0]).toEqual({ id: 'a', source: 'A', target: 'H', task: 'summarization' });
    const xsum = normalizeRecords([{ id: 5, document: 'D', summary: 'S', domain: 'xsum-test' }], 'x');
    expect(xsum.schema).toBe('xsum');
    expect(xsum.examples[0]).toEqual({ id: '5', domain: 'xsum-test', source: 'D', target: 'S', task: 'summarization' });
  });

  it('plain source/target needs a task; custom column names map onto it', () => {
    expect(() => normalizeRecords([{ source: 'a', target: 'b' }], 'p.csv')).toThrow(/p\.csv: plain source\/target columns do not say the task/);
    expect(normalizeRecords([{ source: 'a', target: 'b' }], 'p.csv', { task: 'translation' }).examples[0]!.task).toBe('translation');
    const custom = normalizeRecords([{ en: 'one', ru: 'один' }], 'c.csv', { columns: { source: 'en', target: 'ru' }, task: 'translation' });
    expect(custom.examples[0]).toMatchObject({ source: 'one', target: 'один' });
  });

  it('makes duplicate ids unique and numbers rows without ids', () => {
    const out = normalizeRecords(
      [
        { id: 'pkg', document: 'a', summary: 'x' },
        { id: 'pkg', document: 'b', summary: 'y' },
        { document: 'c', summary: 'z' },
      ],
      'd',
    );
    expect(out.examples.map((e) => e.id)).toEqual(['pkg', 'pkg#2', '2']);
  });

  it('null text becomes empty (cleaning drops and counts it)', () => {
    const out = normalizeRecords([{ article: 'A', highlights: null }], 'c.parquet');
    expect(out.examples[0]!.target).toBe('');
  });

  describe('bad input: one line naming the file and what was expected', () => {
    const oneLine = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        const msg = (e as Error).message;
        expect(msg).not.toContain('\n');
        return msg;
      }
      throw new Error('expected a UserError');
    };

    it('unknown columns', () => {
      const msg = oneLine(() => normalizeRecords([{ text: 'a', label: 'b' }], 'data/x.jsonl'));
      expect(msg).toMatch(
        /^data\/x\.jsonl: unknown schema; expected columns translation\{en,ru\} \(opus_books\), article\+highlights \(cnn_dailymail\), document\+summary \(xsum\) or source\+target; found columns: text, label$/,
      );
    });

    it('a forced schema whose columns are missing', () => {
      const msg = oneLine(() => detectSchema([{ article: 'a' }], 'c.csv', { schema: 'cnn_dailymail' }));
      expect(msg).toBe('c.csv: missing column highlights for the cnn_dailymail schema (expected article, highlights); found columns: article');
    });

    it('a row missing a column, naming the row', () => {
      const msg = oneLine(() => normalizeRecords([{ article: 'a', highlights: 'h' }, { article: 'b' }], 'c.jsonl'));
      expect(msg).toBe("c.jsonl row 2: missing 'highlights' (cnn_dailymail schema: article, highlights)");
    });

    it('wrong types', () => {
      expect(oneLine(() => normalizeRecords([{ document: 3, summary: 's' }], 'x.json'))).toBe("x.json row 1: 'document' must be text, got a number");
      expect(oneLine(() => normalizeRecords([{ translation: 'Hello=Привет' }], 'o.jsonl'))).toMatch(
        /row 1: 'translation' must be an object \{en, ru\}, got a string/,
      );
      expect(oneLine(() => normalizeRecords([{ translation: { de: 'Hallo', en: 'Hello' } }], 'o.jsonl'))).toBe(
        "o.jsonl row 1: 'translation' has keys de, en; expected en and ru",
      );
    });

    it('an empty file', () => {
      expect(oneLine(() => normalizeRecords([], 'empty.jsonl'))).toMatch(/^empty\.jsonl: no rows; expected examples with/);
    });

    it('custom columns that do not exist', () => {
      expect(oneLine(() => normalizeRecords([{ a: '1', b: '2' }], 'c.csv', { columns: { source: 'en', target: 'b' }, task: 'translation' }))).toBe(
        "c.csv: missing column 'en' (asked for as source); found columns: a, b",
      );
    });
  });
});
