/**
 * A method's entries in the speed benchmarks (bench/): each plugin says which settings of itself are
 * timed, so the benchmarks name no method. Only types here; bench/ runs them.
 */

/**
 * One training step on the benchmark's random GPT-2 (whose `c_attn` is the fused q/k/v projection):
 * `peft-lab bench train --method <name>` and the native benchmark.
 */
export interface TrainBenchCase {
  peft_config: Record<string, unknown>;
  /** What was measured, written into the result's `detail.note`. */
  note: string;
}

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
