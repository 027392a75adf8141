/**
 * News summarization on the shared CNN/DailyMail and XSum samples, reported per dataset: the
 * extractive context (Lead-k and the greedy oracle on the test examples, news-context.test.ts), then
 * every PEFT method on each base model in two settings, one file per model (news-gpt2.test.ts,
 * news-t5.test.ts) — transfer (the Debian summarization block's models, scored on news) and few-shot
 * (fine-tuned on the sample's own small train split). One file per model, so that a session which runs
 * a model's Debian block can run its news blocks next while the cache holds what transfer decodes.
 * Sizes, the article truncation and which cases run (the smoke profile: the reference cases only) come
 * from PEFT_PROFILE (src/experiment/profile.ts, `news`). Without the samples (no ../shared) the blocks
 * are skipped: news results are never made from synthetic text.
 */
import { describe, expect, it } from 'vitest';
import type {} from '../../test/helpers/skip.ts';
import type { ModelFamilyName } from '../../src/experiment/baseModels.ts';
import { newsAvailable, newsBlocks, newsPlan } from '../../src/experiment/newsBlocks.ts';
import { extractiveContext } from '../../src/experiment/newsContext.ts';
import { NEWS_DATASET_INFO, NEWS_DATASETS, newsBlockSuiteName, newsSuiteName, type NewsDataset } from '../../src/experiment/newsDatasets.ts';
import { freshFromEnv, profileFromEnv } from '../../src/experiment/profile.ts';
import { selectTestExamples } from '../../src/experiment/run.ts';
import { experimentDataDir } from '../../src/experiment/taskCorpus.ts';
import { defineBlockTests } from '../shared/experimentSuite.ts';
import { FamilyRuns } from '../shared/familyRuns.ts';
import { NEWS_THRESHOLDS } from './newsThresholds.ts';

/** Skips the dataset's tests, saying why, when its sample is not in the data folder. */
function needsSample(dataset: NewsDataset, dataDir: string | null) {
  if (newsAvailable(dataset, dataDir)) return {};
  return { skip: true, meta: { skipReason: `the ${dataset} sample is not in the data folder (../shared/datasets or PEFT_DATA_DIR)` } };
}

/** Per dataset, the Lead-k and oracle rows the news tables are read against. */
export function defineNewsContext(): void {
  const profile = profileFromEnv();
  const dataDir = experimentDataDir();
  for (const dataset of NEWS_DATASETS)
    describe(newsSuiteName(dataset), needsSample(dataset, dataDir), () => {
      it(
        'extractive context: Lead-k and the greedy oracle',
        async ({ task: t }) => {
          // The few-shot block's test selection: the transfer block scores the same examples.
          const test = (await selectTestExamples(newsPlan({ setting: 'few_shot', dataset }, profile, dataDir).data)).examples;
          const context = extractiveContext(dataset, test, profile.bootstrap_samples);
          t.meta.peftLab = { context };
          const [lead, oracle] = context.rows;
          expect(context.test_examples).toBeGreaterThan(0);
          expect(lead!.sentences).toBeLessThanOrEqual(NEWS_DATASET_INFO[dataset].lead);
          // The oracle picks sentences for ROUGE-1/2 against the reference: below Lead-k means a broken oracle or splitter.
          expect(oracle!.quality.rouge1.score).toBeGreaterThan(lead!.quality.rouge1.score);
        },
        profile.test_timeout_s * 1000,
      );
    });
}

/** Every news block on one base model, under its dataset's describe. */
export function defineNewsBlocks(family: ModelFamilyName): void {
  const profile = profileFromEnv();
  const fresh = freshFromEnv();
  const dataDir = experimentDataDir();
  for (const dataset of NEWS_DATASETS)
    describe(newsSuiteName(dataset), needsSample(dataset, dataDir), () => {
      for (const block of newsBlocks().filter((b) => b.dataset === dataset)) {
        const plan = newsPlan(block, profile, dataDir);
        // The report finds each block's tests by these names (newsBlockSuiteName).
        describe(newsBlockSuiteName(plan.block!.title, family), () => {
          const runs = new FamilyRuns({ task: 'summarization', family, profile, fresh, dataDir, plan });
          defineBlockTests(runs, NEWS_THRESHOLDS, { decoding: false });
        });
      }
    });
}
