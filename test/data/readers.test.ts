import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDelimited } from '../../src/data/readers/csv.ts';
import { checkParquet } from '../../src/data/readers/parquet.ts';
import { readRecords } from '../../src/data/readers/readRecords.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);
const file = (name: string, content: string | Uint8Array | ArrayBuffer) => {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, content instanceof ArrayBuffer ? new Uint8Array(content) : content);
  return p;
};

describe('CSV / TSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes, line breaks, CRLF and a BOM', () => {
    const text = '\ufeffsource,target\r\n"Hello, world","Привет, мир"\r\n"She said ""hi""","Она сказала «привет»"\r\n"two\nlines",x\r\n';
    expect(parseDelimited(text, ',', 't.csv')).toEqual([
      { source: 'Hello, world', target: 'Привет, мир' },
      { source: 'She said "hi"', target: 'Она сказала «привет»' },
      { source: 'two\nlines', target: 'x' },
    ]);
  });

  it('keeps empty fields and skips blank lines; a last line without newline is read', () => {
    expect(parseDelimited('a,b\n,1\n\n2,\n3,4', ',', 't.csv')).toEqual([
      { a: '', b: '1' },
      { a: '2', b: '' },
      { a: '3', b: '4' },
    ]);
  });

  it('TSV uses tabs and the same quoting', () => {
    expect(parseDelimited('document\tsummary\n"a\tb"\tc\n', '\t', 't.tsv')).toEqual([{ document: 'a\tb', summary: 'c' }]);
  });

  it('names the file and line of malformed input', () => {
    expect(() => parseDelimited('a,b\n"open,1\n', ',', 'bad.csv')).toThrow(/bad\.csv line 2: a quoted field is never closed/);
    expect(() => parseDelimited('a,b\n1,2,3\n', ',', 'bad.csv')).toThrow(/bad\.csv line 2: 3 fields, but the header has 2/);
    expect(() => parseDelimited('a,b\nx"y,2\n', ',', 'bad.csv')).toThrow(/line 2: a '"' inside an unquoted field/);
    expect(() => parseDelimited('a,a\n1,2\n', ',', 'dup.csv')).toThrow(/column 'a' appears twice/);
    expect(() => parseDelimited('a,b\n"x"y,2\n', ',', 'bad.csv')).toThrow(UserError);
  });

  it('reads .csv and .tsv files through readRecords, honouring limit', async () => {
    const csv = file('pairs.csv', 'source,target\n1,a\n2,b\n3,c\n');
    expect(await readRecords(csv, 2)).toEqual([
      { source: '1', target: 'a' },
      { source: '2', target: 'b' },
    ]);
    const tsv = file('pairs.tsv', 'article\thighlights\nA\tB\n');
    expect(await readRecords(tsv)).toEqual([{ article: 'A', highlights: 'B' }]);
  });
});

describe('JSON Lines and JSON', () => {
  it('reads JSON Lines, skipping blank lines, stopping at limit', async () => {
    const p = file('a.jsonl', '{"id":"1","source":"x","target":"y"}\n\n{"id":"2","source":"p","target":"q"}\n{"id":"3","source":"r","target":"s"}\n');
    expect((await readRecords(p)).map((r) => r.id)).toEqual(['1', '2', '3']);
    expect((await readRecords(p, 2)).map((r) => r.id)).toEqual(['1', '2']);
  });

  it('names the line of invalid JSON Lines', async () => {
    const p = file('bad.jsonl', '{"a":1}\n{"a":\n');
    await expect(readRecords(p)).rejects.toThrow(/bad\.jsonl line 2: not valid JSON/);
    const q = file('arr.jsonl', '[1,2]\n');
    await expect(readRecords(q)).rejects.toThrow(/line 1: expected a JSON object per line, got an array/);
  });

  it('reads a JSON array or {data: [...]}', async () => {
    const a = file('a.json', JSON.stringify([{ document: 'd', summary: 's' }]));
    expect(await readRecords(a)).toEqual([{ document: 'd', summary: 's' }]);
    const b = file(
      'b.json',
      JSON.stringify({
        version: 1,
        data: [
          { document: 'd1', summary: 's1' },
          { document: 'd2', summary: 's2' },
        ],
      }),
    );
    expect(await readRecords(b, 1)).toEqual([{ document: 'd1', summary: 's1' }]);
  });

  it('rejects other JSON shapes with the expected shape in the message', async () => {
    const c = file('c.json', JSON.stringify({ rows: [] }));
    await expect(readRecords(c)).rejects.toThrow(
      /c\.json: expected a JSON array of examples or an object \{"data": \[\.\.\.\]\}, got an object with keys rows/,
    );
    const d = file('d.json', JSON.stringify([1]));
    await expect(readRecords(d)).rejects.toThrow(/element 0 of the array is a number/);
  });
});

describe('parquet (hyparquet)', () => {
  const opusSchema = [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    { name: 'translation', repetition_type: 'OPTIONAL' as const, num_children: 2 },
    { name: 'en', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    { name: 'ru', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
  ];

  it('reads flat columns and nested structs (the opus_books translation column)', async () => {
    const flat = file(
      'cnn.parquet',
      parquetWriteBuffer({
        columnData: [
          { name: 'article', data: ['A1', 'A2'] },
          { name: 'highlights', data: ['H1', null] },
        ],
      }),
    );
    expect(await readRecords(flat)).toEqual([
      { article: 'A1', highlights: 'H1' },
      { article: 'A2', highlights: null },
    ]);
    const nested = file(
      'opus.parquet',
      parquetWriteBuffer({
        schema: opusSchema,
        columnData: [
          { name: 'id', data: ['0', '1', '2'] },
          {
            name: 'translation',
            data: [
              { en: 'Hi', ru: 'Привет' },
              { en: 'Cat', ru: 'Кот' },
              { en: 'Dog', ru: 'Собака' },
            ],
          },
        ],
      }),
    );
    expect(await readRecords(nested, 2)).toEqual([
      { id: '0', translation: { en: 'Hi', ru: 'Привет' } },
      { id: '1', translation: { en: 'Cat', ru: 'Кот' } },
    ]);
  });

  it('decompresses GZIP and BROTLI pages with node:zlib', async () => {
    for (const codec of ['GZIP', 'BROTLI'] as const) {
      const bytes = parquetWriteBuffer({
        codec,
        compressors: { GZIP: (b: Uint8Array) => new Uint8Array(zlib.gzipSync(b)), BROTLI: (b: Uint8Array) => new Uint8Array(zlib.brotliCompressSync(b)) },
        columnData: [
          { name: 'document', data: ['d'.repeat(500)] },
          { name: 'summary', data: ['s'] },
        ],
      });
      const p = file(`z-${codec}.parquet`, bytes);
      expect(await readRecords(p)).toEqual([{ document: 'd'.repeat(500), summary: 's' }]);
    }
  });

  it('rejects unreadable parquet with the file name', async () => {
    const junk = file('junk.parquet', 'this is not parquet at all');
    await expect(readRecords(junk)).rejects.toThrow(/junk\.parquet: not a parquet file \(no PAR1 magic/);
    const good = parquetWriteBuffer({ columnData: [{ name: 'a', data: ['x'] }] });
    const truncated = new Uint8Array(good.byteLength);
    truncated.set(new Uint8Array(good));
    truncated.fill(0, 4, truncated.byteLength - 8); // magic intact, footer garbage
    const broken = file('broken.parquet', truncated);
    await expect(readRecords(broken)).rejects.toThrow(/broken\.parquet: unreadable parquet/);
    expect(() => checkParquet(new Uint8Array(good), 'ok')).not.toThrow();
    expect(checkParquet(new Uint8Array(good), 'ok')).toBe(1);
  });
});

describe('readRecords', () => {
  it('rejects unknown extensions and missing files, naming them', async () => {
    await expect(readRecords(file('x.xml', '<a/>'))).rejects.toThrow(
      /x\.xml: unknown data file type '\.xml'; expected one of \.jsonl, \.json, \.csv, \.tsv, \.parquet/,
    );
    await expect(readRecords(path.join(tmp.dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such data file/);
  });
});
