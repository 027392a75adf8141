/**
 * The speed workloads of `peft-lab bench` and `vitest bench`: a GPT-2-style decoder (here) or a T5
 * encoder-decoder (t5Workloads.ts) with random weights and random data, trained (each method that
 * declares a trainBenchCase for the model type: LoRA on its default targets, full fine-tuning) or
 * decoded greedily with the KV cache. Numbers are medians over the timed steps after warm-up, so one
 * slow GC pause does not move them.
 *
 * The training step is the Trainer's inner step without its data pipeline, checkpoints and logs
 * (trainStep.ts): the real PEFT model (getPeftModel with the method's trainBenchCase), forward with
 * labels, tf.variableGrads over the trainable variables, and the Trainer's AdamW.
 */
import { tf, type Tensor } from '../src/engine/tf.ts';
import { initBackend } from '../src/engine/backend.ts';
import { UserError } from '../src/util/errors.ts';
import { GPT2LMHeadModel } from '../src/models/gpt2/model.ts';
import { gpt2Config } from '../src/models/gpt2/config.ts';
import { Rng } from '../src/engine/random.ts';
import { geluNewFused, layerNormFused } from '../src/engine/native/fused.ts';
import { LayerNorm } from '../src/models/linear.ts';
import { applyBenchMethod } from './methods.ts';
import { randomIds, type BenchResult } from './measure.ts';
import { lookupConfig, type GenerateBenchOptions, type TrainBenchOptions } from './runOptions.ts';
import { timeTraining, trainerStep, trainResult, type TrainStepFactory } from './trainStep.ts';
import { generationResult, timeGeneration } from './generation.ts';
import { benchGenerateT5, benchTrainT5 } from './t5Workloads.ts';

export { applyBenchMethod, benchMethod, benchMethods, benchSetting, type BenchMethod } from './methods.ts';
export type { BenchResult } from './measure.ts';
export type { GenerateBenchOptions, TrainBenchOptions } from './runOptions.ts';
export { trainerStep, type TrainStep, type TrainStepFactory } from './trainStep.ts';
export { T5_BENCH_CONFIGS, randomT5, t5TargetTokens, type T5BenchConfig } from './t5Workloads.ts';
/** The `--model-type` values: the model families the experiments compare. */
export { MODEL_FAMILIES as BENCH_MODEL_TYPES } from '../src/models/registry.ts';

export interface BenchModelConfig {
  n_layer: number;
  n_embd: number;
  n_head: number;
  vocab_size: number;
  seq: number;
  batch: number;
}

/**
 * The GPT-2 configurations: `small` and `base` (PyTorch was measured on the same shapes), and `gpt2`,
 * the real GPT-2 (124M) shape, for what the `full` profile's base model costs here.
 */
export const BENCH_CONFIGS = {
  small: { n_layer: 2, n_embd: 128, n_head: 4, vocab_size: 4096, seq: 64, batch: 8 },
  base: { n_layer: 4, n_embd: 256, n_head: 4, vocab_size: 8192, seq: 128, batch: 8 },
  gpt2: { n_layer: 12, n_embd: 768, n_head: 12, vocab_size: 50257, seq: 128, batch: 8 },
} satisfies Record<string, BenchModelConfig>;

export type BenchConfigName = keyof typeof BENCH_CONFIGS;

/** The GPT-2 configuration `name`; the error names the valid ones. */
export function benchConfig(name: string): BenchModelConfig {
  return lookupConfig<BenchModelConfig>(BENCH_CONFIGS, name, 'gpt2');
}

/** GPT-2 with HF's initialisation (normal(0, 0.02), layer norms at 1/0), seeded. */
export function randomGpt2(cfg: BenchModelConfig, opts: { dropout: number; seed?: number }): GPT2LMHeadModel {
  const model = new GPT2LMHeadModel(
    gpt2Config({
      vocab_size: cfg.vocab_size,
      n_positions: Math.max(1024, cfg.seq),
      n_embd: cfg.n_embd,
      n_layer: cfg.n_layer,
      n_head: cfg.n_head,
      resid_pdrop: opts.dropout,
      embd_pdrop: opts.dropout,
      attn_pdrop: opts.dropout,
    }),
  );
  let seed = opts.seed ?? 1;
  for (const [name, p] of model.namedParameters()) {
    if (/\.ln_|ln_f\.|\.bias$/.test(name)) continue;
    const v = tf.randomNormal(p.shape, 0, 0.02, 'float32', seed++);
    p.assign(v);
    v.dispose();
  }
  return model;
}

/**
 * Preview of the fused operations (src/engine/native/fused.ts) before they are wired into ops.ts,
 * linear.ts and the GPT-2 loss: swaps them into this model instance only. Returns the loss to use.
 */
export function useFusedOps(model: GPT2LMHeadModel): void {
  for (const [, m] of model.namedModules()) {
    if (m instanceof LayerNorm) m.forward = (x: Tensor) => layerNormFused(x, m.weight, m.bias, m.eps);
  }
  for (const block of model.transformer.h) (block.mlp as unknown as { act: (x: Tensor) => Tensor }).act = geluNewFused;
}

/** The fused operations are GPT-2's (LayerNorm, GELU, causal-LM loss): T5 has none of them. */
function checkFused(o: { modelType?: string; fused?: boolean }): void {
  if (o.fused && o.modelType === 't5') throw new UserError('bench: --fused on applies to --model-type gpt2 only (its LayerNorm, GELU and causal-LM loss)');
}

function gpt2Shape(cfg: BenchModelConfig): Record<string, number> {
  return { n_layer: cfg.n_layer, n_embd: cfg.n_embd, n_head: cfg.n_head, vocab_size: cfg.vocab_size };
}

export async function benchTrain(o: TrainBenchOptions, makeStep: TrainStepFactory = trainerStep): Promise<BenchResult> {
  checkFused(o);
  if (o.modelType === 't5') return benchTrainT5(o, makeStep);
  const cfg = benchConfig(o.config);
  const info = await initBackend();
  const dropout = o.dropout ?? 0.1;
  const batch = o.batch ?? cfg.batch;
  const base = randomGpt2(cfg, { dropout });
  const parameters = base.numParameters();
  if (o.fused) useFusedOps(base);
  const { peft: model, note } = applyBenchMethod(base, o.method);
  model.train();
  const step = makeStep(model, o.lr ?? 1e-4, { fusedLoss: o.fused });
  const rng = new Rng(7);
  const warmup = o.warmup ?? 2;
  const timed = timeTraining(model, step, { warmup, steps: o.steps, nextBatch: () => ({ inputIds: randomIds(rng, batch, cfg.seq, cfg.vocab_size) }) });
  return trainResult(info, timed, batch * cfg.seq, {
    model_type: 'gpt2',
    config: o.config,
    shape: gpt2Shape(cfg),
    parameters,
    batch,
    seq: cfg.seq,
    method: o.method,
    steps: o.steps,
    warmup,
    dropout,
    note,
    fused_ops: !!o.fused,
  });
}

/** Greedy decoding with the KV cache; tokens/s counts new tokens of all rows (prefill included in the time). */
export async function benchGenerate(o: GenerateBenchOptions): Promise<BenchResult> {
  checkFused(o);
  if (o.modelType === 't5') return benchGenerateT5(o);
  const cfg = benchConfig(o.config);
  const info = await initBackend();
  const model = randomGpt2(cfg, { dropout: 0 });
  if (o.fused) useFusedOps(model);
  model.eval();
  const runs = { batch: o.batch, promptLength: o.promptLength ?? 16, newTokens: o.newTokens ?? 32, runs: o.runs ?? 5, warmup: o.warmup ?? 1 };
  try {
    const timed = timeGeneration(model, runs);
    return generationResult(info, runs, timed, { model_type: 'gpt2', config: o.config, shape: gpt2Shape(cfg), fused_ops: !!o.fused });
  } finally {
    model.dispose();
  }
}
