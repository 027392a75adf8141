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
}
