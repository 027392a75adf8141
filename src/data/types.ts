/**
 * The common example type every source is normalised into. Translation pairs keep the source
 * language in `source` (English for opus_books en-ru) and summarization keeps the document there.
 */
export type { Task } from '../util/task.ts';
import type { Task } from '../util/task.ts';

export interface Example {
  /** Unique within its dataset (duplicated ids in a file get a `#k` suffix at load time). */
  id: string;
  /** Origin corpus or text type (`wmt-newstest2019`, `cnndm-test-frank`, `synthetic`, ...); reports break quality down by it. */
  domain?: string;
  source: string;
  target: string;
  task: Task;
}

/** The schemas we know by their Hugging Face dataset-card names, plus plain source/target columns. */
export type SchemaName = 'opus_books' | 'cnn_dailymail' | 'xsum' | 'source_target';

/** Where a dataset came from: reports print this so nobody mistakes synthetic or cached data for something else. */
export type DatasetOrigin =
  | { kind: 'file'; path: string }
  | { kind: 'data-dir'; path: string; id: string }
  | { kind: 'hub'; repo: string; config: string; split: string; files: string[] }
  | { kind: 'synthetic'; generator: 'translation' | 'news'; seed: number };

export interface Dataset {
  /** The name the user asked for (`hf:EdinburghNLP/xsum`, `data/pairs.csv`, `opus_books`, ...). */
  name: string;
  task: Task;
  schema: SchemaName;
  examples: Example[];
  origin: DatasetOrigin;
  /** True for the embedded generator: every report that shows its results must say so. */
  synthetic: boolean;
}
