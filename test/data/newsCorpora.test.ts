import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_SPLIT, corpusSplits } from '../../src/data/corpusSplit.ts';
import { splitExamples } from '../../src/data/split.ts';
import { tempDir } from './helpers.ts';

/*
 * The news corpora by their dataset names, on small inline files laid out as the shared folder lays
 * them out (cnn_dailymail-sample.jsonl, xsum-sample.jsonl): loaded under the Hugging Face schemas,
 * cleaned (CNN/DM's test highlights are PTB-tokenized) and split with the one CORPUS_SPLIT.
 */

const t = tempDir('peft-news-');
afterAll(() => t.cleanup());

function writeJsonl(file: string, rows: Record<string, unknown>[]): void {
  writeFileSync(path.join(t.dir, file), rows.map((r) => JSON.stringify(r) + '\n').join(''));
}

const cnn = Array.from({ length: 20 }, (_, i) =>
  i < 10
    ? {
        id: `t${i}`,
        domain: 'cnndm-test-frank',
        article: `Story ${i} begins. It goes on.`,
        highlights: `Allen , 27 , is facing ${i} charges . He -LRB- the suspect -RRB- denies it .`,
      }
    : {
        id: `r${i}`,
        domain: 'cnndm-train-sample',
        article: `Report ${i} opens. More follows.`,
        highlights: `Bishop ${i} is taking time off .\nChurch members could have been exposed .`,
      },
);
const xsum = Array.from({ length: 20 }, (_, i) => ({
  id: String(1000 + i),
  domain: 'xsum-test-frank',
  document: `Match ${i} report.It was close.`,
  summary: `team ${i} won.`,
}));
writeJsonl('cnn_dailymail-sample.jsonl', cnn);
writeJsonl('xsum-sample.jsonl', xsum);

describe('cnn_dailymail and xsum by name', () => {
  it('load article → highlights and document → summary from the data folder', async () => {
    const c = await corpusSplits('cnn_dailymail', { dataDir: t.dir });
    expect(c.dataset).toMatchObject({ name: 'cnn_dailymail', schema: 'cnn_dailymail', task: 'summarization', synthetic: false });
    expect(c.dataset.origin).toMatchObject({ kind: 'data-dir', id: 'cnn_dailymail' });
    const x = await corpusSplits('hf:EdinburghNLP/xsum', { dataDir: t.dir });
    expect(x.dataset.schema).toBe('xsum');
    expect(x.dataset.examples.find((e) => e.id === '1003')).toMatchObject({ source: 'Match 3 report.It was close.', target: 'team 3 won.' });
  });

  it('detokenize the PTB highlights and join highlight lines', async () => {
    const { dataset, cleaning } = await corpusSplits('cnn_dailymail', { dataDir: t.dir });
    expect(dataset.examples.find((e) => e.id === 't4')!.target).toBe('Allen, 27, is facing 4 charges. He (the suspect) denies it.');
    expect(dataset.examples.find((e) => e.id === 'r12')!.target).toBe('Bishop 12 is taking time off. Church members could have been exposed.');
    expect(cleaning.changed.ptbDetokenized).toBe(20);
  });

  it('split with CORPUS_SPLIT (75/5/20, seed 42), every original split in every one of ours', async () => {
    const { dataset, splits } = await corpusSplits('cnn_dailymail', { dataDir: t.dir });
    expect([splits.train.length, splits.validation.length, splits.test.length]).toEqual([15, 1, 4]);
    const testDomains = splits.test.map((e) => e.domain).sort();
    expect(testDomains).toEqual(['cnndm-test-frank', 'cnndm-test-frank', 'cnndm-train-sample', 'cnndm-train-sample']);
    const again = splitExamples(dataset.examples, { ...CORPUS_SPLIT });
    expect(splits.test.map((e) => e.id)).toEqual(again.test.map((e) => e.id));
    const ids = (xs: { id: string }[]) => new Set(xs.map((e) => e.id));
    const train = ids(splits.train);
    expect(splits.test.some((e) => train.has(e.id))).toBe(false);
  });
});
