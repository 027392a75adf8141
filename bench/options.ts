/**
 * How long every benchmark runs: at least `iterations` timed runs and at least `time` ms, whichever
 * is longer (tinybench's rule), after `warmupIterations` untimed ones. The relative margin of error
 * vitest prints (rme, a 95% interval on the mean) falls with the square root of the runs. Measured on
 * an idle 2-core machine: with 3 runs, as these benchmarks once had, it reached 20–70% for the
 * millisecond-scale decoding benches; with 20 runs / 2 s / 2 warm-ups, 15 of 56 benches stayed above
 * 5% (batch-8 decoding at 70–130 ms per run up to 14%); with 50 runs / 5 s / 10 warm-ups, 54 of the 56 are
 * at or under 5% (QLoRA batch-1 decoding 6.0%, all metrics on 200 segments 7.2%), and the whole
 * `npx vitest bench --run` takes about 11 minutes.
 */
export const BENCH_OPTIONS = { iterations: 50, time: 5000, warmupIterations: 10 } as const;
