/**
 * What one experiment records: the contract between the experiment runner, the suites (which attach
 * it to the test's `meta`), the cache on disk and the report. Plain JSON only: it travels through
 * vitest's worker RPC and its blob files (sharded runs), so no class instances, no Maps, no NaN
 * (non-finite numbers are written as null by JSON; we keep them out on purpose).
 */
import type { Task } from '../data/index.ts';
import type { MachineLoadRecord } from '../util/machineLoad.ts';

/** Bumped whenever the meaning or shape of a result changes: older cache entries are then recomputed. */
export const RESULT_SCHEMA = 7;

/** A score (0–100 scale for every metric) with its 95% bootstrap interval. */
export interface ScoreWithCi {
  score: number;
  low: number;
  high: number;
}

export type MetricName = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum' | 'bleu' | 'sentence_bleu' | 'chrf' | 'chrfpp';

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  rouge1: 'ROUGE-1',
  rouge2: 'ROUGE-2',
  rougeL: 'ROUGE-L',
  rougeLsum: 'ROUGE-Lsum',
  bleu: 'BLEU',
  sentence_bleu: 'mean sentence BLEU',
  chrf: 'chrF',
  chrfpp: 'chrF++',
};

export type Quality = Record<MetricName, ScoreWithCi>;

/**
 * COMET of a translation run's test outputs, from an external scorer (src/metrics/comet.ts): its
 * system score on the scorer's own scale (wmt22-comet-da: about 0–1, not ×100 like the metrics
 * above) with a 95% percentile bootstrap interval over its segment scores, and the command that
 * scored it. Or why it was not run: COMET is never approximated.
 */
export type CometRecord = CometScore | { not_run: string };

export interface CometScore extends ScoreWithCi {
  command: string;
}

export function cometScored(c: CometRecord | undefined): c is CometScore {
  return c !== undefined && !('not_run' in c);
}

export interface DomainQuality {
  /** The text type (a group of `domain` values, see textTypes.ts). */
  domain: string;
  examples: number;
  main: ScoreWithCi;
}

export interface ErrorAnalysis {
  outputs: number;
  empty: number;
  /** Translation into Russian: Latin-script words in the output that the reference does not contain. */
  untranslated_latin: { words: number; outputs: number } | null;
  /** Outputs with a word 3-gram repeated, or one word three times in a row. */
  repetitions: number;
  /** Generation stopped at max_new_tokens without an end-of-sequence token. */
  truncated: number;
  /** Numbers (digit groups) in the output that the source does not contain. */
  numbers_not_in_source: { numbers: number; outputs: number };
  /** Output length / reference length in characters: mean, and outputs under 0.5× or over 2×. */
  length_ratio: { mean: number; too_short: number; too_long: number };
  /** Outputs identical to the source (nothing translated / summarised). */
  copied_source: number;
  /** Distinct outputs (a collapsed model writes the same few lines for every input). */
  distinct_outputs: number;
}

export interface ExampleOutput {
  id: string;
  domain: string;
  source: string;
  reference: string;
  prediction: string;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface StabilityNote {
  verdict: 'stable' | 'noisy' | 'diverged' | 'flat';
  /** Mean loss of the first and last 20% of steps. */
  start_loss: number;
  end_loss: number;
  /** 1 − end/start. */
  relative_drop: number;
  /** Step-to-step noise (std estimated from second differences) over the second half, relative to its mean loss. */
  noise: number;
  /** Steps whose loss exceeds 1.5× the running EMA. */
  spikes: number;
  non_finite: number;
}

export interface TrainingRecord {
  steps: number;
  batch_size: number;
  learning_rate: number;
  epochs: number;
  train_examples: number;
  first_loss: number;
  final_loss: number;
  /** Every step's loss, thinned to at most 200 points (first and last kept). */
  loss_curve: LossPoint[];
  /** Loss on the held-out validation examples before and after training (null without them). */
  eval_loss_before: number | null;
  eval_loss: number | null;
  seconds: number;
  seconds_per_epoch: number;
  tokens_per_s: number;
  peak_tensor_mb: number;
  peak_rss_mb: number;
  /** What peak_tensor_mb is made of (absent in results recorded before the split was measured). */
  memory?: TrainingMemoryRecord;
  /** What else used the CPU while training was timed (absent in results recorded before it was measured). */
  machine_load?: MachineLoadRecord;
  stability: StabilityNote;
  /** Method-specific facts (AdaLoRA's final rank pattern, QLoRA's bytes held in NF4). */
  method_summary: Record<string, unknown> | null;
}

/**
 * A training step's peak memory by part (src/experiment/stepPeakMemory.ts), in MB. weights_mb,
 * optimizer_mb, other_mb and activations_mb sum to peak_mb, which is the record's peak_tensor_mb.
 */
export interface TrainingMemoryRecord {
  /** Every model weight, base and adapter: float tensors in the engine plus NF4 bytes held outside it. */
  weights_mb: number;
  /** Of weights_mb, the weights the optimizer updates. */
  trainable_mb: number;
  /** The tensors the optimizer keeps between steps (AdamW's first and second moments). */
  optimizer_mb: number;
  /** Tensors live before the step that are neither weights nor optimizer state (held elsewhere in the process). */
  other_mb: number;
  /** The step's peak over what was live before it: activations kept for the backward pass, gradients and temporaries. */
  activations_mb: number;
  /** The gradients the step returns: part of activations_mb (live at its end), not added to the peak. */
  gradients_mb?: number;
  peak_mb: number;
}

export interface InferenceRecord {
  strategy: string;
  /** Decoding options as transformers' GenerationConfig names them. */
  options: Record<string, number | string | boolean>;
  examples: number;
  new_tokens: number;
  seconds: number;
  tokens_per_s: number;
  peak_tensor_mb: number;
  /** Bytes the method holds outside the tensor engine (QLoRA's NF4 weights), included in peak_tensor_mb. */
  held_outside_engine_mb: number;
  /** What else used the CPU while generation was timed (absent in results recorded before it was measured). */
  machine_load?: MachineLoadRecord;
}

export interface ParamRecord {
  trainable: number;
  all: number;
  percent: number;
  /** The count the method's formula gives from the config and the layer shapes (null: no formula). */
  expected_trainable: number | null;
  formula: string;
}

export interface Significance {
  /** The system compared against (e.g. `base`, `lora r=8 α=16`). */
  against: string;
  metric: MetricName;
  delta: number;
  p_value: number;
  /** The two 95% intervals do not overlap. */
  ci_separated: boolean;
}

export interface DataRecord {
  dataset: string;
  synthetic: boolean;
  origin: string;
  train_examples: number;
  validation_examples: number;
  test_examples: number;
  /** Examples after cleaning (the whole corpus), and what cleaning did. */
  corpus_examples: number;
  cleaning: Record<string, unknown>;
  encode: Record<string, unknown> | null;
  /** How examples were chosen (src/experiment/selection.ts); absent in results from before it existed. */
  selection?: SelectionRecord;
  /** The corpus whose test split was scored, when it is not `dataset` (trained on one corpus, evaluated on another). */
  eval_dataset?: string;
  eval_origin?: string;
  /** How much of each test source the model read (absent in results from before it was recorded). */
  truncation?: TruncationRecord;
}

/** Source truncation at generation: what a report states as "articles cut to their first N tokens". */
export interface TruncationRecord {
  /** Prompt tokens the model reads: T5's task prefix + source + end-of-sequence; decoder-only template + source. */
  max_prompt_tokens: number;
  /** Of those, tokens left for the source text (the rest is template or prefix); the source is cut from its end. */
  max_source_tokens: number;
  /** Test sources longer than that (cut), and the median length of a test source, in the model's tokens. */
  test_sources_cut: number;
  test_source_tokens_median: number;
}

export interface SelectionRecord {
  /** Sampling weights by domain prefix; null: the first n examples of each split. */
  domains: Record<string, number> | null;
  /** Token cap on each side of a training pair; null: none. */
  max_tokens: number | null;
  train_by_domain: Record<string, number>;
  test_by_domain: Record<string, number>;
  /** Domain keys whose training examples ran out. */
  exhausted: string[];
  /** Training pairs skipped for the token cap. */
  too_long: number;
}

export interface EnvironmentRecord {
  cpu: string;
  cores: number;
  memory_gb: number;
  platform: string;
  node: string;
  backend: string;
  tfjs: string;
  kernels: number;
  peft_lab: string;
  vitest: string;
  git_commit: string;
  git_dirty: boolean;
}

export interface ModelRecord {
  /** `gpt2` or `t5` (the describe block). */
  family: string;
  /** The directory's name (`gpt2-micro`, `t5-small`, `smoke-gpt2-…`). */
  name: string;
  /** How it came about: a committed fixture, built for this run from a preset, or a user directory. */
  origin: 'fixture' | 'built' | 'user';
  params: number;
  /** True for a random-init model built on the spot (smoke runs without fixtures). */
  random_init: boolean;
}

/** Collapsed outputs (src/experiment/degeneration.ts). */
export interface DegenerationProfile {
  outputs: number;
  empty: number;
  /** Outputs of 3+ words where one word is more than half of them. */
  one_word_dominant: number;
  /** empty + one_word_dominant */
  degenerate: number;
  degenerate_rate: number;
  distinct_outputs: number;
  /** distinct outputs / inputs: 1 when every input gets its own output, near 0 for collapse onto stock outputs. */
  distinct_per_input: number;
}

/**
 * A suite block other than its task's main one: the news summarization blocks (src/experiment/newsBlocks.ts).
 * The report keeps each block's results, comparisons and skips apart by `id`.
 */
export interface BlockRecord {
  /** `news-few_shot-cnn_dailymail`. */
  id: string;
  /** `few-shot · CNN/DailyMail`. */
  title: string;
  /** transfer: fine-tuned on another corpus; few_shot: on the small train split of the corpus scored. */
  setting: 'transfer' | 'few_shot';
  train_dataset: string;
  eval_dataset: string;
}

/** One experiment's outcome, as attached to the test's meta and cached on disk. */
export interface ExperimentResult {
  schema: number;
  /** Stable id: `<task>/<family>/<case>`, or `<task>/<family>/<block id>/<case>` in another block. */
  id: string;
  /** The block when it is not the task's main one (absent: the main block). */
  block?: BlockRecord;
  /** Hash of everything that determines the result (the cache key). */
  key: string;
  task: Task;
  profile: string;
  /** Position in the suite's grid: the report orders rows by it, not by arrival. */
  order: number;
  method: string;
  /** Display name, e.g. `LoRA r=8 α=16`. */
  label: string;
  hyperparameters: Record<string, number | string | boolean>;
  /** The report's main table shows the best run of each group (absent: the method is the group). */
  table_group?: string;
  /** A further point of its method's grid, beside the method's main setting. */
  grid_point?: boolean;
  seed: number;
  model: ModelRecord;
  data: DataRecord;
  params: ParamRecord;
  /** null for the untuned base. */
  training: TrainingRecord | null;
  inference: InferenceRecord;
  quality: Quality;
  /**
   * Translation only. Optional without a schema bump: results from before it existed (cache entries,
   * earlier reports' data) stay valid and read as not run; it is not part of the cache key either.
   */
  comet?: CometRecord;
  main_metric: MetricName;
  per_domain: DomainQuality[];
  errors: ErrorAnalysis;
  degeneration: DegenerationProfile;
  examples: ExampleOutput[];
  /** Against the untuned base on the main metric (null for the base itself). */
  vs_base: Significance | null;
  /** Where the adapter (or fully fine-tuned model) was saved, relative to the repository root. */
  adapter_dir: string | null;
  env: EnvironmentRecord;
  /** True when this result was read from the cache rather than computed in this run. */
  cached: boolean;
}

/** A grid point that did not run, with the reason (e.g. the method is not registered). */
export interface SkippedExperiment {
  id: string;
  task: Task;
  order: number;
  method: string;
  label: string;
  model_family: string;
  reason: string;
  block?: BlockRecord;
}

/** Paired comparisons of every method in one (task, model) block against the reference systems. */
export interface BlockComparison {
  task: Task;
  model_family: string;
  block?: BlockRecord;
  metric: MetricName;
  /** id of the reference system → id of the compared system → result. */
  against: Record<string, Record<string, Significance>>;
}

export interface DecodingRow {
  experiment_id: string;
  label: string;
  strategy: string;
  options: Record<string, number | string | boolean>;
  main: ScoreWithCi;
  bleu: ScoreWithCi;
  chrf: ScoreWithCi;
  rougeL: ScoreWithCi;
  tokens_per_s: number;
  seconds: number;
  /** Test examples decoded (the first n of the test split); absent in rows recorded before it was. */
  examples?: number;
  /** Decoded as the main tables are (the row the others are compared with); absent in older rows. */
  main_decoding?: boolean;
}

export interface DecodingComparison {
  task: Task;
  model_family: string;
  metric: MetricName;
  rows: DecodingRow[];
}

/** One extractive reference point scored like a system (src/experiment/newsContext.ts). */
export interface ContextRow {
  /** `Lead-3`, `extractive oracle`. */
  label: string;
  system: 'lead' | 'oracle';
  /** Sentences per summary: k for Lead-k, the mean number selected for the oracle. */
  sentences: number;
  /** Every metric as the systems of the block are scored (same references, same settings). */
  quality: Quality;
  /** ROUGE-Lsum with one sentence per line on both sides: the number papers print as ROUGE-L. */
  rougeLsum_sentences: ScoreWithCi;
}

/** The extractive context of one news test set: what the report prints above the systems scored on it. */
export interface ExtractiveContext {
  task: Task;
  dataset: string;
  test_examples: number;
  rows: ContextRow[];
  /** How the rows were made (sentence splitter, oracle objective, whole articles). */
  note: string;
}

/** What a suite test attaches to `task.meta.peftLab`: exactly one of the fields is set. */
export interface SuiteMeta {
  experiment?: ExperimentResult;
  skipped?: SkippedExperiment;
  comparison?: BlockComparison;
  decoding?: DecodingComparison;
  context?: ExtractiveContext;
}
