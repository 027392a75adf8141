/** pretrain_result.json: what a pretraining run did and how good the exported model is. */
import type { TrainingArguments } from '../train/arguments.ts';
import type { TrainResult } from '../train/trainer.ts';
import type { Lang, PretrainCorpus } from './corpus.ts';
import type { PretrainData } from './data.ts';
import type { PretrainOptions } from './options.ts';
import type { PretrainPlan } from './plan.ts';
import type { PresetName } from './presets.ts';
import { MBART_DENOISING } from './denoising.ts';
import { NUM_SENTINELS, sentinelToken } from './sharedTokenizer.ts';
import { T5_PREFIX_LM, type T5Objective } from './prefixLm.ts';
import { t5InputAndTargetLengths, T5_SPAN_CORRUPTION } from './spanCorruption.ts';
import { unigramEntropy } from './evaluate.ts';

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
  training_args: Pick<
    TrainingArguments,
    'learning_rate' | 'per_device_train_batch_size' | 'weight_decay' | 'adam_beta1' | 'adam_beta2' | 'max_grad_norm' | 'seed' | 'optim'
  > & {
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

/** The exported model's measurements (evaluateExport in pretrain.ts). */
export interface ExportEvaluation {
  heldoutLoss: number;
  byObjective?: Partial<Record<T5Objective, number>>;
  heldoutSequences: number;
  samples: { prompt: string; output: string }[];
}

export interface ResultInput {
  opts: PretrainOptions;
  flavor: 'gpt2' | 't5';
  seqLen: number;
  batch: number;
  pretrainDropout: number;
  data: PretrainData;
  plan: PretrainPlan;
  args: TrainingArguments;
  fit: TrainResult;
  parameters: number;
  evaluation: ExportEvaluation;
  /** performance.now() when the command started. */
  wallStart: number;
}

function corpusRecord({ corpus, train, valid, trainExamples, validExamples }: PretrainData): PretrainResult['corpus'] {
  return {
    documents: train.documents,
    tokens: train.tokens,
    train_tokens: train.stream.length,
    validation_tokens: valid.stream.length,
    train_sequences: trainExamples.length,
    validation_sequences: validExamples.length,
    dropped_held_out_sentences: corpus.droppedSentences,
    dropped_held_out_documents: corpus.droppedDocuments,
    sources: corpus.sources,
  };
}

function objectiveRecord(
  flavor: 'gpt2' | 't5',
  seqLen: number,
  data: Pick<PretrainData, 'prefixLmRate' | 'prefixLmTargets' | 'denoisingRate'>,
): Record<string, unknown> {
  const { prefixLmRate, denoisingRate } = data;
  const targets = data.prefixLmTargets ?? T5_PREFIX_LM;
  if (flavor === 'gpt2') return { type: 'causal_lm', block_size: seqLen, separator: '<|endoftext|>' };
  const parts = ['span_corruption', ...(prefixLmRate > 0 ? ['prefix_lm'] : []), ...(denoisingRate > 0 ? ['denoising'] : [])];
  return {
    type: parts.join('+'),
    ...T5_SPAN_CORRUPTION,
    inputs_length: seqLen,
    ...t5InputAndTargetLengths(seqLen),
    prefix_lm_rate: prefixLmRate,
    prefix_lm_targets: prefixLmRate > 0 ? [targets.minTargets, targets.maxTargets] : undefined,
    denoising_rate: denoisingRate > 0 ? denoisingRate : undefined,
    denoising: denoisingRate > 0 ? { ...MBART_DENOISING, mask_token: sentinelToken(NUM_SENTINELS - 1) } : undefined,
    separator: '</s>',
  };
}

function trainingArgsRecord({ plan, args, pretrainDropout }: ResultInput): PretrainResult['training_args'] {
  return {
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
    schedule:
      plan.schedule === 'minutes'
        ? `linear warmup ${plan.warmup_steps} steps, then cosine to 0 over ${plan.train_seconds_budget!.toFixed(0)} s of training (wall clock)`
        : `HF cosine over ${args.max_steps} steps, warmup ${args.warmup_steps}`,
  };
}

export function buildPretrainResult(r: ResultInput): PretrainResult {
  const { opts, fit, evaluation, data } = r;
  const losses = fit.log_history.filter((e) => e.loss !== undefined).map((e) => e.loss!);
  const last = losses.slice(-50);
  const tokensPerSeq = r.flavor === 'gpt2' ? r.seqLen : t5InputAndTargetLengths(r.seqLen).tokensLength;
  return {
    preset: opts.preset,
    command: opts.command,
    out_dir: opts.outDir,
    parameters: r.parameters,
    corpus: corpusRecord(data),
    objective: objectiveRecord(r.flavor, r.seqLen, data),
    training_args: trainingArgsRecord(r),
    steps: fit.global_step,
    epochs: fit.epochs,
    tokens_seen: fit.global_step * r.batch * tokensPerSeq,
    train_seconds: fit.train_seconds,
    wall_seconds: (performance.now() - r.wallStart) / 1000,
    tokens_per_s: fit.tokens_per_s,
    first_loss: fit.first_loss,
    final_train_loss: last.reduce((s, x) => s + x, 0) / Math.max(last.length, 1),
    heldout_loss: evaluation.heldoutLoss,
    heldout_loss_by_objective: evaluation.byObjective,
    heldout_sequences: evaluation.heldoutSequences,
    unigram_entropy: unigramEntropy(data.train.stream),
    samples: evaluation.samples,
    resumed_from: fit.resumed_from,
    init_from: opts.initFrom,
  };
}
