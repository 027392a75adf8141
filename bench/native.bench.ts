import { bench, describe } from 'vitest';
import { tf } from '../src/engine/tf.ts';
import { initBackend } from '../src/engine/backend.ts';
import { generate } from '../src/generate/generate.ts';
import { Rng } from '../src/engine/random.ts';
import { applyBenchMethod, benchMethods, BENCH_CONFIGS, randomGpt2, trainerStep, type BenchConfigName, type BenchMethod } from './workloads.ts';
import { registerAllPlugins } from '../plugins/index.ts';
import { BENCH_OPTIONS } from './options.ts';

/*
 * The speed workloads (bench/workloads.ts) under `vitest bench` (the same ones `peft-lab bench` prints as JSON): one
 * training step of each method with a GPT-2 trainBenchCase (LoRA, full fine-tuning) on the random `small` and `base` GPT-2
 * configurations, and greedy decoding of 32 tokens after a 16-token prompt. Tokens/s = tokens per step (batch × seq, or batch × 32) / mean
 * time. The backend is the one initBackend picks (wasm with the native kernels when they built);
 * PEFT_NATIVE=0 gives the plain tfjs-wasm baseline.
 */

registerAllPlugins();
await initBackend();

function trainBench(config: BenchConfigName, method: BenchMethod) {
  const cfg = BENCH_CONFIGS[config];
  const { peft } = applyBenchMethod(randomGpt2(cfg, { dropout: 0.1 }), method.name);
  peft.train();
  const step = trainerStep(peft, 1e-4);
  const rng = new Rng(7);
  const ids = tf.tensor2d(
    Array.from({ length: cfg.batch * cfg.seq }, () => rng.int(cfg.vocab_size)),
    [cfg.batch, cfg.seq],
    'int32',
  );
  bench(`train ${config} ${method.name} (${cfg.batch * cfg.seq} tokens/step)`, () => void step(ids), BENCH_OPTIONS);
}

function generateBench(config: BenchConfigName, batch: number) {
  const cfg = BENCH_CONFIGS[config];
  const model = randomGpt2(cfg, { dropout: 0 }).eval();
  const rng = new Rng(11);
  const prompts = Array.from({ length: batch }, () => Array.from({ length: 16 }, () => rng.int(cfg.vocab_size)));
  bench(
    `generate ${config} batch ${batch} (${batch * 32} tokens/run)`,
    () => void generate(model, { inputIds: prompts }, { strategy: 'greedy', maxNewTokens: 32, eosTokenId: [], padTokenId: 0 }),
    BENCH_OPTIONS,
  );
}

describe('training step', () => {
  for (const config of ['small', 'base'] as const) for (const method of benchMethods().filter((m) => m.bench.gpt2)) trainBench(config, method);
});

describe('greedy generation', () => {
  generateBench('small', 1);
  generateBench('base', 1);
  generateBench('base', 8);
});
