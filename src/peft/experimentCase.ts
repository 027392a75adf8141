/**
 * A method's entries in the experiment grid: each plugin says which settings of itself the suites
 * run, so the grid names no method. Only types here; the experiment layer assembles the grid.
 */
import type { ModelFamilyName } from '../models/registry.ts';
import type { Task } from '../util/task.ts';

/** Used where the settings recommend it (LoRA's, QLoRA's and AdaLoRA's dropout). */
export const LORA_DROPOUT = 0.05;
/** Every prompt method's prompt length, so they compare at the same length. */
export const NUM_VIRTUAL_TOKENS = 20;

/**
 * Runs shorter than this (the smoke profile's dozen steps) take a gentler learning rate where a
 * method's rate for the standard budget first raises the held-out loss: those large steps pay off
 * over hundreds of steps, which a dozen never reach.
 */
export const SHORT_RUN_STEPS = 100;

/** A method's learning rate by base-model family: for the standard run lengths, and for runs shorter than SHORT_RUN_STEPS. */
export interface RunLengthRates {
  standard: Readonly<Record<ModelFamilyName, number>>;
  shortRun: Readonly<Record<ModelFamilyName, number>>;
}

/** The rate for the block's run length and base model. */
export function runLengthRate(ctx: Pick<CaseContext, 'family' | 'maxSteps'>, rates: RunLengthRates): number {
  return (ctx.maxSteps < SHORT_RUN_STEPS ? rates.shortRun : rates.standard)[ctx.family];
}

/** The (task, base model, profile) block the cases are for. */
export interface CaseContext {
  task: Task;
  family: ModelFamilyName;
  /** Optimizer steps every case of the block trains for. */
  maxSteps: number;
  /** LoRA's rank × alpha grid of the profile. */
  loraGrid: readonly { r: number; alpha: number }[];
}

export interface MethodCase {
  /** Unique within the block: becomes part of the experiment id. */
  case: string;
  method: string;
  label: string;
  peft_config: Record<string, unknown>;
  learning_rate: number;
  /** TrainingArguments.optim when not HF's default adamw_torch (validated where the arguments are parsed). */
  optim?: string;
  /** What the report's hyperparameter column shows. */
  hyperparameters: Record<string, number | string | boolean>;
  /**
   * A case every other case is compared against (paired significance on the main metric): the
   * all-parameters baseline, and LoRA r=8 α=16 (peft's example setting).
   */
  reference?: true;
  /**
   * The embedding rows of a decoder-only prompt template's special tokens train with the method
   * (`trainable_token_indices`, resolved to the tokenizer's ids when the case is run).
   */
  train_template_tokens?: true;
  /**
   * A further point of the method's grid beside its main setting (another learning rate, rank, prompt
   * length, …): run where the block runs the whole grid, and one of the points the report's main
   * table picks the method's best from.
   */
  grid_point?: true;
  /**
   * Cases with the same group compete for one row of the report's main table (default: the method).
   * LoRA on every linear layer is its own row, as in the PyTorch reference's table.
   */
  table_group?: string;
}

/** `3e-2` for 0.03: the short form case ids and labels use. */
function rateText(lr: number): string {
  return lr.toExponential().replace(/\.?0*e\+?/, 'e');
}

/**
 * The same setting at another learning rate: the learning-rate axis of a method's grid. A grid point
 * is never a reference case (those are fixed settings every other case is compared with).
 */
export function atLearningRate(c: MethodCase, lr: number): MethodCase {
  const { reference: _r, ...rest } = c;
  return {
    ...rest,
    case: `${c.case}-lr${rateText(lr)}`,
    label: `${c.label}, lr ${rateText(lr)}`,
    learning_rate: lr,
    hyperparameters: { ...c.hyperparameters, lr },
    grid_point: true,
  };
}
