/**
 * The news summarization blocks: every method case on each base model, reported per dataset.
 *
 * - transfer: the summarization block's models, fine-tuned on the Debian volume corpus, scored on the
 *   CNN/DailyMail or XSum test split — does a summarizer trained where data is plentiful carry over to
 *   news? Each is trained once, as the Debian block's case (trained_by), and only decoded here.
 * - few_shot: fine-tuned on the news corpus's own small train split (the CORPUS_SPLIT train split of
 *   the shared sample, seeded like every split), scored on its test split — the low-data case where
 *   PEFT is often chosen.
 *
 * Both settings of one dataset score the same test examples with the same article truncation and
 * decoding length, so their rows compare directly, and the extractive context rows
 * (src/experiment/newsContext.ts) are computed on those examples too. Train and test come from the one
 * CORPUS_SPLIT that the base models' pretraining respected, so no test article was seen in pretraining.
 */
import { resolveInDataDir } from '../data/index.ts';
import { mainPlan, type BlockPlan } from './blockSpec.ts';
import { NEWS_DATASET_INFO, NEWS_DATASETS, type NewsDataset } from './newsDatasets.ts';
import type { Profile } from './profile.ts';
import type { BlockRecord } from './results.ts';
import { taskCorpus } from './taskCorpus.ts';

export type NewsSetting = BlockRecord['setting'];
export const NEWS_SETTINGS: readonly NewsSetting[] = ['transfer', 'few_shot'];

export interface NewsBlock {
  setting: NewsSetting;
  dataset: NewsDataset;
}

/** Every news block, datasets first (the report's per-dataset sections), then settings. */
export function newsBlocks(): NewsBlock[] {
  return NEWS_DATASETS.flatMap((dataset) => NEWS_SETTINGS.map((setting) => ({ setting, dataset })));
}

/** Whether the data folder holds the dataset's sample: news blocks run on the real sample only, never synthetic text or a download. */
export function newsAvailable(dataset: NewsDataset, dataDir: string | null): boolean {
  return dataDir !== null && resolveInDataDir(dataset, dataDir) !== undefined;
}

/** The block's record: its id, title and corpora. */
export function newsBlockRecord(b: NewsBlock, dataDir: string | null): BlockRecord {
  const train = b.setting === 'transfer' ? taskCorpus('summarization', dataDir) : b.dataset;
  const setting = b.setting === 'transfer' ? `transfer from ${train}` : 'few-shot';
  return {
    id: `news-${b.setting}-${b.dataset}`,
    title: `${NEWS_DATASET_INFO[b.dataset].title} · ${setting}`,
    setting: b.setting,
    train_dataset: train,
    eval_dataset: b.dataset,
  };
}

/** The block's data, training budget and decoding length (see the module comment). */
export function newsPlan(b: NewsBlock, profile: Profile, dataDir: string | null): BlockPlan {
  const news = profile.news;
  const target = news.targets[b.dataset];
  const record = newsBlockRecord(b, dataDir);
  const transfer = b.setting === 'transfer';
  const train = transfer ? profile.sizes.summarization : news.few_shot;
  return {
    block: record,
    data: {
      name: record.train_dataset,
      ...(transfer ? { eval_name: b.dataset } : {}),
      dataDir,
      train_examples: train.train_examples,
      validation_examples: train.validation_examples,
      test_examples: news.test_examples,
      max_length: news.max_length,
      // T5's training targets: the synopses it is fine-tuned on in transfer, the news summaries in few-shot.
      max_target_length: transfer ? profile.sizes.summarization.max_target_length : target.max_target_length,
    },
    max_steps: train.max_steps,
    batch_size: train.batch_size,
    max_new_tokens: target.max_new_tokens,
    ...(news.cases === 'all' ? {} : { cases: news.cases }),
    ...(transfer ? { trained_by: mainPlan('summarization', profile, dataDir) } : {}),
  };
}
