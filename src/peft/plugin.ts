import type { LanguageModel } from '../models/registry.ts';
import type { Adapter } from './adapter.ts';
import type { InferenceBenchCase, TrainBenchCase } from './benchCase.ts';
import type { CaseContext, MethodCase } from './experimentCase.ts';
import { registerMethodInfo, type MethodInfo } from './methodInfo.ts';
import type { ParameterFormula } from './parameterFormula.ts';
import type { WeightQuantizer } from './weightQuantizer.ts';
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

/**
 * A PEFT method: its config schema and how it attaches to a model, with what the report knows of it
 * (MethodInfo: its name, title, whether it is the full fine-tuning baseline, its summary line).
 */
export interface PeftPlugin<C extends PeftConfigBase = PeftConfigBase> extends MethodInfo {
  /** peft's PeftType written in adapter_config.json (`LORA`, …); undefined for full fine-tuning. */
  readonly peftType?: string;
  readonly description: string;
  /** peft's default target modules per model type (TRANSFORMERS_MODELS_TO_*_TARGET_MODULES_MAPPING). */
  readonly defaultTargetModules?: Record<string, string[]>;
  /** Validates fields (HF names and defaults), naming the bad field and what is allowed. */
  parseConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): C;
  attach(model: LanguageModel, config: C, ctx: AttachContext): Adapter<C>;
  /**
   * The sizes that decide what `attach` allocates for this (final) config, so that an adapter too
   * large to allocate is refused before a tensor exists; absent where the model alone decides it.
   */
  adapterSize?(config: C, model: LanguageModel): AdapterSize;
  /**
   * Loads a model this method trained and saved in `dir`, where loading the adapter onto the float
   * base (loadPeftModel) would not do: full fine-tuning saved a whole model; QLoRA's base is
   * quantized again as `config` (the peft_config it trained with) says. `base` loads the base model.
   */
  load?(base: () => LanguageModel, dir: string, config: Record<string, unknown>): LanguageModel;
  /** The paper's trainable-parameter count, checked against what trained (see parameterFormula.ts). */
  readonly parameterFormula?: ParameterFormula;
  /** Low-bit storage for whole checkpoints that this method brings (QLoRA's NF4). */
  readonly quantizer?: WeightQuantizer;
  /** The settings of this method the experiment grid runs, in the order the report lists them. */
  experimentCases?(ctx: CaseContext): MethodCase[];
  /** The training step `peft-lab bench train --method <name>` times, per model type; absent: not a `--method` choice. */
  readonly trainBenchCase?: TrainBenchCase;
  /** The settings of this method the inference benchmark decodes with, in the order it lists them. */
  readonly inferenceBenchCases?: readonly InferenceBenchCase[];
}

const plugins = new Map<string, PeftPlugin>();

export function registerPlugin(p: PeftPlugin): void {
  plugins.set(p.name, p);
  registerMethodInfo(p);
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
      `${where}: peft_type ${showValue(peftType)} is not supported; supported: ${[...plugins.values()]
        .map((x) => x.peftType)
        .filter(Boolean)
        .join(', ')}`,
    );
  return p;
}

/** The first registered method's checkpoint quantizer (`peft-lab quantize` / `dequantize`). */
export function registeredQuantizer(): WeightQuantizer {
  const q = [...plugins.values()].find((p) => p.quantizer)?.quantizer;
  if (!q) throw new UserError(`no registered PEFT method quantizes checkpoints; registered: ${[...plugins.keys()].join(', ')}`);
  return q;
}

export function listPlugins(): PeftPlugin[] {
  return [...plugins.values()];
}

/** The method an experiment file that names none trains with: the first one registered. */
export function defaultPlugin(): PeftPlugin {
  const [first] = plugins.values();
  if (!first) throw new UserError('no PEFT method is registered (a program registers them where it starts: registerAllPlugins)');
  return first;
}

/** peft's task_type for a model. */
export function taskTypeFor(model: LanguageModel): 'CAUSAL_LM' | 'SEQ_2_SEQ_LM' {
  return model.isEncoderDecoder ? 'SEQ_2_SEQ_LM' : 'CAUSAL_LM';
}
