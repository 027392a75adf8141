/**
 * The news summarization corpora of the shared folder, by their Hugging Face dataset names: CNN/DailyMail
 * (article → 3–4 highlight sentences) and XSum (BBC article → its one-sentence summary). Only samples are
 * shared (320 and 200 articles), so the experiments on them are the low-data case, and their test sets
 * are the CORPUS_SPLIT test splits of the samples (src/data/corpusSplit.ts).
 */

export const NEWS_DATASETS = ['cnn_dailymail', 'xsum'] as const;
export type NewsDataset = (typeof NEWS_DATASETS)[number];

export interface NewsDatasetInfo {
  /** As papers name it. */
  title: string;
  /** The Lead-k baseline papers report: Lead-3 for CNN/DM (See et al. 2017), Lead-1 for XSum (Narayan et al. 2018). */
  lead: number;
}

export const NEWS_DATASET_INFO: Readonly<Record<NewsDataset, NewsDatasetInfo>> = {
  cnn_dailymail: { title: 'CNN/DailyMail', lead: 3 },
  xsum: { title: 'XSum', lead: 1 },
};

export function isNewsDataset(name: string): name is NewsDataset {
  return (NEWS_DATASETS as readonly string[]).includes(name);
}

/** The dataset as papers name it (its own name when it is not a news dataset). */
export function newsDatasetTitle(name: string): string {
  return isNewsDataset(name) ? NEWS_DATASET_INFO[name].title : name;
}

/**
 * The suite's describe of one news dataset (suites/summarization/newsSuite.ts), and of one block on one
 * model family inside it: the report finds a block's failed tests by these names.
 */
export function newsSuiteName(dataset: string): string {
  return `summarization · ${newsDatasetTitle(dataset)}`;
}

export function newsBlockSuiteName(blockTitle: string, family: string): string {
  return `${blockTitle} · ${family}`;
}
