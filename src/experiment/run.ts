/**
 * runExperiment: one (task, dataset, base model, PEFT method + hyperparameters, training arguments,
 * seed) end to end — train (or evaluate the untuned base), generate on the test split with one
 * decoding strategy, score, measure, save the adapter — with a disk cache keyed by a hash of
 * everything that determines the result.
 *
 * Cache layout (runs/experiments/<id>-<key>/): result.json, predictions.jsonl, adapter/ (peft format
 * plus formatting.json; a whole HF model for full fine-tuning), train/loss_log.jsonl. A cached entry
 * is reused unless `fresh` is set (PEFT_FRESH=1 in the suites). An entry is computed under a lock
 * (`<entry>.lock`), so two test workers that need the same experiment run it once: the other waits and
 * reads it. A spec with `trained_by` scores another experiment's trained model on its own test data:
 * that experiment is run (or read from the cache) first, under its own id.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { encodeCausal, encodeT5, sharedDatasetDescription, type Example, type Task } from '../data/index.ts';
import { initBackend } from '../engine/backend.ts';
import { loadPretrained } from '../models/hf/loadPretrained.ts';
import type { LanguageModel } from '../models/registry.ts';
import { loadTokenizer, type Tokenizer } from '../models/tokenizers/index.ts';
import { getPeftModel } from '../peft/getPeftModel.ts';
import { getPlugin } from '../peft/plugin.ts';
import { parseTrainingArguments, type TrainingArguments } from '../train/arguments.ts';
import { Progress } from '../train/progress.ts';
import type { TrainExample } from '../train/collate.ts';
import { plannedSteps, Trainer, type TrainResult } from '../train/trainer.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { LoadMeter, type MachineLoadRecord } from '../util/machineLoad.ts';
import { withProcessLock } from '../util/processLock.ts';
import type { BaseModel } from './baseModels.ts';
import { amendCachedResult, cacheDir, readCached, resetCacheDir, writeCached, type PredictionRow } from './cache.ts';
import { corpusFile, loadCorpus } from './taskCorpus.ts';
import { checkTemplateTokens, plainEncoder } from './data.ts';
import { captureEnvironment } from './environment.ts';
import { cometUnavailable, evaluateOutputs, scoreComet } from './evaluate.ts';
import { expectedTrainableParams } from './formulas.ts';
import { loadTrainedModel } from './loadTrained.ts';
import { makeFormatting, saveFormatting, type Formatting } from './savedFormatting.ts';
import { generationPeakMb, trainingStepMemory } from './stepPeakMemory.ts';
import { canonicalJson, hashFile, sha256 } from './hash.ts';
import { predictTexts, type DecodingSpec } from './predict.ts';
import {
  cometScored,
  RESULT_SCHEMA,
  type BlockRecord,
  type CometRecord,
  type DataRecord,
  type ExperimentResult,
  type ParamRecord,
  type TrainingMemoryRecord,
  type TrainingRecord,
} from './results.ts';
import { saveTrained } from './saveTrained.ts';
import { selectExamples, type DomainWeights, type Selection } from './selection.ts';
import { compareOnMainMetric } from './significance.ts';
import { analyseStability, thinCurve } from './stability.ts';
import { promptTruncation } from './truncation.ts';

/** The method name of the untuned base model (evaluated, never trained). */
export const BASE_METHOD = 'base';

export interface ExperimentData {
  /** A dataset name (`opus_books`, `synthetic:translation`, a file) split with CORPUS_SPLIT. */
  name: string;
  /**
   * The dataset whose test split is scored, when it is not `name`: fine-tuned on one corpus, evaluated
   * on another (the news transfer blocks). Its CORPUS_SPLIT test split, as for `name`.
   */
  eval_name?: string;
  dataDir: string | null;
  train_examples: number;
  validation_examples: number;
  test_examples: number;
  max_length: number;
  max_target_length: number;
  /** Decoder-only template (default DEFAULT_CAUSAL_TEMPLATE). */
  template?: string | null;
  /** Sampling weights by domain prefix (src/experiment/selection.ts); absent: the first n of each split. */
  domains?: DomainWeights | null;
  /** Training and validation pairs with a side longer than this many tokens are skipped. */
  max_tokens?: number | null;
}

/** Seeds the domain draw of each split: fixed, so every method and run sees the same examples. */
const SELECTION_SEED = 42;

/** The dataset whose test split `data` is scored on. */
export function evalCorpusName(data: Pick<ExperimentData, 'name' | 'eval_name'>): string {
  return data.eval_name ?? data.name;
}

/** The test examples of `data`: the first n of the (evaluation corpus's) test split, or its domain mix (no token cap). */
export async function selectTestExamples(data: ExperimentData): Promise<Selection> {
  const { splits } = await loadCorpus(evalCorpusName(data), data.dataDir);
  return selectExamples(splits.test, data.test_examples, { domains: data.domains, seed: SELECTION_SEED + 2 });
}

export interface ExperimentRunSpec {
  /** Stable id: `<task>/<family>/<case>`, or `<task>/<family>/<block id>/<case>` in another block. */
  id: string;
  /** The block when it is not the task's main one (labels the result; the data decides the key). */
  block?: BlockRecord;
  order: number;
  label: string;
  hyperparameters: Record<string, number | string | boolean>;
  /** Labels, not part of the key: see ExperimentResult. */
  table_group?: string;
  grid_point?: boolean;
  task: Task;
  profile: string;
  model: BaseModel;
  data: ExperimentData;
  /** A registered PEFT method, or `base` for the untuned model. */
  method: string;
  peft_config: Record<string, unknown>;
  /** transformers TrainingArguments fields; output_dir is set by the runner. */
  training_args: Record<string, unknown>;
  seed: number;
  decoding: DecodingSpec;
  evaluation: { bootstrap_samples: number; examples_shown: number; generation_batch_size: number };
  /**
   * The experiment whose trained model this one scores, instead of training its own (the news transfer
   * blocks score the Debian block's summarizers): same method and base model; this spec's data and
   * decoding decide only what is generated and scored. Its training is recorded as that run's.
   */
  trained_by?: ExperimentRunSpec;
}

export interface ExperimentOutcome {
  result: ExperimentResult;
  /** Test outputs, in test-split order (for paired comparisons). */
  predictions: string[];
  references: string[];
  /** Where the cache entry lives. */
  dir: string;
}

export interface RunOptions {
  /** Ignore (and overwrite) a cached result. */
  fresh?: boolean;
  /** Cache root (default runs/experiments). */
  runsDir?: string;
  /** The untuned base's outcome: fills result.vs_base. */
  baseline?: ExperimentOutcome;
  /** No progress lines on stderr (default: PEFT_QUIET=1 in the environment). */
  quiet?: boolean;
}

function modelHash(dir: string): string {
  return sha256(['config.json', 'model.safetensors', 'tokenizer.json'].map((f) => hashFile(path.join(dir, f))).join(':'));
}

/** The cache key: everything that determines the result, nothing that does not (labels, order). */
export async function experimentKey(spec: ExperimentRunSpec): Promise<string> {
  const backend = await initBackend();
  const file = corpusFile(spec.data.name, spec.data.dataDir);
  const { dataDir: _d, ...data } = spec.data;
  // Only when set, so that the keys of results scored on their training corpus stay what they were.
  const evalFile = spec.data.eval_name ? corpusFile(spec.data.eval_name, spec.data.dataDir) : undefined;
  return sha256(
    canonicalJson({
      schema: RESULT_SCHEMA,
      task: spec.task,
      model: modelHash(spec.model.dir),
      data,
      data_file: file ? hashFile(file) : null,
      ...(spec.data.eval_name ? { eval_data_file: evalFile ? hashFile(evalFile) : null } : {}),
      method: spec.method,
      // The model is identified by its hash; a path to it (prompt tuning's tokenizer) is not content.
      peft_config: Object.fromEntries(Object.entries(spec.peft_config).map(([k, v]) => [k, v === spec.model.dir ? '<model>' : v])),
      training_args: spec.training_args,
      seed: spec.seed,
      decoding: spec.decoding,
      evaluation: spec.evaluation,
      backend: backend.choice,
      ...(spec.trained_by ? { trained_by: await experimentKey(spec.trained_by) } : {}),
    }),
  );
}

const tokenizers = new Map<string, Tokenizer>();
function tokenizerFor(dir: string): Tokenizer {
  let t = tokenizers.get(dir);
  if (!t) tokenizers.set(dir, (t = loadTokenizer(dir)));
  return t;
}

interface SplitData {
  train: TrainExample[];
  validation: TrainExample[];
  test: Example[];
  record: DataRecord;
}

const encodedSplits = new Map<string, Promise<SplitData>>();

/** Where the corpus came from, as the results record it: a shared file says what it is (a sample, a stand-in). */
function originLabel(origin: Awaited<ReturnType<typeof loadCorpus>>['dataset']['origin']): string {
  if (origin.kind === 'synthetic') return `synthetic (${origin.generator}, seed ${origin.seed})`;
  if (origin.kind === 'hub') return `hub ${origin.repo}`;
  const description = origin.kind === 'data-dir' ? sharedDatasetDescription(origin.path) : undefined;
  return description ? `${path.basename(origin.path)}: ${description}` : path.basename(origin.path);
}

/** The evaluation corpus, recorded when it is not the training corpus. */
async function evalRecord(d: ExperimentData): Promise<Pick<DataRecord, 'eval_dataset' | 'eval_origin'>> {
  if (!d.eval_name) return {};
  const { dataset } = await loadCorpus(d.eval_name, d.dataDir);
  return { eval_dataset: dataset.name, eval_origin: originLabel(dataset.origin) };
}

/** The experiment's slice of the corpus split, tokenized as the architecture needs. */
async function encodeSplitData(spec: ExperimentRunSpec, formatting: Formatting, tokenizer: Tokenizer, eos: number | undefined): Promise<SplitData> {
  const d = spec.data;
  const prepared = await loadCorpus(d.name, d.dataDir);
  const { splits } = prepared;
  const encoder = plainEncoder(tokenizer);
  const encode = (examples: Example[]) => {
    if (formatting.encoder_decoder)
      return encodeT5(examples, encoder, {
        maxSourceLength: d.max_length,
        maxTargetLength: d.max_target_length,
        eosTokenId: eos,
        prefix: formatting.prefix,
      });
    checkTemplateTokens(tokenizer, formatting.template);
    return encodeCausal(examples, encoder, { maxLength: d.max_length, template: formatting.template });
  };
  const cap = d.max_tokens;
  const fits = cap ? (e: Example) => encoder.encode(e.source).length <= cap && encoder.encode(e.target).length <= cap : undefined;
  // A run scoring another experiment's trained model records that run's training side (scoredRecord):
  // its own train and validation splits would never be used, so they are not selected or encoded.
  const trains = spec.trained_by === undefined;
  const trainSel = selectExamples(trains ? splits.train : [], d.train_examples, { domains: d.domains, seed: SELECTION_SEED, fits });
  const train = encode(trainSel.examples);
  const validation = encode(
    selectExamples(trains ? splits.validation : [], d.validation_examples, { domains: d.domains, seed: SELECTION_SEED + 1, fits }).examples,
  );
  const testSel = await selectTestExamples(d);
  const test = testSel.examples;
  return {
    train: train.features,
    validation: validation.features,
    test,
    record: {
      dataset: prepared.dataset.name,
      synthetic: prepared.dataset.synthetic,
      origin: originLabel(prepared.dataset.origin),
      train_examples: train.features.length,
      validation_examples: validation.features.length,
      test_examples: test.length,
      corpus_examples: prepared.dataset.examples.length,
      cleaning: { ...prepared.cleaning },
      encode: { ...train.stats },
      selection: {
        domains: d.domains ?? null,
        max_tokens: cap ?? null,
        train_by_domain: trainSel.by_domain,
        test_by_domain: testSel.by_domain,
        exhausted: trainSel.exhausted,
        too_long: trainSel.too_long,
      },
      ...(await evalRecord(d)),
      truncation: promptTruncation(
        formatting,
        encoder,
        eos,
        test.map((e) => e.source),
      ),
    },
  };
}

/** encodeSplitData, memoized: every case of a block trains on the same encoded split. */
function splitData(spec: ExperimentRunSpec, formatting: Formatting, tokenizer: Tokenizer, eos: number | undefined): Promise<SplitData> {
  const key = canonicalJson({ data: spec.data, tok: spec.model.dir, f: formatting, eos, trains: spec.trained_by === undefined });
  let p = encodedSplits.get(key);
  if (!p) {
    p = encodeSplitData(spec, formatting, tokenizer, eos);
    encodedSplits.set(key, p);
    p.catch(() => encodedSplits.delete(key));
  }
  return p;
}

function jsonSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as T;
}

/** Bytes a method holds outside the tensor engine (QLoRA's NF4 weights), from its summary. */
function heldOutsideBytes(summary: Record<string, unknown> | undefined): number {
  const b = summary?.quantized_bytes;
  return typeof b === 'number' ? b : 0;
}

function heldOutsideMb(summary: Record<string, unknown> | undefined): number {
  return heldOutsideBytes(summary) / 2 ** 20;
}

function trainingRecord(
  r: TrainResult,
  args: TrainingArguments,
  trainExamples: number,
  evalBefore: number | null,
  memory: TrainingMemoryRecord,
  summary: Record<string, unknown> | undefined,
): TrainingRecord {
  const points = r.log_history.filter((e) => e.loss !== undefined).map((e) => ({ step: e.step, loss: e.loss! }));
  const evals = r.log_history.filter((e) => e.eval_loss !== undefined);
  return {
    steps: r.global_step,
    batch_size: args.per_device_train_batch_size * args.gradient_accumulation_steps,
    learning_rate: args.learning_rate,
    epochs: r.epochs,
    train_examples: trainExamples,
    first_loss: r.first_loss,
    final_loss: r.final_loss,
    loss_curve: thinCurve(points),
    eval_loss_before: evalBefore,
    eval_loss: evals.at(-1)?.eval_loss ?? null,
    seconds: r.train_seconds,
    seconds_per_epoch: r.seconds_per_epoch,
    tokens_per_s: r.tokens_per_s,
    peak_tensor_mb: memory.peak_mb,
    peak_rss_mb: r.peak_rss_mb,
    memory,
    stability: analyseStability(points.map((p) => p.loss)),
    method_summary: summary ? jsonSafe(summary) : null,
  };
}

/** Fills result.vs_base: the run against the untuned base on the main metric (not for the base itself). */
function withBaseline(spec: ExperimentRunSpec, baseline: ExperimentOutcome | undefined, o: ExperimentOutcome): ExperimentOutcome {
  if (baseline && spec.method !== BASE_METHOD) {
    const b = baseline;
    o.result.vs_base = compareOnMainMetric(
      spec.task,
      { name: b.result.label, hypotheses: b.predictions, main: b.result.quality[b.result.main_metric] },
      { name: o.result.label, hypotheses: o.predictions, main: o.result.quality[o.result.main_metric] },
      o.references,
      spec.evaluation.bootstrap_samples,
    );
  }
  return o;
}

/** Where the run sits in its method's grid (labels only: a cached result takes the spec's current ones). */
function gridLabels(spec: ExperimentRunSpec): Pick<ExperimentResult, 'table_group' | 'grid_point'> {
  return { ...(spec.table_group ? { table_group: spec.table_group } : {}), ...(spec.grid_point ? { grid_point: true } : {}) };
}

/** A cached outcome with the spec's current labels and order, which are not part of the key. */
function cachedOutcome(spec: ExperimentRunSpec, dir: string): ExperimentOutcome | undefined {
  const hit = readCached(dir);
  if (!hit) return undefined;
  const { table_group: _g, grid_point: _p, ...stored } = hit.result;
  const result: ExperimentResult = {
    ...stored,
    id: spec.id,
    ...(spec.block ? { block: spec.block } : {}),
    order: spec.order,
    label: spec.label,
    hyperparameters: spec.hyperparameters,
    ...gridLabels(spec),
    cached: true,
    vs_base: null,
  };
  return { result, predictions: hit.predictions, references: hit.references, dir };
}

/**
 * COMET for a cached translation run. COMET is not in the cache key (configuring a scorer must not
 * retrain anything), so a cached result without a COMET score is scored now when a scorer is
 * configured, and the score is written back to its entry for later runs; without one it states this
 * run's reason. A recorded score is kept whatever scorer is configured later (it names its command).
 */
async function withCachedComet(spec: ExperimentRunSpec, o: ExperimentOutcome): Promise<ExperimentOutcome> {
  if (spec.task !== 'translation' || cometScored(o.result.comet)) return o;
  const unavailable = cometUnavailable();
  const comet: CometRecord | undefined = unavailable ? { not_run: unavailable } : await cometOfCached(spec, o);
  if (cometScored(comet)) amendCachedResult(o.dir, { comet });
  return { ...o, result: { ...o.result, ...(comet ? { comet } : {}) } };
}

/** COMET of cached outputs: the cache keeps no sources, so they come from the test split again, checked against the cached references. */
async function cometOfCached(spec: ExperimentRunSpec, o: ExperimentOutcome): Promise<CometRecord | undefined> {
  const test = (await selectTestExamples(spec.data)).examples;
  if (test.length !== o.references.length || test.some((e, i) => e.target !== o.references[i]))
    return { not_run: `the cached outputs in ${o.dir} do not match the test split any more (PEFT_FRESH=1 reruns the experiment)` };
  const rows = test.map((e, i) => ({ source: e.source, reference: e.target, prediction: o.predictions[i]! }));
  return scoreComet(spec.task, rows, spec.evaluation.bootstrap_samples);
}

/** The models an experiment holds, disposed together whatever happens. */
interface Held {
  model: LanguageModel;
  trainer?: Trainer;
}

interface TrainedMethod {
  training: TrainingRecord;
  params: ParamRecord;
  adapterDir: string;
  summary: Record<string, unknown> | undefined;
}

interface TrainInput {
  spec: ExperimentRunSpec;
  base: LanguageModel;
  data: SplitData;
  formatting: Formatting;
  dir: string;
  quiet: boolean;
}

/** Attaches the method, trains it, records the run and saves what it produced. */
async function trainMethod({ spec, base, data, formatting, dir, quiet }: TrainInput, held: Held): Promise<TrainedMethod> {
  const plugin = getPlugin(spec.method);
  const resolved = plugin.parseConfig({ ...spec.peft_config }, base, `${spec.id}: peft_config`);
  const formula = expectedTrainableParams(spec.method, resolved as unknown as Record<string, unknown>, base);
  const args = parseTrainingArguments({ ...spec.training_args, seed: spec.seed, output_dir: path.join(dir, 'train') }, `${spec.id}: training_args`);
  const peft = getPeftModel(base, spec.method, spec.peft_config, { seed: spec.seed, totalSteps: plannedSteps(args, data.train.length) });
  held.model = peft;
  const counts = peft.paramCounts();
  const params = {
    trainable: counts.trainable_params,
    all: counts.all_params,
    percent: counts.trainable_percent,
    expected_trainable: formula.count,
    formula: formula.formula,
  };
  const trainer = new Trainer(peft, args, data.train, data.validation, [], { quiet, progressLabel: `${spec.id} train` });
  held.trainer = trainer;
  // The held-out loss before any step: with the one after training, a far steadier sign of
  // learning than the first and last training batches of a short run.
  const evalBefore = data.validation.length ? trainer.evaluate() : null;
  const meter = new LoadMeter();
  const r = await trainer.fit();
  const machineLoad = meter.finish();
  const summary = peft.adapter.summary?.();
  const memory = await trainingStepMemory(peft, data.train, args.per_device_train_batch_size, trainer.padId, {
    optimizerState: trainer.optimizer.stateTensors().values(),
    outsideEngineBytes: heldOutsideBytes(summary),
  });
  const training = { ...trainingRecord(r, args, data.train.length, evalBefore, memory, summary), machine_load: machineLoad };
  // Keep the loss log, drop optimizer checkpoints (a full fine-tune's are 3× the model).
  for (const f of readdirSync(args.output_dir)) if (f.startsWith('checkpoint-')) rmSync(path.join(args.output_dir, f), { recursive: true, force: true });
  const adapterDir = path.join(dir, 'adapter');
  saveTrained(peft, adapterDir, spec.model.dir);
  saveFormatting(adapterDir, formatting);
  return { training, params, adapterDir, summary };
}

interface TestRun {
  rows: (PredictionRow & { domain: string | undefined; source: string })[];
  run: ReturnType<typeof predictTexts>;
  inferencePeak: number;
  machineLoad: MachineLoadRecord;
}

/** Generates on the test split, measuring the peak memory of generation first. */
async function generateOnTest(
  spec: ExperimentRunSpec,
  model: LanguageModel,
  tokenizer: Tokenizer,
  formatting: Formatting,
  test: Example[],
  quiet: boolean,
): Promise<TestRun> {
  model.eval();
  const sources = test.map((e) => e.source);
  const inferencePeak = await generationPeakMb(model, tokenizer, formatting, sources, spec.decoding, spec.evaluation.generation_batch_size);
  const generating = new Progress(`${spec.id} generate`, sources.length, { quiet });
  const meter = new LoadMeter();
  const run = predictTexts(model, tokenizer, formatting, sources, {
    decoding: spec.decoding,
    batchSize: spec.evaluation.generation_batch_size,
    onProgress: (done) => generating.update(done, 'outputs'),
  });
  const machineLoad = meter.finish();
  const rows = test.map((e, i) => ({
    id: e.id,
    domain: e.domain,
    source: e.source,
    reference: e.target,
    prediction: run.predictions[i]!.prediction,
    truncated: run.predictions[i]!.truncated,
  }));
  return { rows, run, inferencePeak, machineLoad };
}

interface ResultInput {
  spec: ExperimentRunSpec;
  key: string;
  env: ExperimentResult['env'];
  baseParams: number;
  data: SplitData;
  params: ParamRecord;
  trained: TrainedMethod | undefined;
  test: TestRun;
  evaluation: ReturnType<typeof evaluateOutputs>;
  comet: CometRecord | undefined;
}

function experimentResult({ spec, key, env, baseParams, data, params, trained, test, evaluation, comet }: ResultInput): ExperimentResult {
  const heldMb = heldOutsideMb(trained?.summary);
  const { run, rows } = test;
  return jsonSafe({
    schema: RESULT_SCHEMA,
    id: spec.id,
    key,
    task: spec.task,
    profile: spec.profile,
    ...(spec.block ? { block: spec.block } : {}),
    order: spec.order,
    method: spec.method,
    label: spec.label,
    hyperparameters: spec.hyperparameters,
    ...gridLabels(spec),
    seed: spec.seed,
    model: { family: spec.model.family, name: spec.model.name, origin: spec.model.origin, params: baseParams, random_init: spec.model.random_init },
    data: data.record,
    params,
    training: trained?.training ?? null,
    inference: {
      strategy: spec.decoding.strategy,
      options: { ...spec.decoding },
      examples: rows.length,
      new_tokens: run.new_tokens,
      seconds: run.seconds,
      tokens_per_s: run.tokens_per_s,
      peak_tensor_mb: test.inferencePeak + heldMb,
      held_outside_engine_mb: heldMb,
      machine_load: test.machineLoad,
    },
    quality: evaluation.quality,
    ...(comet ? { comet } : {}),
    main_metric: evaluation.main_metric,
    per_domain: evaluation.per_domain,
    errors: evaluation.errors,
    degeneration: evaluation.degeneration,
    examples: evaluation.examples,
    vs_base: null,
    adapter_dir: trained ? path.relative(REPO_ROOT, trained.adapterDir) : null,
    env,
    cached: false,
  });
}

/** Trains (or reuses the cached result of) one experiment and evaluates it on the test split. */
export async function runExperiment(spec: ExperimentRunSpec, opts: RunOptions = {}): Promise<ExperimentOutcome> {
  await initBackend();
  const started = Date.now();
  const key = await experimentKey(spec);
  const dir = cacheDir(spec.id, key, opts.runsDir);
  // Long runs must never look hung: progress lines unless asked for silence.
  const quiet = opts.quiet ?? process.env.PEFT_QUIET === '1';
  const hit = reusable(spec, dir, opts.fresh === true, started);
  if (hit) return withBaseline(spec, opts.baseline, await withCachedComet(spec, hit));
  mkdirSync(path.dirname(dir), { recursive: true });
  const onWait = (pid: number, ms: number) => {
    if (!quiet) process.stderr.write(`${spec.id} waiting for process ${pid}, which runs the same experiment (${Math.round(ms / 1000)}s)\n`);
  };
  return withProcessLock(
    `${dir}.lock`,
    async () => {
      // Another process may have finished it while this one waited.
      const done = reusable(spec, dir, opts.fresh === true, started);
      if (done) return withBaseline(spec, opts.baseline, await withCachedComet(spec, done));
      return computeExperiment(spec, { key, dir, quiet, opts });
    },
    { onWait },
  );
}

/** The cached outcome, unless a fresh run is asked for and the entry is older than the request. */
function reusable(spec: ExperimentRunSpec, dir: string, fresh: boolean, since: number): ExperimentOutcome | undefined {
  const hit = cachedOutcome(spec, dir);
  if (!hit || !fresh) return hit;
  return (statSync(path.join(dir, 'result.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0) >= since ? hit : undefined;
}

interface ComputeInput {
  key: string;
  dir: string;
  quiet: boolean;
  opts: RunOptions;
}

async function computeExperiment(spec: ExperimentRunSpec, { key, dir, quiet, opts }: ComputeInput): Promise<ExperimentOutcome> {
  const env = await captureEnvironment();
  const source = spec.trained_by ? trainedBy(await runExperiment(spec.trained_by, { fresh: opts.fresh, runsDir: opts.runsDir, quiet })) : undefined;
  const tokenizer = tokenizerFor(spec.model.dir);
  resetCacheDir(dir);
  const base: LanguageModel = source ? loadTrainedModel(spec.model.dir, source.adapterDir, spec.method, spec.peft_config) : loadPretrained(spec.model.dir);
  const baseParams = source ? source.baseParams : base.numParameters();
  const cfg = base.config as { eos_token_id?: number };
  const formatting = makeFormatting(spec.task, base.isEncoderDecoder, { ...spec.data, max_new_tokens: spec.decoding.max_new_tokens }, spec.data.template);
  const split = await splitData(spec, formatting, tokenizer, base.isEncoderDecoder ? cfg.eos_token_id : undefined);
  const data = source ? { ...split, record: scoredRecord(split.record, source.data) } : split;
  const held: Held = { model: base };
  try {
    const trained = source ?? (spec.method !== BASE_METHOD ? await trainMethod({ spec, base, data, formatting, dir, quiet }, held) : undefined);
    const params: ParamRecord = trained?.params ?? { trainable: 0, all: baseParams, percent: 0, expected_trainable: 0, formula: 'untuned: nothing is trained' };
    const test = await generateOnTest(spec, held.model, tokenizer, formatting, data.test, quiet);
    const evaluation = evaluateOutputs(spec.task, test.rows, {
      bootstrapSamples: spec.evaluation.bootstrap_samples,
      examplesShown: spec.evaluation.examples_shown,
    });
    const comet = await scoreComet(spec.task, test.rows, spec.evaluation.bootstrap_samples);
    const result = experimentResult({ spec, key, env, baseParams, data, params, trained, test, evaluation, comet });
    writeCached(dir, test.rows, result);
    return withBaseline(spec, opts.baseline, { result, predictions: test.rows.map((r) => r.prediction), references: test.rows.map((r) => r.reference), dir });
  } finally {
    held.trainer?.dispose();
    held.model.dispose();
  }
}

/** Another experiment's trained model, as the run scoring it records it: that run's training, not a new one. */
interface TrainedElsewhere extends TrainedMethod {
  baseParams: number;
  data: DataRecord;
}

function trainedBy(source: ExperimentOutcome): TrainedElsewhere {
  const r = source.result;
  if (!r.training || !r.adapter_dir) throw new Error(`trained_by ${r.id}: it trains nothing (the untuned base); name a method case`);
  const summary = r.training.method_summary ?? undefined;
  return { training: r.training, params: r.params, adapterDir: path.resolve(REPO_ROOT, r.adapter_dir), summary, baseParams: r.model.params, data: r.data };
}

/** The data record of a run scoring another's trained model: the training side from that run, the test side from this one. */
function scoredRecord(own: DataRecord, trainedOn: DataRecord): DataRecord {
  const selection = own.selection && trainedOn.selection ? { selection: { ...trainedOn.selection, test_by_domain: own.selection.test_by_domain } } : {};
  return { ...own, train_examples: trainedOn.train_examples, validation_examples: trainedOn.validation_examples, encode: trainedOn.encode, ...selection };
}
