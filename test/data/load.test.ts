import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInDataDir } from '../../src/data/dataDir.ts';
import { loadDataset, loadDefaultDataset } from '../../src/data/load.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { corpusSummaries } from '../../src/data/summary.ts';
import { UserError } from '../../src/util/errors.ts';
import { sharedDatasets, tempDir } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

const shared = sharedDatasets();

describe('local files', () => {
  it('loads a CSV with custom columns, then cleans and splits it', async () => {
    const t = tempDir();
    try {
      const rows = Array.from({ length: 50 }, (_, i) => `${i},"Sentence ${i} , here .","Предложение ${i}",${i % 2 ? 'news' : 'chat'}`);
      const file = path.join(t.dir, 'pairs.csv');
      writeFileSync(file, ['id,en,ru,domain', ...rows].join('\n'));
      const prepared = await prepareDataset(file, {
        load: { columns: { source: 'en', target: 'ru' }, task: 'translation' },
        split: { seed: 1, test: 0.2 },
      });
      expect(prepared.dataset.origin).toEqual({ kind: 'file', path: file });
      expect(prepared.dataset.synthetic).toBe(false);
      expect(prepared.cleaning.changed.ptbDetokenized).toBe(50);
      expect(prepared.splits.test.length).toBe(10);
      expect(prepared.splits.test.filter((e) => e.domain === 'news').length).toBe(5);
      expect(prepared.splits.train[0]!.source).toMatch(/^Sentence \d+, here\.$/);
    } finally {
      t.cleanup();
    }
  });

  it('an unknown name is a one-line UserError listing what is valid', async () => {
    const err = await loadDataset('no_such_corpus', { dataDir: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^dataset 'no_such_corpus': unknown; expected a \.jsonl\/\.json\/\.csv\/\.tsv\/\.parquet file, a dataset id found in PEFT_DATA_DIR/,
    );
    expect((err as Error).message).not.toContain('\n');
  });

  it('the synthetic generators load under their names, marked synthetic', async () => {
    const tr = await loadDataset('synthetic:translation', { size: 40, seed: 9 });
    expect(tr).toMatchObject({ task: 'translation', synthetic: true, origin: { kind: 'synthetic', generator: 'translation', seed: 9 } });
    expect(tr.examples.length).toBe(40);
    const news = await loadDataset('synthetic:news', { size: 10, limit: 4 });
    expect(news.examples.length).toBe(4);
    expect(news.task).toBe('summarization');
  });
});

describe('the shared data folder (PEFT_DATA_DIR)', needsShared(shared), () => {
  it('maps dataset ids to the shared files', () => {
    const cases: Record<string, string> = {
      opus_books: 'opus-style-en-ru.jsonl',
      'hf:Helsinki-NLP/opus_books:en-ru': 'opus-style-en-ru.jsonl',
      cnn_dailymail: 'cnn_dailymail-sample.jsonl',
      'hf:abisee/cnn_dailymail:3.0.0': 'cnn_dailymail-sample.jsonl',
      xsum: 'xsum-sample.jsonl',
      'hf:EdinburghNLP/xsum': 'xsum-sample.jsonl',
      'debian-descriptions': 'debian-descriptions.jsonl',
    };
    for (const [id, file] of Object.entries(cases)) expect(resolveInDataDir(id, shared!), id).toBe(path.join(shared!, file));
    expect(resolveInDataDir('hf:Helsinki-NLP/opus_books:en-fr', shared!)).toBeUndefined(); // another language pair is not this file
    expect(resolveInDataDir('../datasets/opus-style-en-ru', shared!)).toBeUndefined();
  });

  it('has the row counts the shared README states', async () => {
    const readme: Record<string, number> = { opus_books: 63_044, cnn_dailymail: 320, xsum: 200, 'debian-descriptions': 33_590 };
    for (const [id, rows] of Object.entries(readme)) {
      const ds = await loadDataset(id, { dataDir: shared! });
      expect(ds.examples.length, id).toBe(rows);
      expect(new Set(ds.examples.map((e) => e.id)).size, `${id} ids unique`).toBe(rows);
    }
  });

  it('normalises each shared schema, keeping domains, reading only the head when asked', async () => {
    const opus = await loadDataset('hf:Helsinki-NLP/opus_books:en-ru', { dataDir: shared!, limit: 200 });
    expect(opus).toMatchObject({ schema: 'opus_books', task: 'translation', origin: { kind: 'data-dir' } });
    expect(opus.examples.length).toBe(200);
    expect(opus.examples.every((e) => e.domain && /[а-яё]/i.test(e.target))).toBe(true);
    const cnn = await loadDataset('cnn_dailymail', { dataDir: shared!, limit: 5 });
    expect(cnn.schema).toBe('cnn_dailymail');
    const xsum = await loadDataset('xsum', { dataDir: shared!, limit: 5 });
    expect(xsum.schema).toBe('xsum');
    const deb = await loadDataset('debian-descriptions', { dataDir: shared!, limit: 5 });
    expect(deb).toMatchObject({ schema: 'xsum', task: 'summarization' });
  });

  it('the default dataset is the real corpus when the data folder has it', async () => {
    const ds = await loadDefaultDataset('translation', { dataDir: shared!, limit: 10 });
    expect(ds.synthetic).toBe(false);
    expect(ds.name).toBe('opus_books');
    const t = tempDir();
    try {
      const fallback = await loadDefaultDataset('translation', { dataDir: null, size: 10, hub: { cacheDir: t.dir } });
      expect(fallback.synthetic).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('summarises corpora after cleaning (counts add up, domains sum to the total)', async () => {
    const [cnn, xsum] = await corpusSummaries(['cnn_dailymail', 'xsum'], { load: { dataDir: shared! } });
    for (const s of [cnn!, xsum!]) {
      const dropped = s.cleaning.dropped.empty + s.cleaning.dropped.tooLong + s.cleaning.dropped.duplicate;
      expect(s.cleaning.output).toBe(s.cleaning.input - dropped);
      expect(s.examples).toBe(s.cleaning.output);
      expect(Object.values(s.domains).reduce((a, b) => a + b, 0)).toBe(s.examples);
      expect(s.synthetic).toBe(false);
    }
    expect(cnn!.cleaning.changed.ptbDetokenized).toBeGreaterThanOrEqual(200); // every test-split highlight is tokenized
    expect(Object.keys(cnn!.domains)).toEqual(['cnndm-test-frank', 'cnndm-train-sample']);
  });
});
