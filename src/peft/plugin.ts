import type { tf, Tensor } from '../engine/tf.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { ModelInput, ModelOutput } from '../models/outputs.ts';
import { showValue, UserError } from '../util/errors.ts';

/** Fields every peft config has (peft's PeftConfigMixin / PeftConfig). */
export interface PeftConfigBase {
  peft_type: string;
  task_type: 'CAUSAL_LM' | 'SEQ_2_SEQ_LM' | null;
  base_model_name_or_path: string | null;
  inference_mode: boolean;
  revision?: string | null;
}

/** Context given to a plugin when it attaches, so init is seeded and architecture-aware. */
export interface AttachContext {
  seed: number;
  /** Total optimizer steps planned (AdaLoRA's total_step default), when known. */
  totalSteps?: number;
  /**
   * The model's tokenizer, when in memory: prompt tuning's TEXT init uses it instead of loading
   * `tokenizer_name_or_path` (which stays in the config for Python's sake).
   */
  tokenizer?: { encode(text: string): number[] };
}

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
 * One attached PEFT method. Layer methods (LoRA, IA³, AdaLoRA) rewrite modules in place and need no
 * forward of their own; prompt methods (prompt/prefix/P-tuning) change the inputs and provide
 * `forward`. Every tensor name follows peft, so files move between Python and us.
 */
export interface AdapterInstance<C extends PeftConfigBase = PeftConfigBase> {
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
  /** Prompt methods: the whole forward (HF output shapes, e.g. logits include virtual tokens). */
  forward?(base: LanguageModel, input: ModelInput): ModelOutput;
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
  /** Folds the adapter into the base weights (where the math allows) and back. */
  merge?(): void;
  unmerge?(): void;
  /** Removes the wrappers, leaving a plain (merged) base model. */
  mergeAndUnload?(): void;
  /** Method-specific facts for results (e.g. AdaLoRA's final rank pattern). */
  summary?(): Record<string, unknown>;
  dispose(): void;
}

/** A config field that decides how much an adapter allocates, with the least value it may take. */
export interface SizeField {
  field: string;
  value: number;
  min: number;
}

/**
 * What attach would allocate, known from the config and the base model's shapes before anything is
 * allocated (see adapterBudget.ts, which checks it).
 */
export interface AdapterSize {
  /** The sizes behind the parameter count (ranks, numbers of virtual tokens, hidden sizes). */
  fields: SizeField[];
  /**
   * The parameters attach allocates when the fields take `values` (in the order of `fields`); it
   * never decreases when a value grows, and allocates nothing itself.
   */
  parameters(values: readonly number[]): number;
  /** The field counting the virtual tokens that take the base model's first positions, if any. */
  virtualTokens?: SizeField;
}

/** A PEFT method: its config schema and how it attaches to a model. */
export interface PeftPlugin<C extends PeftConfigBase = PeftConfigBase> {
  /** Registry name used in experiment files (`lora`, `ia3`, `full`, …). */
  readonly name: string;
  /** peft's PeftType written in adapter_config.json (`LORA`, …); undefined for full fine-tuning. */
  readonly peftType?: string;
  readonly description: string;
  /** peft's default target modules per model type (TRANSFORMERS_MODELS_TO_*_TARGET_MODULES_MAPPING). */
  readonly defaultTargetModules?: Record<string, string[]>;
  /** Validates fields (HF names and defaults), naming the bad field and what is allowed. */
  parseConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): C;
  attach(model: LanguageModel, config: C, ctx: AttachContext): AdapterInstance<C>;
  /**
   * The sizes that decide what `attach` allocates for this (final) config, so that an adapter too
   * large to allocate is refused before a tensor exists; absent where the model alone decides it.
   */
  adapterSize?(config: C, model: LanguageModel): AdapterSize;
}

const plugins = new Map<string, PeftPlugin>();

export function registerPlugin(p: PeftPlugin): void {
  plugins.set(p.name, p);
}

export function getPlugin(name: string): PeftPlugin {
  const p = plugins.get(name);
  if (!p) throw new UserError(`unknown PEFT method '${name}'; available: ${[...plugins.keys()].join(', ')}`);
  return p;
}

export function pluginForPeftType(peftType: unknown, where: string): PeftPlugin {
  const p = [...plugins.values()].find((x) => x.peftType === peftType);
  if (!p)
    throw new UserError(
      `${where}: peft_type ${showValue(peftType)} is not supported; supported: ${[...plugins.values()].map((x) => x.peftType).filter(Boolean).join(', ')}`,
    );
  return p;
}

export function listPlugins(): PeftPlugin[] {
  return [...plugins.values()];
}

/** peft's task_type for a model. */
export function taskTypeFor(model: LanguageModel): 'CAUSAL_LM' | 'SEQ_2_SEQ_LM' {
  return model.isEncoderDecoder ? 'SEQ_2_SEQ_LM' : 'CAUSAL_LM';
}
