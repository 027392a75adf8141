/** What `peft-lab bench train|generate` runs: the options both model types' workloads take. */
import { UserError } from '../src/util/errors.ts';
import type { ModelFamilyName } from '../src/models/registry.ts';

export interface TrainBenchOptions {
  /** gpt2 (the default) or t5. */
  modelType?: ModelFamilyName;
  /** A configuration of the model type: BENCH_CONFIGS (gpt2) or T5_BENCH_CONFIGS (t5). */
  config: string;
  /** A method of benchMethods() with a setting for the model type. */
  method: string;
  steps: number;
  warmup?: number;
  /** Sequences per step; default the configuration's. */
  batch?: number;
  dropout?: number;
  lr?: number;
  /** Swap in the fused GELU / LayerNorm / causal-LM loss (GPT-2 only; see useFusedOps). */
  fused?: boolean;
}

export interface GenerateBenchOptions {
  /** gpt2 (the default) or t5. */
  modelType?: ModelFamilyName;
  /** A configuration of the model type: BENCH_CONFIGS (gpt2) or T5_BENCH_CONFIGS (t5). */
  config: string;
  batch: number;
  /** Prompt tokens per row (T5: the encoder's input). */
  promptLength?: number;
  newTokens?: number;
  runs?: number;
  warmup?: number;
  /** GPT-2 only; see useFusedOps. */
  fused?: boolean;
}

/** The configuration `name` of a model type's table; the error names the valid ones for that type. */
export function lookupConfig<C>(configs: Readonly<Record<string, C>>, name: string, modelType: ModelFamilyName): C {
  if (Object.hasOwn(configs, name)) return configs[name]!;
  throw new UserError(
    `bench: --config '${name}' is not a ${modelType} configuration; valid with --model-type ${modelType}: ${Object.keys(configs).join(', ')}`,
  );
}
