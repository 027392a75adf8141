/**
 * Text-generation metrics with the numbers of sacrebleu 2.6.0 and rouge-score 0.1.2.
 *
 * We hand-wrote these because no npm package reproduces them: there is no port of sacrebleu, and
 * `rouge` / `js-rouge` tokenize and stem differently from rouge-score, so their numbers would not be
 * the ones users compare against. Parity is checked against ../shared/golden/metrics.
 *
 * sacrebleu metrics follow its API: `new BLEU(opts).corpusScore(hyps, refStreams)` or the
 * `corpusBleu` / `sentenceBleu` helpers; references use sacrebleu's stream layout (see
 * `toReferenceStreams` for per-segment lists). ROUGE follows rouge-score: `rougeScorer(opts).score(target, prediction)`.
 */

export { BLEU, computeBleu, corpusBleu, sentenceBleu, SMOOTH_DEFAULTS } from './bleu.ts';
export type { BleuOptions, BleuScore, BleuValues, SmoothMethod } from './bleu.ts';
export { BLEU_TOKENIZERS, bleuTokenizer, tokenizeChar, tokenizeIntl } from './bleuTokenizers.ts';
export type { BleuTokenizerName } from './bleuTokenizers.ts';
export { tokenize13a } from './tokenizer13a.ts';
export { CHRF, corpusChrf, sentenceChrf } from './chrf.ts';
export type { ChrfOptions, ChrfScore, ChrfValues } from './chrf.ts';
export { TER, corpusTer, sentenceTer } from './ter.ts';
export type { TerOptions, TerScore, TerValues } from './ter.ts';
export { tercomTokenize } from './terTokenizer.ts';
export { translationEditRate } from './terEditRate.ts';
export { SacreMetric, sumStatistics, toReferenceStreams } from './sacreMetric.ts';
export type { AnySacreMetric, Confidence, CorpusStatistics, ReferenceStreams, ScoreMeta, Scored } from './sacreMetric.ts';
export {
  bootstrapResampleIndices,
  estimateCi,
  estimateCiNumpy,
  SACREBLEU_DEFAULT_SEED,
} from './bootstrap.ts';
export type { BootstrapOptions, ConfidenceEstimate } from './bootstrap.ts';
export { pairedApproxRandomization, pairedBootstrap } from './pairedTests.ts';
export type { PairedArOptions, PairedBootstrapOptions, PairedMetricResult, PairedSystem, PairedSystemResult } from './pairedTests.ts';
export { DEFAULT_ROUGE_TYPES, fmeasure, rougeScorer } from './rouge.ts';
export type { RougeScore, RougeScorer, RougeScorerOptions, RougeType } from './rouge.ts';
export { defaultRougeTokenizer, ROUGE_TOKENIZERS, rougeTokenizer, unicodeRougeTokenizer } from './rougeTokenizer.ts';
export type { RougeTokenizer, RougeTokenizerName } from './rougeTokenizer.ts';
export { ROUGE_DEFAULT_SEED, rougeBootstrapAggregate } from './rougeBootstrap.ts';
export type { RougeAggregate, RougeBootstrapOptions } from './rougeBootstrap.ts';
export { porterStem } from './porterStemmer.ts';
export { sentencePerLine, splitSentences } from './sentenceSplit.ts';
export { greedyOracle, leadSentences, oracleObjective } from './extractive.ts';
export type { OracleSelection } from './extractive.ts';
export { cometScore, findExecutable, parseCometOutput } from './comet.ts';
export type { CometInput, CometOptions, CometResult } from './comet.ts';
export {
  formatSignature,
  PEFT_LAB_VERSION,
  ROUGE_SCORE_COMPAT,
  SACREBLEU_COMPAT,
  SIGNATURE_VERSION,
} from './signature.ts';
export type { SignatureFields, SignatureValue } from './signature.ts';
export { NumpyGenerator } from './numpyPcg64.ts';
export { LegacyRandomState } from './numpyMt19937.ts';
