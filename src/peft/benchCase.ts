/**
 * A method's entries in the speed benchmarks (bench/): each plugin says which settings of itself are
 * timed, so the benchmarks name no method. Only types here; bench/ runs them.
 */
import type { ModelFamilyName } from '../models/registry.ts';

/** How the method is attached to one of the benchmark's random models. */
export interface TrainBenchSetting {
  peft_config: Record<string, unknown>;
  /** What was measured, written into the result's `detail.note`. */
  note: string;
}

/**
 * One training step on the benchmark's random models, by model type: `peft-lab bench train
 * --model-type <type> --method <name>` and the native benchmark. The models' module names differ
 * (GPT-2's `c_attn` is the fused q/k/v projection; T5 has `q`, `k`, `v`, `o` in every attention), so a
 * targeting method gives each its own config. A model type left out: the method is not a `--method`
 * choice for it.
 */
export type TrainBenchCase = Readonly<Partial<Record<ModelFamilyName, TrainBenchSetting>>>;

/** One row of the inference benchmark: greedy decoding on the suites' base models. */
export interface InferenceBenchCase {
  /** The row's name in the benchmark output (and so in bench.json and the report's table). */
  label: string;
  peft_config: Record<string, unknown>;
  /** Folded into the base weights before decoding (a layer method's merge). */
  merge?: boolean;
  /** Also timed without the KV cache, where the adapter's math runs over the whole sequence at every step. */
  withoutCache?: boolean;
}
