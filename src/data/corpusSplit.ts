/**
 * The one corpus split every part of the project uses: the experiment suites fine-tune on its train
 * split and score on its test split, and base-model pretraining (src/pretrain) reads only its train
 * split, so no base model has seen a validation or test example of any suite.
 *
 * The split is made on the whole cleaned corpus (default cleaning, no `limit`): a split of the head of
 * a corpus is a different split. Callers that want fewer examples take the first k of each split
 * (the splits are shuffled, so a prefix is a fair sample).
 */
import type { CleanOptions } from './clean/clean.ts';
import { prepareDataset, type PreparedDataset } from './prepare.ts';
import type { SplitOptions } from './split.ts';

export const CORPUS_SPLIT: Readonly<Required<Pick<SplitOptions, 'seed' | 'test' | 'validation'>>> = Object.freeze({
  seed: 42,
  test: 0.2,
  validation: 0.05,
});

/** Loads, cleans (default steps) and splits corpus `name` with CORPUS_SPLIT. */
export async function corpusSplits(name: string, opts: { dataDir?: string | null; clean?: CleanOptions } = {}): Promise<PreparedDataset> {
  return prepareDataset(name, { load: { dataDir: opts.dataDir }, clean: opts.clean, split: { ...CORPUS_SPLIT } });
}
