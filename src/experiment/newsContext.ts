/**
 * The extractive context rows of a news test set: Lead-k (Lead-3 for CNN/DailyMail, Lead-1 for XSum)
 * and the greedy extractive oracle (src/metrics/extractive.ts), on exactly the test examples the news
 * blocks score, with the same metrics and settings as the systems (ROUGE: rouge-score with the Porter
 * stemmer). Papers print ROUGE-L as ROUGE-Lsum over one sentence per line; the systems' outputs and the
 * cleaned references are single lines, so each row also carries that number for comparison with the
 * papers' Lead-3 and oracle.
 */
import type { Example } from '../data/index.ts';
import { greedyOracle, leadSentences } from '../metrics/extractive.ts';
import { rougeScorer } from '../metrics/rouge.ts';
import { ROUGE_DEFAULT_SEED, rougeBootstrapAggregate } from '../metrics/rougeBootstrap.ts';
import { sentencePerLine, splitSentences } from '../metrics/sentenceSplit.ts';
import { rougeFor, scoreQuality } from './evaluate.ts';
import { NEWS_DATASET_INFO, type NewsDataset } from './newsDatasets.ts';
import type { ContextRow, ExtractiveContext, ScoreWithCi } from './results.ts';

const NOTE =
  'sentences split by src/metrics/sentenceSplit.ts; Lead-k and the oracle read the whole article, not the models’ truncated input; ' +
  'the oracle adds sentences greedily while the mean of ROUGE-1 and ROUGE-2 F (stemmed) against the reference rises';

/** ROUGE-Lsum (×100, 95% bootstrap interval) with one sentence per line on both sides. */
function rougeLsumBySentence(summaries: readonly string[][], refs: readonly string[], nSamples: number): ScoreWithCi {
  const scorer = rougeFor('summarization');
  const perSegment = summaries.map((s, i) => scorer.score(sentencePerLine(refs[i]!), s.join('\n')));
  const agg = rougeBootstrapAggregate(perSegment, { nSamples, seed: ROUGE_DEFAULT_SEED }).rougeLsum!;
  const mean = (100 * perSegment.reduce((sum, r) => sum + r.rougeLsum!.fmeasure, 0)) / perSegment.length;
  return { score: mean, low: 100 * agg.low.fmeasure, high: 100 * agg.high.fmeasure };
}

function contextRow(label: string, system: ContextRow['system'], summaries: string[][], refs: string[], nSamples: number): ContextRow {
  const sentences = summaries.reduce((n, s) => n + s.length, 0) / summaries.length;
  return {
    label,
    system,
    sentences,
    quality: scoreQuality(
      'summarization',
      summaries.map((s) => s.join(' ')),
      refs,
      nSamples,
    ),
    rougeLsum_sentences: rougeLsumBySentence(summaries, refs, nSamples),
  };
}

/** Lead-k and oracle rows for `test` (the news blocks' test examples of `dataset`). */
export function extractiveContext(dataset: NewsDataset, test: readonly Example[], bootstrapSamples: number): ExtractiveContext {
  const k = NEWS_DATASET_INFO[dataset].lead;
  const objective = rougeScorer({ types: ['rouge1', 'rouge2'], useStemmer: true });
  const articles = test.map((e) => splitSentences(e.source));
  const refs = test.map((e) => e.target);
  const lead = articles.map((s) => leadSentences(s, k));
  const oracle = articles.map((s, i) => greedyOracle(s, refs[i]!, objective).sentences);
  return {
    task: 'summarization',
    dataset,
    test_examples: test.length,
    rows: [contextRow(`Lead-${k}`, 'lead', lead, refs, bootstrapSamples), contextRow('extractive oracle', 'oracle', oracle, refs, bootstrapSamples)],
    note: NOTE,
  };
}
