import { cleanExamples, type CleanOptions, type CleaningSummary } from './clean/clean.ts';
import { loadDataset, type LoadOptions } from './load.ts';
import { splitExamples, type SplitOptions, type Splits } from './split.ts';
import type { Dataset } from './types.ts';

export interface PreparedDataset {
  dataset: Dataset;
  cleaning: CleaningSummary;
  splits: Splits;
}

/** load → clean → split in one call: what an experiment needs before tokenization. */
export async function prepareDataset(name: string, opts: { load?: LoadOptions; clean?: CleanOptions; split: SplitOptions }): Promise<PreparedDataset> {
  const dataset = await loadDataset(name, opts.load);
  return prepareLoaded(dataset, opts);
}

/** clean → split for a dataset already loaded (e.g. from loadDefaultDataset). */
export function prepareLoaded(dataset: Dataset, opts: { clean?: CleanOptions; split: SplitOptions }): PreparedDataset {
  const { examples, summary } = cleanExamples(dataset.examples, { label: dataset.name, ...opts.clean });
  return { dataset: { ...dataset, examples }, cleaning: summary, splits: splitExamples(examples, opts.split) };
}
