/**
 * `peft-lab pretrain`: trains the shared tokenizer, and pretrains the micro presets from scratch
 * with the project's Trainer (the `full` plugin: every parameter trained, AdamW, cosine schedule
 * with warmup, clipping, atomic checkpoints, exact resume).
 *
 * - gpt2-micro: causal LM on packed 128-token blocks (documents separated by <|endoftext|>);
 * - t5-micro: span corruption (15% noise, mean span 3, sentinels), 128 input / 29 target tokens.
 *
 * Choices (see fixtures/models/PRETRAINING.md for the numbers):
 * - lr 2e-3, AdamW betas (0.9, 0.98), weight decay 0.01, 5% warmup then cosine to 0, clip 1.0,
 *   batch 16: the range small transformers train well in, and a small batch gives more updates
 *   in the few thousand steps two CPU cores allow.
 * - dropout 0 while pretraining: the run sees well under one epoch, so there is nothing to
 *   regularise and dropout only slows learning; config.json ships dropout 0.1 (the HF default),
 *   which is what fine-tuning on small task data wants (as T5 v1.1 recommends).
 * - `--minutes N`: the cosine schedule runs on the wall clock, not on a step count: after a linear
 *   warmup of 40 steps the learning rate is peak · ½(1 + cos(π · t / T)), t the training time so
 *   far and T the training budget, and training stops at T. On a shared machine whose speed
 *   changes by 2-3x while it runs, a step count fixed in advance would either stop before the
 *   rate has decayed or finish early and leave the budget unused. `--max-steps N` uses the
 *   Trainer's own step-based cosine schedule instead. The plan (budget, schedule) is saved in the
 *   work folder, so `--resume` continues the same schedule.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tf } from '../engine/tf.ts';
import { generate } from '../generate/generate.ts';
import { loadPretrained } from '../models/hf/loadPretrained.ts';
import { modelFamily, type LanguageModel } from '../models/registry.ts';
import { loadTokenizer, tokenizerFromJson, type HfTokenizer, type TokenizerJson } from '../models/tokenizers/index.ts';
import { getPeftModel } from '../peft/getPeftModel.ts';
import { parseTrainingArguments, type OptimizerName, type TrainingArguments } from '../train/arguments.ts';
import { collate, type TrainExample } from '../train/collate.ts';
import { listCheckpoints, readCheckpointState, type LogEntry } from '../train/checkpoint.ts';
import { Trainer } from '../train/trainer.ts';
import { UserError } from '../util/errors.ts';
import { buildPretrainCorpus, type Lang, type PretrainCorpus, type PretrainDocument } from './corpus.ts';
import { saveHfModel } from './export.ts';
import { initWeights } from './init.ts';
import { joinDocuments, packCausal } from './packing.ts';
import { preset as getPreset, type PresetName } from './presets.ts';
import { buildT5PretrainExamples, DEFAULT_PREFIX_LM_RATE, T5_PREFIX_LM, type T5Objective } from './prefixLm.ts';
import { t5InputAndTargetLengths, T5_SPAN_CORRUPTION } from './spanCorruption.ts';
import { NUM_SENTINELS, sentinelIds, trainSharedTokenizer, writeTokenizerFiles } from './sharedTokenizer.ts';

type Log = (message: string) => void;

// ---------------------------------------------------------------------------------------------------
// Tokenizer step

export interface TokenizerStepOptions {
  outDir: string;
  dataDir: string;
  vocabSize?: number;
  seed?: number;
  /** English characters per Russian character in the tokenizer's training text (default 1). */
  englishPerRussian?: number;
  corpus?: PretrainCorpus;
  log?: Log;
}

export interface TokensPerWord {
  words: number;
  tokens: number;
  tokens_per_word: number;
}

export interface TokenizerStats {
  vocab_size: number;
  merges: number;
  training_documents: Record<Lang, number>;
  training_chars: Record<Lang, number>;
  /** On the CORPUS_SPLIT validation documents (never seen by the tokenizer). */
  tokens_per_word: Record<Lang, TokensPerWord>;
  seconds: number;
}

/** Whitespace-separated words of `text` and the tokens they become (no special tokens). */
export function tokensPerWord(tok: Pick<HfTokenizer, 'encode'>, docs: readonly PretrainDocument[], lang: Lang): TokensPerWord {
  let words = 0;
  let tokens = 0;
  for (const d of docs) {
    if (d.lang !== lang) continue;
    words += d.text.split(/\s+/).filter(Boolean).length;
    tokens += tok.encode(d.text, { addSpecialTokens: false }).length;
  }
  return { words, tokens, tokens_per_word: words ? tokens / words : NaN };
}

/**
 * The tokenizer's training text: every Russian document, and English documents (in the corpus's
 * shuffled order) until English has `englishPerRussian` × the Russian characters. The corpus is
 * three-quarters English (Debian descriptions); trained on it as is, BPE spends its merges on
 * English package jargon and splits Russian words into many more pieces.
 */
export function tokenizerTrainingDocs(corpus: PretrainCorpus, englishPerRussian = 1): PretrainDocument[] {
  const ru = corpus.train.filter((d) => d.lang === 'ru');
  const ruChars = ru.reduce((s, d) => s + d.text.length, 0);
  const en: PretrainDocument[] = [];
  let enChars = 0;
  const budget = ruChars > 0 ? ruChars * englishPerRussian : Infinity;
  for (const d of corpus.train) {
    if (d.lang !== 'en' || enChars >= budget) continue;
    en.push(d);
    enChars += d.text.length;
  }
  return [...en, ...ru];
}

export async function runTokenizerStep(opts: TokenizerStepOptions): Promise<TokenizerStats> {
  const log = opts.log ?? (() => {});
  const start = performance.now();
  const corpus = opts.corpus ?? (await buildPretrainCorpus(opts.dataDir, { seed: opts.seed }));
  const docs = tokenizerTrainingDocs(corpus, opts.englishPerRussian ?? 1);
  const count = (lang: Lang) => docs.filter((d) => d.lang === lang);
  log(`tokenizer: training on ${docs.length} documents (${count('en').length} en, ${count('ru').length} ru)`);
  const json = trainSharedTokenizer(
    docs.map((d) => d.text),
    { vocabSize: opts.vocabSize ?? 8192, onProgress: (m, v) => log(`tokenizer: ${m} merges, vocabulary ${v}`) },
  );
  writeTokenizerFiles(opts.outDir, 'gpt2', json, 1024);
  const tok = tokenizerFromJson(json, {}, { source: 'trained tokenizer' });
  const chars = (lang: Lang) => count(lang).reduce((s, d) => s + d.text.length, 0);
  const stats: TokenizerStats = {
    vocab_size: tok.vocabSize,
    merges: (json.model as { merges: unknown[] }).merges.length,
    training_documents: { en: count('en').length, ru: count('ru').length },
    training_chars: { en: chars('en'), ru: chars('ru') },
    tokens_per_word: { en: tokensPerWord(tok, corpus.validation, 'en'), ru: tokensPerWord(tok, corpus.validation, 'ru') },
    seconds: (performance.now() - start) / 1000,
  };
  writeFileSync(path.join(opts.outDir, 'tokenizer_stats.json'), JSON.stringify(stats, null, 2) + '\n');
  return stats;
}

// ---------------------------------------------------------------------------------------------------
// Model pretraining

export interface PretrainOptions {
  preset: PresetName;
  /** The model directory to write (config.json, model.safetensors, tokenizer files, loss curve). */
  outDir: string;
  /** Checkpoints and the raw loss log (not shipped). */
  workDir: string;
  /** A directory with the shared tokenizer.json (written by the tokenizer step). */
  tokenizerDir: string;
  dataDir: string;
  /** Wall-clock budget for the whole command, in minutes. */
  minutes?: number;
  maxSteps?: number;
  resume?: boolean;
  batchSize?: number;
  learningRate?: number;
  warmupRatio?: number;
  weightDecay?: number;
  seed?: number;
  evalSteps?: number;
  /** Validation sequences scored at each evaluation (the final held-out loss uses up to 4×). */
  evalSequences?: number;
  saveSteps?: number;
  /** Dropout while pretraining (default 0) and the value config.json ships (default 0.1). */
  pretrainDropout?: number;
  configDropout?: number;
  /**
   * Continue pretraining from the weights of this HF model directory (a previous stage's output)
   * instead of a fresh initialisation; optimizer state and schedule start anew.
   */
  initFrom?: string;
  /** The optimizer (default: adamw_scale for T5, whose weights need relative steps; adamw_torch for GPT-2). */
  optim?: OptimizerName;
  /** T5: share of prefix-LM examples in the mixture (default 0.5; 0 is span corruption alone). */
  prefixLmRate?: number;
  /** Changes to the preset's config (tests: tiny models). */
  configOverrides?: Record<string, unknown>;
  corpus?: PretrainCorpus;
  /** The command line, recorded in pretrain_result.json. */
  command?: string;
  quiet?: boolean;
  log?: Log;
}

export interface PretrainPlan {
  preset: PresetName;
  /** 'minutes': wall-clock cosine over train_seconds_budget; 'steps': the Trainer's cosine over max_steps. */
  schedule: 'minutes' | 'steps';
  max_steps: number;
  train_seconds_budget: number | null;
  warmup_steps: number;
  peak_learning_rate: number;
  training_args: TrainingArguments;
  config: Record<string, unknown>;
}

export interface PretrainResult {
  preset: PresetName;
  command?: string;
  out_dir: string;
  parameters: number;
  corpus: {
    documents: Record<Lang, number>;
    tokens: Record<Lang, number>;
    train_tokens: number;
    validation_tokens: number;
    train_sequences: number;
    validation_sequences: number;
    dropped_held_out_sentences: number;
    dropped_held_out_documents: number;
    sources: PretrainCorpus['sources'];
  };
  objective: Record<string, unknown>;
  training_args: Pick<TrainingArguments, 'learning_rate' | 'per_device_train_batch_size' | 'weight_decay' | 'adam_beta1' | 'adam_beta2' | 'max_grad_norm' | 'seed' | 'optim'> & {
    dropout: number;
    max_steps: number;
    schedule: string;
  };
  steps: number;
  epochs: number;
  tokens_seen: number;
  train_seconds: number;
  wall_seconds: number;
  tokens_per_s: number;
  first_loss: number;
  /** Mean training loss over the last 50 steps. */
  final_train_loss: number;
  /** Loss of the exported (F16) model on the validation split. */
  heldout_loss: number;
  /** T5: the same, per objective of the mixture. */
  heldout_loss_by_objective?: Partial<Record<T5Objective, number>>;
  heldout_sequences: number;
  /** Entropy (nats) of the training tokens' unigram distribution: the loss of a model that ignores context. */
  unigram_entropy: number;
  samples: { prompt: string; output: string }[];
  resumed_from?: string;
  init_from?: string;
}

const flavorOf = (p: PresetName) => (p === 'gpt2-micro' ? 'gpt2' : 't5') as 'gpt2' | 't5';

/** Unigram entropy in nats of a token stream. */
export function unigramEntropy(stream: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < stream.length; i++) counts.set(stream[i]!, (counts.get(stream[i]!) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / stream.length;
    h -= p * Math.log(p);
  }
  return h;
}

interface EncodedCorpus {
  stream: Uint16Array;
  documents: Record<Lang, number>;
  tokens: Record<Lang, number>;
}

function encodeDocuments(tok: HfTokenizer, docs: readonly PretrainDocument[], separatorId: number): EncodedCorpus {
  const documents = { en: 0, ru: 0 };
  const tokens = { en: 0, ru: 0 };
  const ids = docs.map((d) => {
    const e = tok.encode(d.text, { addSpecialTokens: false });
    documents[d.lang]++;
    tokens[d.lang] += e.length;
    return e;
  });
  return { stream: joinDocuments(ids, separatorId), documents, tokens };
}

/** The mean loss of `model` over `examples` (batch-weighted, as HF's evaluation loop). */
export function meanLoss(model: LanguageModel, examples: readonly TrainExample[], batchSize: number, padId: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const chunk = examples.slice(i, i + batchSize);
    const b = collate(chunk, padId, model.isEncoderDecoder);
    const t2 = (m: number[][]) => tf.tensor2d(m, [m.length, m[0]!.length], 'int32');
    sum += tf.tidy(() => model.forward({ inputIds: t2(b.inputIds), attentionMask: t2(b.attentionMask), labels: t2(b.labels) }).loss!.dataSync()[0]!) * chunk.length;
    n += chunk.length;
  }
  return sum / Math.max(n, 1);
}

/** Greedy continuations that show whether the model writes language. */
export function sampleGenerations(model: LanguageModel, tok: HfTokenizer, flavor: 'gpt2' | 't5', maxNewTokens = 24): { prompt: string; output: string }[] {
  const prompts =
    flavor === 'gpt2'
      ? ['The government said that', 'This package provides', 'Правительство заявило, что', 'Я не знаю, где']
      : [
          'The government said <extra_id_0> new law on Monday.',
          'This package provides <extra_id_0> for the GNOME desktop.',
          'Правительство заявило, <extra_id_0> в понедельник.',
          'Я не знаю, <extra_id_0> он живёт.',
          // prefix LM: the decoder continues the text
          'This package provides a library for',
          'Он сказал, что',
        ];
  const eos = flavor === 'gpt2' ? tok.tokenToId('<|endoftext|>')! : tok.tokenToId('</s>')!;
  return prompts.map((prompt) => {
    const ids = flavor === 'gpt2' ? tok.encode(prompt, { addSpecialTokens: false }) : [...tok.encode(prompt, { addSpecialTokens: false }), eos];
    const out = generate(model, { inputIds: [ids] }, { strategy: 'greedy', maxNewTokens, eosTokenId: eos, padTokenId: 0, noRepeatNgramSize: 3 });
    const seq = out.sequences[0]!;
    const fresh = flavor === 'gpt2' ? seq.slice(ids.length) : seq.slice(1);
    return { prompt, output: tok.decode(fresh, { skipSpecialTokens: false }) };
  });
}

function readPlan(workDir: string): PretrainPlan | undefined {
  const f = path.join(workDir, 'pretrain_plan.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as PretrainPlan) : undefined;
}

/**
 * The wall-clock cosine schedule of `--minutes` runs (see the header). The Trainer reads
 * args.learning_rate at every step (its own multiplier is 1 under 'constant'), so setting it after
 * each step sets the rate of the next one; the state it depends on (step, training seconds) is in
 * every checkpoint, so a resumed run continues the same curve.
 */
export class WallClockCosine {
  constructor(
    readonly peak: number,
    readonly warmupSteps: number,
    readonly budgetSeconds: number,
  ) {}

  /** The learning rate of optimizer step `step` (0-based) taken after `seconds` of training. */
  lrAt(step: number, seconds: number): number {
    if (step < this.warmupSteps) return (this.peak * step) / this.warmupSteps;
    return this.peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, seconds / this.budgetSeconds)));
  }

  callback(args: TrainingArguments) {
    return {
      onStepEnd: (_e: LogEntry, t: Trainer) => {
        args.learning_rate = this.lrAt(t.state.global_step, t.state.train_seconds);
        if (t.state.train_seconds >= this.budgetSeconds) t.requestStop();
      },
    };
  }
}

function compactLog(entries: readonly LogEntry[]): string {
  const r = (x: number | undefined, d = 5) => (x === undefined ? undefined : Number(x.toPrecision(d)));
  return entries
    .map((e) =>
      JSON.stringify(
        e.eval_loss !== undefined
          ? { step: e.step, eval_loss: r(e.eval_loss) }
          : { step: e.step, loss: r(e.loss), lr: r(e.learning_rate, 3), grad_norm: r(e.grad_norm, 3), tokens_per_s: Math.round(e.tokens_per_s ?? 0), elapsed_s: Math.round(e.elapsed_s ?? 0) },
      ),
    )
    .join('\n') + '\n';
}

export async function runPretraining(opts: PretrainOptions): Promise<PretrainResult> {
  const wallStart = performance.now();
  const log = opts.log ?? (() => {});
  const flavor = flavorOf(opts.preset);
  const seed = opts.seed ?? 42;
  const pretrainDropout = opts.pretrainDropout ?? 0;
  const batch = opts.batchSize ?? 16;
  mkdirSync(opts.workDir, { recursive: true });

  const tokJsonPath = path.join(opts.tokenizerDir, 'tokenizer.json');
  if (!existsSync(tokJsonPath))
    throw new UserError(`${opts.tokenizerDir} has no tokenizer.json: run 'peft-lab pretrain --preset tokenizer --out ${opts.tokenizerDir}' first`);
  const sharedJson = JSON.parse(readFileSync(tokJsonPath, 'utf8')) as TokenizerJson;
  const tok = loadTokenizer(opts.tokenizerDir);

  const base = getPreset(opts.preset, { dropout: pretrainDropout });
  const dropoutKeys = flavor === 'gpt2' ? ['attn_pdrop', 'embd_pdrop', 'resid_pdrop'] : ['dropout_rate'];
  const config = { ...base.config, ...opts.configOverrides };
  if (config.vocab_size !== tok.vocabSize)
    throw new UserError(`the tokenizer in ${opts.tokenizerDir} has ${tok.vocabSize} tokens but ${opts.preset} expects vocab_size ${String(config.vocab_size)}`);
  const seqLen = base.sequenceLength;

  // Data
  const corpus = opts.corpus ?? (await buildPretrainCorpus(opts.dataDir, { seed }));
  const eosId = flavor === 'gpt2' ? tok.tokenToId('<|endoftext|>')! : tok.tokenToId('</s>')!;
  const t0 = performance.now();
  const train = encodeDocuments(tok, corpus.train, eosId);
  const valid = encodeDocuments(tok, corpus.validation, eosId);
  log(`${opts.preset}: encoded ${train.stream.length} train / ${valid.stream.length} validation tokens in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const sentinels = flavor === 't5' ? sentinelIds((t) => tok.tokenToId(t), NUM_SENTINELS) : [];
  const prefixLmRate = flavor === 't5' ? (opts.prefixLmRate ?? DEFAULT_PREFIX_LM_RATE) : 0;
  const toExamples = (stream: Uint16Array, s: number): { examples: TrainExample[]; objectives?: T5Objective[] } =>
    flavor === 'gpt2'
      ? { examples: packCausal(stream, seqLen) }
      : buildT5PretrainExamples(stream, { inputsLength: seqLen, sentinelIds: sentinels, eosId, seed: s, prefixLmRate });
  const trainExamples = toExamples(train.stream, seed).examples;
  const valid_ = toExamples(valid.stream, seed + 1);
  const validExamples = valid_.examples;
  if (!trainExamples.length) throw new UserError(`${opts.preset}: the corpus is too small for one training sequence`);
  const evalN = opts.evalSequences ?? 64;
  const evalSet = validExamples.slice(0, evalN);

  // Model
  const model = modelFamily(config.model_type, opts.preset).create(config, opts.preset);
  initWeights(model, seed);
  if (opts.initFrom) {
    const source = loadPretrained(opts.initFrom);
    const weights = new Map(source.namedParameters());
    for (const [name, p] of model.namedParameters()) {
      const w = weights.get(name);
      if (!w || w.shape.join(',') !== p.shape.join(','))
        throw new UserError(`--init-from ${opts.initFrom}: no weight '${name}' of shape [${p.shape}] (a different preset or config?)`);
      p.assign(w);
    }
    source.dispose();
    log(`${opts.preset}: initialised from ${opts.initFrom}`);
  }
  const peft = getPeftModel(model, 'full', {});

  // Plan
  const existing = opts.resume ? readPlan(opts.workDir) : undefined;
  const reserveS = 120; // export, final held-out loss, samples
  const optim: OptimizerName = opts.optim ?? (flavor === 't5' ? 'adamw_scale' : 'adamw_torch');
  // adamw_scale's rate is relative to each tensor's RMS (nanoT5 pretrains T5 at 2e-2 with it).
  const peak = opts.learningRate ?? (optim === 'adamw_scale' ? 1e-2 : 2e-3);
  let plan: PretrainPlan;
  if (existing) {
    plan = existing;
    log(`${opts.preset}: resuming the plan in ${opts.workDir}`);
  } else {
    let schedule: PretrainPlan['schedule'];
    let maxSteps: number;
    let budget: number | null = null;
    if (opts.maxSteps) {
      schedule = 'steps';
      maxSteps = opts.maxSteps;
    } else if (opts.minutes) {
      schedule = 'minutes';
      budget = Math.max(30, opts.minutes * 60 - (performance.now() - wallStart) / 1000 - reserveS);
      maxSteps = 1_000_000; // the clock stops the run
    } else {
      throw new UserError(`pretrain: give --minutes N (a wall-clock budget) or --max-steps N`);
    }
    const warmup = 40;
    const args = parseTrainingArguments({
      output_dir: opts.workDir,
      max_steps: maxSteps,
      per_device_train_batch_size: batch,
      per_device_eval_batch_size: batch,
      learning_rate: peak,
      weight_decay: opts.weightDecay ?? 0.01,
      adam_beta1: 0.9,
      adam_beta2: 0.98,
      optim,
      max_grad_norm: 1.0,
      lr_scheduler_type: schedule === 'minutes' ? 'constant' : 'cosine',
      warmup_steps: schedule === 'minutes' ? 0 : Math.min(warmup, Math.ceil(maxSteps * (opts.warmupRatio ?? 0.05))),
      eval_steps: opts.evalSteps ?? 100,
      save_steps: opts.saveSteps ?? 100,
      save_total_limit: 1,
      seed,
    });
    plan = { preset: opts.preset, schedule, max_steps: maxSteps, train_seconds_budget: budget, warmup_steps: warmup, peak_learning_rate: peak, training_args: args, config };
    writeFileSync(path.join(opts.workDir, 'pretrain_plan.json'), JSON.stringify(plan, null, 2) + '\n');
  }
  // The work folder is this command's own: a new plan replaces whatever an earlier one left there.
  const args: TrainingArguments = { ...plan.training_args, output_dir: opts.workDir, overwrite_output_dir: opts.resume !== true };
  const callbacks = [];
  if (plan.schedule === 'minutes') {
    const clock = new WallClockCosine(plan.peak_learning_rate, plan.warmup_steps, plan.train_seconds_budget!);
    const last = opts.resume ? listCheckpoints(opts.workDir).at(-1) : undefined;
    const state = last ? readCheckpointState(last) : undefined;
    args.learning_rate = clock.lrAt(state?.global_step ?? 0, state?.train_seconds ?? 0);
    callbacks.push(clock.callback(args));
    log(`${opts.preset}: wall-clock cosine schedule over ${plan.train_seconds_budget!.toFixed(0)} s of training`);
  }
  // A resumed run gets a fresh wall-clock budget of its own, on top of the plan's.
  const deadline = opts.minutes ? wallStart + (opts.minutes * 60 - reserveS) * 1000 : Infinity;
  callbacks.push({
    onStepEnd(_e: LogEntry, t: Trainer) {
      if (performance.now() > deadline) t.requestStop();
    },
  });
  // The wall-clock schedule sets the rate from the resumed state, so the rate is not what identifies the run.
  const identity = { ignore: plan.schedule === 'minutes' ? (['learning_rate'] as const) : [] };
  const trainer = new Trainer(peft, args, trainExamples, evalSet, callbacks, { quiet: opts.quiet, padTokenId: 0, identity });
  const fit = await trainer.fit(opts.resume === true);
  trainer.dispose();

  // Export: the preset's config with the fine-tuning dropout, F16 weights, the tokenizer.
  const configDropout = opts.configDropout ?? 0.1;
  const shipped = { ...config };
  for (const k of dropoutKeys) shipped[k] = configDropout;
  saveHfModel(model, opts.outDir, { config: shipped, generationConfig: base.generationConfig });
  writeTokenizerFiles(opts.outDir, flavor, sharedJson, flavor === 'gpt2' ? (config.n_positions as number) : 512);
  writeFileSync(path.join(opts.outDir, 'pretrain_loss.jsonl'), compactLog(fit.log_history));
  const parameters = model.numParameters();
  model.dispose();

  // The shipped files, reloaded: held-out loss and samples.
  const exported = loadPretrained(opts.outDir);
  const heldout = validExamples.slice(0, evalN * 4);
  const heldoutLoss = meanLoss(exported, heldout, batch, 0);
  const byObjective: Partial<Record<T5Objective, number>> = {};
  if (valid_.objectives)
    for (const o of new Set(valid_.objectives)) {
      const picked = validExamples.filter((_, i) => valid_.objectives![i] === o).slice(0, evalN * 4);
      byObjective[o] = meanLoss(exported, picked, batch, 0);
    }
  const samples = sampleGenerations(exported, loadTokenizer(opts.outDir), flavor);
  exported.dispose();

  const losses = fit.log_history.filter((e) => e.loss !== undefined).map((e) => e.loss!);
  const last = losses.slice(-50);
  const tokensPerSeq = flavor === 'gpt2' ? seqLen : t5InputAndTargetLengths(seqLen).tokensLength;
  const result: PretrainResult = {
    preset: opts.preset,
    command: opts.command,
    out_dir: opts.outDir,
    parameters,
    corpus: {
      documents: train.documents,
      tokens: train.tokens,
      train_tokens: train.stream.length,
      validation_tokens: valid.stream.length,
      train_sequences: trainExamples.length,
      validation_sequences: validExamples.length,
      dropped_held_out_sentences: corpus.droppedSentences,
      dropped_held_out_documents: corpus.droppedDocuments,
      sources: corpus.sources,
    },
    objective:
      flavor === 'gpt2'
        ? { type: 'causal_lm', block_size: seqLen, separator: '<|endoftext|>' }
        : {
            type: prefixLmRate > 0 ? 'span_corruption+prefix_lm' : 'span_corruption',
            ...T5_SPAN_CORRUPTION,
            inputs_length: seqLen,
            ...t5InputAndTargetLengths(seqLen),
            prefix_lm_rate: prefixLmRate,
            prefix_lm_targets: prefixLmRate > 0 ? [T5_PREFIX_LM.minTargets, T5_PREFIX_LM.maxTargets] : undefined,
            separator: '</s>',
          },
    training_args: {
      learning_rate: plan.peak_learning_rate,
      per_device_train_batch_size: args.per_device_train_batch_size,
      weight_decay: args.weight_decay,
      adam_beta1: args.adam_beta1,
      adam_beta2: args.adam_beta2,
      max_grad_norm: args.max_grad_norm,
      optim: args.optim,
      seed: args.seed,
      dropout: pretrainDropout,
      max_steps: args.max_steps,
      schedule: plan.schedule === 'minutes' ? `linear warmup ${plan.warmup_steps} steps, then cosine to 0 over ${plan.train_seconds_budget!.toFixed(0)} s of training (wall clock)` : `HF cosine over ${args.max_steps} steps, warmup ${args.warmup_steps}`,
    },
    steps: fit.global_step,
    epochs: fit.epochs,
    tokens_seen: fit.global_step * batch * tokensPerSeq,
    train_seconds: fit.train_seconds,
    wall_seconds: (performance.now() - wallStart) / 1000,
    tokens_per_s: fit.tokens_per_s,
    first_loss: fit.first_loss,
    final_train_loss: last.reduce((s, x) => s + x, 0) / Math.max(last.length, 1),
    heldout_loss: heldoutLoss,
    heldout_loss_by_objective: valid_.objectives ? byObjective : undefined,
    heldout_sequences: heldout.length,
    unigram_entropy: unigramEntropy(train.stream),
    samples,
    resumed_from: fit.resumed_from,
    init_from: opts.initFrom,
  };
  writeFileSync(path.join(opts.outDir, 'pretrain_result.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}
