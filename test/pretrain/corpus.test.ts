import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_SPLIT, corpusSplits } from '../../src/data/corpusSplit.ts';
import { buildPretrainCorpus, textKey, type PretrainCorpus } from '../../src/pretrain/corpus.ts';
import type { Example } from '../../src/data/index.ts';
import { DATASETS, headLines, SHARED } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

describe('the pretraining corpus never contains held-out text', needsShared(SHARED), () => {
  let corpus: PretrainCorpus;
  const heldOut = new Map<string, Example[]>();
  const trainIds = new Map<string, Set<string>>();

  beforeAll(async () => {
    corpus = await buildPretrainCorpus(DATASETS);
    for (const name of ['opus_books', 'debian-descriptions', 'cnn_dailymail', 'xsum']) {
      const { splits } = await corpusSplits(name, { dataDir: DATASETS });
      heldOut.set(name, [...splits.validation, ...splits.test]);
      trainIds.set(name, new Set(splits.train.map((e) => e.id)));
    }
  }, 120_000);

  it('uses one split everywhere: seed 42, 20% test, 5% validation', () => {
    expect(CORPUS_SPLIT).toEqual({ seed: 42, test: 0.2, validation: 0.05 });
    expect(corpus.split).toBe(CORPUS_SPLIT);
    const opus = corpus.sources.find((s) => s.name === 'opus_books')!;
    expect(opus.test / opus.examples).toBeCloseTo(0.2, 2);
    expect(opus.validation / opus.examples).toBeCloseTo(0.05, 2);
  });

  it('reads both languages and every present corpus, skipping CNN/XSum test-split rows', () => {
    const origins = new Set(corpus.train.map((d) => d.origin));
    for (const o of ['opus_books:en', 'opus_books:ru', 'debian-descriptions:document', 'debian-descriptions:summary', 'cnn_dailymail:document'])
      expect(origins.has(o), o).toBe(true);
    expect(origins.has('xsum:document')).toBe(false); // the shared XSum sample is all test-split rows
    expect(corpus.sources.find((s) => s.name === 'xsum')!.skippedTestDomains).toBe(150);
  });

  it('no validation/test text of any corpus occurs in a training document (whole texts and long sentences)', () => {
    const trainTexts = new Set(corpus.train.map((d) => textKey(d.text)));
    // One big lower-cased string: a substring search, independent of the sentence splitting the
    // builder uses, for every held-out text long enough not to occur by coincidence.
    const big = corpus.train.map((d) => d.text.toLowerCase()).join('\u0000');
    let checkedWhole = 0;
    let checkedSub = 0;
    for (const [name, examples] of heldOut) {
      examples.forEach((ex, i) => {
        for (const text of [ex.source, ex.target]) {
          expect(trainTexts.has(textKey(text)), `${name} ${ex.id}`).toBe(false);
          checkedWhole++;
          if (text.length >= 80 && i % 40 === 0) {
            expect(big.includes(text.toLowerCase()), `${name} ${ex.id}: ${text.slice(0, 60)}`).toBe(false);
            checkedSub++;
          }
        }
      });
    }
    expect(checkedWhole).toBeGreaterThan(40_000);
    expect(checkedSub).toBeGreaterThan(200);
  });

  it('removes a held-out sentence that another corpus repeats inside a training document', async () => {
    // opus-style rows: one test-split English sentence is then planted inside Debian documents.
    const dir = mkdtempSync(path.join(tmpdir(), 'pretrain-corpus-'));
    const opus = headLines('opus-style-en-ru.jsonl', 400);
    writeFileSync(path.join(dir, 'opus-style-en-ru.jsonl'), opus.join('\n') + '\n');
    const { splits } = await corpusSplits('opus_books', { dataDir: dir });
    const secret = splits.test.find((e) => e.source.length > 40 && /[.!?]$/.test(e.source))!.source;
    const debian = headLines('debian-descriptions.jsonl', 200).map((l, i) => {
      const r = JSON.parse(l) as { id: string; document: string; summary: string };
      return JSON.stringify({ ...r, document: i % 2 ? `${r.document} ${secret} Trailing sentence number ${i}.` : r.document });
    });
    writeFileSync(path.join(dir, 'debian-descriptions.jsonl'), debian.join('\n') + '\n');
    const c = await buildPretrainCorpus(dir);
    const docs = c.train.filter((d) => d.origin === 'debian-descriptions:document');
    expect(docs.length).toBeGreaterThan(100);
    expect(docs.some((d) => d.text.includes(secret))).toBe(false);
    // only the sentence goes: the planted documents keep their other text
    expect(docs.filter((d) => /Trailing sentence number \d+\.$/.test(d.text)).length).toBeGreaterThan(50);
    expect(c.droppedSentences).toBeGreaterThan(50);
  });
});
