/**
 * The dataset layer: sources (local files, the shared data folder, the Hugging Face Hub's parquet
 * export, the embedded synthetic generator), normalisation into Examples, cleaning with counted
 * steps, seeded stratified splits, and encoding into token ids and labels for decoder-only and T5
 * models (a prompt template or T5's task prefix, then the tokenizer).
 */
export type { Dataset, DatasetOrigin, Example, SchemaName, Task } from './types.ts';
export { loadDataset, loadDefaultDataset, DEFAULT_REAL_DATASETS, type LoadOptions } from './load.ts';
export { prepareDataset, prepareLoaded, type PreparedDataset } from './prepare.ts';
export { readRecords, isDataFileName, DATA_FILE_EXTENSIONS } from './readers/readRecords.ts';
export { normalizeRecords, detectSchema, type SchemaOptions } from './schema.ts';
export { resolveInDataDir, dataDirFromEnv, HUB_IDS, knownDataDirIds, sharedDatasetDescription } from './dataDir.ts';
export { fetchHubParquet, parseHubId, defaultCacheDir, defaultEndpoint, hubOfflineFromEnv, type HubOptions, type HubFiles, type HubId } from './hub.ts';
export { downloadFile, HttpStatusError, type DownloadOptions, type DownloadResult } from './download.ts';
export { cleanExamples, DEFAULT_LENGTH_LIMITS, type CleanOptions, type CleaningSummary } from './clean/clean.ts';
export { decodeHtmlEntities } from './clean/htmlEntities.ts';
export { looksPtbTokenized, ptbDetokenize } from './clean/ptb.ts';
export { collapseWhitespace, stripControlChars, toNfc } from './clean/text.ts';
export { splitExamples, type SplitOptions, type Splits } from './split.ts';
export {
  DEFAULT_CAUSAL_TEMPLATE,
  encodeCausal,
  encodeCausalPrompt,
  formatCausalText,
  parseCausalTemplate,
  templateSpecialTokens,
  type CausalEncodeOptions,
  type CausalFeatures,
  type CausalTemplate,
} from './encode/causal.ts';
export { encodeT5, formatT5Text, t5Prefix, type Seq2SeqFeatures, type T5EncodeOptions, type T5PrefixOptions } from './encode/t5.ts';
export { IGNORE_INDEX, type EncodeStats, type TargetOverflow, type TokenEncoder } from './encode/tokenEncoder.ts';
export { generateTranslationPairs, generateSentence, PATTERN_NAMES, type GeneratedSentence } from './synthetic/translation.ts';
export { generateNewsItems, generateNewsItem, NEWS_FRAMES } from './synthetic/news.ts';
export { corpusSummaries, summarizeCorpus, type CorpusSummary } from './summary.ts';
