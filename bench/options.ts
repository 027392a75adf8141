/**
 * How long every benchmark runs: at least `iterations` timed runs and at least `time` ms, whichever
 * is longer (tinybench's rule). The relative margin of error vitest prints (rme, a 95% interval on
 * the mean) falls with the square root of the runs; with three timed runs, as these benchmarks once
 * had, it reached 20–70% for the millisecond-scale decoding benches on an idle machine. Twenty runs
 * and two seconds bring it to 5% or less where a run's spread is within ~10% of its mean.
 */
export const BENCH_OPTIONS = { iterations: 20, time: 2000, warmupIterations: 2 } as const;
