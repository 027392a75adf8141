/**
 * The speed workloads of `peft-lab bench` and `vitest bench`: a GPT-2-style decoder with random
 * weights and random data, trained (each method that declares a trainBenchCase: LoRA on the fused qkv,
 * full fine-tuning) or decoded greedily with the KV cache. Numbers are medians over the timed steps after warm-up, so one slow GC pause does not
 * move them.
 *
 * The training step is the Trainer's inner step without its data pipeline, checkpoints and logs:
 * the real PEFT model (getPeftModel with the method's trainBenchCase), forward with labels,
 * tf.variableGrads over the trainable variables, and the Trainer's AdamW (src/train/adamw.ts).
 * `TrainStepFactory` is the seam for measuring another step (e.g. the whole Trainer) the same way.
 */
import os from 'node:os';
import { tf, type Tensor } from '../src/engine/tf.ts';
import { initBackend, type BackendInfo } from '../src/engine/backend.ts';
import { UserError } from '../src/util/errors.ts';
import { GPT2LMHeadModel } from '../src/models/gpt2/model.ts';
import { gpt2Config } from '../src/models/gpt2/config.ts';
import { Rng } from '../src/engine/random.ts';
import { generate } from '../src/generate/generate.ts';
import { getPeftModel } from '../src/peft/getPeftModel.ts';
import { listPlugins } from '../src/peft/plugin.ts';
import type { TrainBenchCase } from '../src/peft/benchCase.ts';
import type { PeftModel } from '../src/peft/peftModel.ts';
import { AdamW } from '../src/train/adamw.ts';
import { nativeStatus } from '../src/engine/native/addon.ts';
import { causalLMLossFused, geluNewFused, layerNormFused } from '../src/engine/native/fused.ts';
import { LayerNorm } from '../src/models/linear.ts';
import { median } from '../src/util/median.ts';

export interface BenchModelConfig {
  n_layer: number;
  n_embd: number;
  n_head: number;
  vocab_size: number;
  seq: number;
  batch: number;
}

/** The two benchmark configurations (PyTorch was measured on the same shapes). */
export const BENCH_CONFIGS: Record<'small' | 'base', BenchModelConfig> = {
  small: { n_layer: 2, n_embd: 128, n_head: 4, vocab_size: 4096, seq: 64, batch: 8 },
  base: { n_layer: 4, n_embd: 256, n_head: 4, vocab_size: 8192, seq: 128, batch: 8 },
};

export type BenchConfigName = keyof typeof BENCH_CONFIGS;

/** A registered method whose plugin declares a training step to time, with that step. */
export interface BenchMethod {
  name: string;
  /** Full fine-tuning, whose step is the slowest. */
  isBaseline: boolean;
  bench: TrainBenchCase;
}

/** The methods `bench train --method` accepts, in registration order. */
export function benchMethods(): BenchMethod[] {
  return listPlugins().flatMap((p) => (p.trainBenchCase ? [{ name: p.name, isBaseline: p.isBaseline, bench: p.trainBenchCase }] : []));
}

/** The bench method called `name`; the error lists the valid ones as `--method` takes them. */
export function benchMethod(name: string): BenchMethod {
  const methods = benchMethods();
  const m = methods.find((x) => x.name === name);
  if (!m) throw new UserError(`bench: --method must be one of ${methods.map((x) => x.name).join(', ')}, got '${name}'`);
  return m;
}

export interface BenchResult {
  tokens_per_s: number;
  step_ms: number;
  peak_rss_mb: number;
  backend: string;
  /** What ran, so that a result file is self-describing. */
  detail: Record<string, unknown>;
}

export function benchConfig(name: string): BenchModelConfig {
  const c = (BENCH_CONFIGS as Record<string, BenchModelConfig>)[name];
  if (!c) throw new UserError(`--config '${name}' is not a bench configuration; valid: ${Object.keys(BENCH_CONFIGS).join(', ')}`);
  return c;
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

/** The measured setup: method `name` (one of benchMethods()) attached as its trainBenchCase says. */
export function applyBenchMethod(model: GPT2LMHeadModel, name: string): { peft: PeftModel; note: string } {
  const { bench } = benchMethod(name);
  return { peft: getPeftModel(model, name, { ...bench.peft_config }, { seed: 0 }), note: bench.note };
}

function peakRssMb(): number {
  // maxRSS is in kilobytes on every platform Node supports.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * The spread of the timed steps and the machine's load: on a shared machine the median moves with
 * what else runs, and the fastest step and the CPU time per step show what the code itself costs.
 */
function timingDetail(times: number[], cpu: number[], unit = 'step'): Record<string, number | number[]> {
  return {
    [`min_${unit}_ms`]: Math.round(Math.min(...times) * 10) / 10,
    [`cpu_ms_per_${unit}`]: Math.round(median(cpu) * 10) / 10,
    load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function backendLabel(info: BackendInfo): string {
  const n = nativeStatus();
  return n.info && n.activeFor.includes(info.tfBackend) ? `${info.tfBackend}+native(${n.info.isa},${n.info.threads}t)` : info.tfBackend;
}

function randomIds(rng: Rng, B: number, T: number, V: number): Tensor {
  const ids = new Int32Array(B * T);
  for (let i = 0; i < ids.length; i++) ids[i] = rng.int(V);
  return tf.tensor2d(ids, [B, T], 'int32');
}

export interface TrainBenchOptions {
  config: BenchConfigName;
  /** A method of benchMethods(). */
  method: string;
  steps: number;
  warmup?: number;
  dropout?: number;
  lr?: number;
  /** Swap in the fused GELU / LayerNorm / causal-LM loss (see useFusedOps). */
  fused?: boolean;
}

/** One optimisation step on a batch; returns the loss. */
export type TrainStep = (inputIds: Tensor) => number;
export type TrainStepFactory = (model: PeftModel, lr: number, opts?: { fusedLoss?: boolean }) => TrainStep;

/** The Trainer's step (src/train/trainer.ts): gradients by variable, then its AdamW. */
export const trainerStep: TrainStepFactory = (model, lr, opts = {}) => {
  const params = model.trainableParameters();
  const vars = params.map(([, v]) => v);
  const optimizer = new AdamW(params, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, new Set());
  return (inputIds) => {
    const objective = () =>
      opts.fusedLoss ? causalLMLossFused(model.forward({ inputIds }).logits, inputIds) : (model.forward({ inputIds, labels: inputIds }).loss as tf.Scalar);
    const { value, grads } = tf.variableGrads(objective, vars);
    optimizer.apply(new Map(params.map(([n, v]) => [n, grads[v.name]!])), lr);
    tf.dispose(grads);
    const loss = value.dataSync()[0]!;
    value.dispose();
    return loss;
  };
};

export async function benchTrain(o: TrainBenchOptions, makeStep: TrainStepFactory = trainerStep): Promise<BenchResult> {
  const info = await initBackend();
  const cfg = benchConfig(o.config);
  const dropout = o.dropout ?? 0.1;
  const base = randomGpt2(cfg, { dropout });
  if (o.fused) useFusedOps(base);
  const { peft: model, note } = applyBenchMethod(base, o.method);
  model.train();
  const step = makeStep(model, o.lr ?? 1e-4, { fusedLoss: o.fused });
  const rng = new Rng(7);
  const warmup = o.warmup ?? 2;
  const times: number[] = [];
  const cpu: number[] = [];
  let loss = NaN;
  for (let i = 0; i < warmup + o.steps; i++) {
    const ids = randomIds(rng, cfg.batch, cfg.seq, cfg.vocab_size);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    loss = step(ids);
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    ids.dispose();
    if (i >= warmup) {
      times.push(dt);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  const trainable = model.trainableParameters().reduce((s, [, v]) => s + v.size, 0);
  model.dispose();
  const stepMs = median(times);
  return {
    tokens_per_s: Math.round((cfg.batch * cfg.seq * 1000) / stepMs),
    step_ms: Math.round(stepMs * 10) / 10,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: {
      config: o.config,
      method: o.method,
      steps: o.steps,
      warmup,
      dropout,
      trainable,
      note,
      last_loss: loss,
      fused_ops: !!o.fused,
      ...timingDetail(times, cpu),
    },
  };
}

export interface GenerateBenchOptions {
  config: BenchConfigName;
  batch: number;
  promptLength?: number;
  newTokens?: number;
  runs?: number;
  warmup?: number;
  fused?: boolean;
}

/** Greedy decoding with the KV cache; tokens/s counts new tokens of all rows (prefill included in the time). */
export async function benchGenerate(o: GenerateBenchOptions): Promise<BenchResult> {
  const info = await initBackend();
  const cfg = benchConfig(o.config);
  const model = randomGpt2(cfg, { dropout: 0 });
  if (o.fused) useFusedOps(model);
  model.eval();
  const P = o.promptLength ?? 16;
  const N = o.newTokens ?? 32;
  const rng = new Rng(11);
  const warmup = o.warmup ?? 1;
  const runs = o.runs ?? 5;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const prompts = Array.from({ length: o.batch }, () => Array.from({ length: P }, () => rng.int(cfg.vocab_size)));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // No EOS: every run produces exactly N tokens per row, so runs are comparable.
    const r = generate(model, { inputIds: prompts }, { strategy: 'greedy', maxNewTokens: N, eosTokenId: [], padTokenId: 0 });
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r.sequences[0]!.length !== P + N) throw new Error('generation stopped early');
    if (i >= warmup) {
      times.push(dt);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  model.dispose();
  const runMs = median(times);
  return {
    tokens_per_s: Math.round((o.batch * N * 1000) / runMs),
    step_ms: Math.round((runMs / N) * 100) / 100,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: { config: o.config, batch: o.batch, prompt_tokens: P, new_tokens: N, runs, warmup, fused_ops: !!o.fused, ...timingDetail(times, cpu, 'run') },
  };
}
