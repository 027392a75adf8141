import type { tf, Tensor } from '../engine/tf.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { ModelInput, ModelOutput } from '../models/outputs.ts';
import { UserError } from '../util/errors.ts';
import type { PeftConfigBase } from './plugin.ts';

/** A value JSON can hold exactly (what a checkpoint's JSON files store). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a method keeps besides its parameters that later training steps depend on (running
 * statistics, masks, counters). It goes into every checkpoint so that a resumed run continues the
 * same loss curve: `tensors` as float32 arrays, `values` as JSON (finite numbers only).
 */
export interface AdapterTrainingState {
  tensors: Map<string, Tensor>;
  values: Record<string, JsonValue>;
}

/**
 * What every attached PEFT method has. Every tensor name follows peft, so files move between Python
 * and us. The optional members are hooks most methods do without: callers check them (`?.`), and a
 * method that lacks one behaves as if it were a no-op.
 */
export interface AdapterBase<C extends PeftConfigBase = PeftConfigBase> {
  readonly config: C;
  /** Parameters this method trains, by their in-model names (e.g. `transformer.h.0.attn.c_attn.lora_A.weight`). */
  trainableParameters(): [string, tf.Variable][];
  /** Base-model parameters that count as the method's (full fine-tuning, modules_to_save). */
  readonly trainsBaseParameters?: boolean;
  /**
   * Extra parameters that exist only for training and are not in peft's all_params count
   * differently from the defaults; by default all_params = base + trainableParameters().
   */
  countParameters?(base: LanguageModel): { trainable: number; all: number };
  /** What save_pretrained writes: peft key names (`base_model.model.<path>.lora_A.weight`) → tensor. */
  stateDict(): Map<string, Tensor>;
  /** Loads tensors saved by stateDict() (ours or Python peft's); names the missing/unexpected keys. */
  loadStateDict(tensors: Map<string, Tensor>, source: string): void;
  /** Added to the training loss (AdaLoRA's orthogonality penalty). */
  extraLoss?(): Tensor | undefined;
  /**
   * Called by the trainer after every optimizer step, while this step's gradients (keyed by the
   * names of trainableParameters()) are still alive, with the 0-based index of the step just taken:
   * AdaLoRA's update_and_allocate(step).
   */
  afterOptimizerStep?(step: number, grads: ReadonlyMap<string, Tensor>): void;
  /**
   * The method's training state beyond its parameters, for a checkpoint; undefined (or absent) when
   * parameters and optimizer moments are all there is. Tensors are fresh: the caller disposes them.
   */
  trainingState?(): AdapterTrainingState | undefined;
  /**
   * Restores what trainingState() returned, on a freshly attached adapter of the same config, before
   * training continues; names `source` and what does not fit in a one-line error. Does not keep
   * the tensors (the caller disposes them).
   */
  loadTrainingState?(state: AdapterTrainingState, source: string): void;
  /** Method-specific facts for results (e.g. AdaLoRA's final rank pattern). */
  summary?(): Record<string, unknown>;
  dispose(): void;
}

/**
 * A method that rewrites the base model's modules in place (LoRA, QLoRA, AdaLoRA, IA³) and needs no
 * forward of its own; full fine-tuning is one too, whose "layers" are the base's own (merging has
 * nothing to fold).
 */
export interface LayerAdapter<C extends PeftConfigBase = PeftConfigBase> extends AdapterBase<C> {
  readonly kind: 'layer';
  /** Folds the adapter into the base weights (where the math allows) and back. */
  merge(): void;
  unmerge(): void;
  /** Removes the wrappers, leaving a plain (merged) base model. */
  mergeAndUnload(): void;
}

/**
 * A method that changes the inputs (prompt/prefix/P-tuning: virtual tokens or past key values) and
 * so runs the whole forward.
 */
export interface PromptAdapter<C extends PeftConfigBase = PeftConfigBase> extends AdapterBase<C> {
  readonly kind: 'prompt';
  /** The whole forward (HF output shapes, e.g. logits include virtual tokens). */
  forward(base: LanguageModel, input: ModelInput): ModelOutput;
}

/** One attached PEFT method, told apart by `kind`. */
export type Adapter<C extends PeftConfigBase = PeftConfigBase> = LayerAdapter<C> | PromptAdapter<C>;

/** The adapter as a layer method, for merging; a prompt method has no weights to fold. */
export function layerAdapter<C extends PeftConfigBase>(adapter: Adapter<C>): LayerAdapter<C> {
  if (adapter.kind !== 'layer') throw new UserError(`${adapter.config.peft_type} changes the inputs, not the base weights: there is nothing to merge`);
  return adapter;
}
