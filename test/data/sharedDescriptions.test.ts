import { describe, expect, it } from 'vitest';
import { sharedDatasetDescription } from '../../src/data/dataDir.ts';

describe('sharedDatasetDescription', () => {
  it('names the opus_books stand-in and its origin corpora, and the news samples', () => {
    const opus = sharedDatasetDescription('/data/shared/datasets/opus-style-en-ru.jsonl')!;
    expect(opus).toMatch(/^a stand-in for opus_books/);
    for (const origin of ['Tatoeba', 'WMT', 'NTREX', 'TICO-19', 'Debian']) expect(opus).toContain(origin);
    expect(sharedDatasetDescription('cnn_dailymail-sample.jsonl')).toMatch(/^a sample of CNN\/DailyMail/);
    expect(sharedDatasetDescription('xsum-sample.jsonl')).toMatch(/^a sample of XSum/);
  });

  it('describes only the shared files: a user file named after the dataset id is not the stand-in', () => {
    expect(sharedDatasetDescription('/mine/opus_books.jsonl')).toBeUndefined();
    expect(sharedDatasetDescription('pairs.csv')).toBeUndefined();
  });
});
