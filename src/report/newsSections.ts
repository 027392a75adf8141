/**
 * The news summarization part of the report (src/experiment/newsBlocks.ts): one section per news
 * dataset, with the extractive context rows (Lead-k and the greedy oracle, scored on the very test
 * articles the blocks score) and the dataset's blocks, a transfer and a few-shot table per model
 * family. Each block states what it read: the training and evaluation corpora and the article
 * truncation its results recorded (DataRecord.truncation), because a news summary made from the first
 * hundred tokens of a thousand-token article means little without that.
 */
import { NEWS_DATASETS, newsBlockSuiteName, newsDatasetTitle, newsSuiteName } from '../experiment/newsDatasets.ts';
import type { BlockRecord, ExperimentResult, ExtractiveContext, MetricName, ScoreWithCi, TruncationRecord } from '../experiment/results.ts';
import { METRIC_LABELS } from '../experiment/results.ts';
import type { TestRecord } from './input.ts';
import type { Block } from './model.ts';
import { tableMetrics } from './taskMetrics.ts';

/** What a news block's table states above it (null on a main block). */
export interface NewsBlockFacts {
  setting: BlockRecord['setting'];
  /** `transfer from debian-descriptions`, `few-shot`. */
  setting_title: string;
  transfer: boolean;
  train_dataset: string;
  /** Training examples, as the results recorded them. */
  train_examples: number | null;
  eval_dataset: string;
  eval_origin: string | null;
  test_examples: number | null;
  /** How much of each test article the model read; null in results recorded before it was. */
  truncation: TruncationRecord | null;
}

export interface ContextRowView {
  label: string;
  sentences: number;
  main: ScoreWithCi;
  secondary: ScoreWithCi[];
  /** ROUGE-Lsum with one sentence per line on both sides. */
  lsum_sentences: ScoreWithCi;
}

export interface ContextView {
  test_examples: number;
  rows: ContextRowView[];
  /** How the rows were made (sentence splitter, oracle objective, whole articles). */
  note: string;
}

export interface NewsSection {
  task: string;
  dataset: string;
  /** As papers name the dataset: `CNN/DailyMail`. */
  title: string;
  main_label: string;
  secondary_labels: string[];
  context: ContextView | null;
  /** Per model family, the transfer block then the few-shot block. */
  blocks: Block[];
  /** Failed tests of the section outside its blocks (the extractive context test, a block that produced nothing). */
  failed: { name: string; error: string }[];
}

const SETTING_ORDER: readonly BlockRecord['setting'][] = ['transfer', 'few_shot'];

/** News datasets in NEWS_DATASETS order (others after them, by name). */
export function newsDatasetOrder(a: string, b: string): number {
  const i = (d: string) => {
    const k = (NEWS_DATASETS as readonly string[]).indexOf(d);
    return k < 0 ? NEWS_DATASETS.length : k;
  };
  return i(a) - i(b) || a.localeCompare(b);
}

/** A dataset's blocks of one family: transfer, then few-shot. */
export function newsSettingOrder(a: BlockRecord, b: BlockRecord): number {
  return SETTING_ORDER.indexOf(a.setting) - SETTING_ORDER.indexOf(b.setting) || a.id.localeCompare(b.id);
}

/** Whether a test belongs to the block of `record` on `family` (its describe path, as suites/summarization/newsSuite.ts names it). */
export function testInNewsBlock(t: TestRecord, record: BlockRecord, family: string): boolean {
  return t.path[0] === newsSuiteName(record.eval_dataset) && t.path[1] === newsBlockSuiteName(record.title, family);
}

/** What the block's table states: corpora, budget and truncation, from its results (the untuned base's first). */
export function newsBlockFacts(record: BlockRecord, results: readonly ExperimentResult[]): NewsBlockFacts {
  const first = results.find((r) => r.method === 'base') ?? results[0];
  const trained = results.find((r) => r.training);
  return {
    setting: record.setting,
    setting_title: record.setting === 'transfer' ? `transfer from ${record.train_dataset}` : 'few-shot',
    transfer: record.setting === 'transfer',
    train_dataset: record.train_dataset,
    train_examples: trained?.data.train_examples ?? first?.data.train_examples ?? null,
    eval_dataset: record.eval_dataset,
    eval_origin: first ? (first.data.eval_origin ?? first.data.origin) : null,
    test_examples: first?.data.test_examples ?? null,
    truncation: results.find((r) => r.data.truncation)?.data.truncation ?? null,
  };
}

function contextView(c: ExtractiveContext, metrics: MetricName[]): ContextView {
  const [main, ...secondary] = metrics as [MetricName, ...MetricName[]];
  return {
    test_examples: c.test_examples,
    rows: c.rows.map((r) => ({
      label: r.label,
      sentences: r.sentences,
      main: r.quality[main],
      secondary: secondary.map((m) => r.quality[m]),
      lsum_sentences: r.rougeLsum_sentences,
    })),
    note: c.note,
  };
}

/** The datasets the news part of the report has: from its blocks, its context rows and its failed tests. */
function newsDatasets(blocks: readonly Block[], contexts: readonly ExtractiveContext[], failed: readonly TestRecord[]): string[] {
  const named = [...blocks.flatMap((b) => (b.block ? [b.block.eval_dataset] : [])), ...contexts.map((c) => c.dataset)];
  const failing = NEWS_DATASETS.filter((d) => failed.some((t) => t.path[0] === newsSuiteName(d)));
  return [...new Set([...named, ...failing])].sort(newsDatasetOrder);
}

/** One section per news dataset, in NEWS_DATASETS order; `blocks` are every block of the report, in report order. */
export function newsSections(blocks: readonly Block[], contexts: readonly ExtractiveContext[], failed: readonly TestRecord[]): NewsSection[] {
  return newsDatasets(blocks, contexts, failed).map((dataset) => {
    const own = blocks.filter((b) => b.block?.eval_dataset === dataset);
    const main = own[0]?.main_metric ?? 'rougeL';
    const metrics = tableMetrics('summarization', main);
    const context = contexts.find((c) => c.dataset === dataset);
    const inBlocks = (t: TestRecord) => own.some((b) => testInNewsBlock(t, b.block!, b.family));
    return {
      task: own[0]?.task ?? context?.task ?? 'summarization',
      dataset,
      title: newsDatasetTitle(dataset),
      main_label: METRIC_LABELS[main],
      secondary_labels: metrics.slice(1).map((m) => METRIC_LABELS[m]),
      context: context ? contextView(context, metrics) : null,
      blocks: own,
      failed: failed
        .filter((t) => t.path[0] === newsSuiteName(dataset) && !inBlocks(t))
        .map((t) => ({ name: t.path.slice(1).join(' › '), error: t.errors[0] ?? 'failed' })),
    };
  });
}

/** Whether a failed test is shown in a news section (in one of its blocks or beside them). */
export function inNewsSection(t: TestRecord, sections: readonly NewsSection[]): boolean {
  return sections.some((s) => t.path[0] === newsSuiteName(s.dataset));
}
