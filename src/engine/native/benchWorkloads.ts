/**
 * The speed workloads of issue 6 (`peft-lab bench` and `vitest bench`): a GPT-2-style decoder with random
 * weights and random data, trained (LoRA on the fused qkv, or full fine-tuning) or decoded greedily with
 * the KV cache. Numbers are medians over the timed steps after warm-up, so one slow GC pause does not
 * move them.
 *
 * The training step is a stand-in for the real trainer (src/train) while it is being written: forward
 * with labels, tf.variableGrads over the trainable variables, AdamW. `TrainStepFactory` is the seam where
 * the real trainer plugs in later without changing the measurement code.
 */
import { tf, type Tensor } from '../tf.ts';
// tfjs-core's entry point registers no gradients (the tfjs union package does); training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { initBackend, type BackendInfo } from '../backend.ts';
import { UserError } from '../../util/errors.ts';
import { GPT2LMHeadModel } from '../../models/gpt2/model.ts';
import { gpt2Config } from '../../models/gpt2/config.ts';
import { Module } from '../../models/module.ts';
import type { LinearLike } from '../../models/linear.ts';
import { Rng } from '../random.ts';
import { generate } from '../../generate/generate.ts';
import { adamwUpdate } from './adamw.ts';
import { nativeStatus } from './addon.ts';

export interface BenchModelConfig {
  n_layer: number;
  n_embd: number;
  n_head: number;
  vocab_size: number;
  seq: number;
  batch: number;
}

/** The two configurations of the table (PyTorch measured on the same shapes). */
export const BENCH_CONFIGS: Record<'small' | 'base', BenchModelConfig> = {
  small: { n_layer: 2, n_embd: 128, n_head: 4, vocab_size: 4096, seq: 64, batch: 8 },
  base: { n_layer: 4, n_embd: 256, n_head: 4, vocab_size: 8192, seq: 128, batch: 8 },
};

export type BenchConfigName = keyof typeof BENCH_CONFIGS;
export type BenchMethod = 'lora' | 'full';

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
 * peft's LoRA on a Conv1D (fan_in_fan_out): y = base(x) + (x·A)·B·(alpha/r), A [in, r] Kaiming-like
 * random, B [r, out] zeros as peft initialises it, base frozen. Used only while plugins/lora is not there.
 */
class BenchLoraConv1D extends Module implements LinearLike {
  readonly fanInFanOut = true;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly loraA: tf.Variable;
  readonly loraB: tf.Variable;
  constructor(
    readonly base: LinearLike,
    r: number,
    readonly scaling: number,
    seed: number,
  ) {
    super();
    this.inFeatures = base.inFeatures;
    this.outFeatures = base.outFeatures;
    this.registerModule('base_layer', base);
    const bound = 1 / Math.sqrt(this.inFeatures);
    this.loraA = this.registerParameter('lora_A', tf.randomUniform([this.inFeatures, r], -bound, bound, 'float32', seed));
    this.loraB = this.registerParameter('lora_B', tf.zeros([r, this.outFeatures]));
  }
  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const x2 = x.reshape([-1, this.inFeatures]) as tf.Tensor2D;
      const delta = tf.matMul(tf.matMul(x2, this.loraA), this.loraB).mul(this.scaling);
      return tf.add(this.base.forward(x), delta.reshape([...lead, this.outFeatures]));
    });
  }
  weightOutIn(): Tensor {
    return tf.tidy(() => tf.add(this.base.weightOutIn(), tf.matMul(this.loraA, this.loraB).mul(this.scaling).transpose()));
  }
}

/** Which variables a method trains; the rest are frozen (no gradient computed for them). */
function prepareMethod(model: GPT2LMHeadModel, method: BenchMethod): { vars: tf.Variable[]; note: string } {
  if (method === 'full') return { vars: model.namedParameters().map(([, p]) => p), note: 'all parameters, tied head' };
  const r = 8;
  const alpha = 16;
  model.transformer.h.forEach((block, i) => {
    block.attn.replaceChild('c_attn', new BenchLoraConv1D(block.attn.c_attn, r, alpha / r, 100 + i));
  });
  const vars = model.namedParameters().filter(([n]) => n.includes('lora_')).map(([, p]) => p);
  return { vars, note: `LoRA r=${r} alpha=${alpha} on c_attn (bench-local LoRA module; plugins/lora not used)` };
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes on every platform Node supports.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function backendLabel(info: BackendInfo): string {
  const n = nativeStatus();
  return n.active ? `${info.tfBackend}+native(${n.isa},${n.threads}t)` : info.tfBackend;
}

function randomIds(rng: Rng, B: number, T: number, V: number): Tensor {
  const ids = new Int32Array(B * T);
  for (let i = 0; i < ids.length; i++) ids[i] = rng.int(V);
  return tf.tensor2d(ids, [B, T], 'int32');
}

export interface TrainBenchOptions {
  config: BenchConfigName;
  method: BenchMethod;
  steps: number;
  warmup?: number;
  dropout?: number;
  lr?: number;
}

/** One optimisation step on a batch; returns the loss. The real trainer will provide its own. */
export type TrainStep = (inputIds: Tensor) => number;
export type TrainStepFactory = (model: GPT2LMHeadModel, vars: tf.Variable[], lr: number) => TrainStep;

export const localTrainStep: TrainStepFactory = (model, vars, lr) => {
  const state = vars.map((v) => ({ m: tf.zerosLike(v), v: tf.zerosLike(v) }));
  let t = 0;
  return (inputIds) => {
    t++;
    const { value, grads } = tf.variableGrads(() => model.forward({ inputIds, labels: inputIds }).loss as tf.Scalar, vars);
    vars.forEach((p, i) => {
      const s = state[i]!;
      const next = adamwUpdate(p, grads[p.name]!, s.m, s.v, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: t });
      s.m.dispose();
      s.v.dispose();
      s.m = next.m;
      s.v = next.v;
    });
    tf.dispose(grads);
    const loss = value.dataSync()[0]!;
    value.dispose();
    return loss;
  };
};

export async function benchTrain(o: TrainBenchOptions, makeStep: TrainStepFactory = localTrainStep): Promise<BenchResult> {
  const info = await initBackend();
  const cfg = benchConfig(o.config);
  const dropout = o.dropout ?? 0.1;
  const model = randomGpt2(cfg, { dropout });
  const { vars, note } = prepareMethod(model, o.method);
  model.train();
  const step = makeStep(model, vars, o.lr ?? 1e-4);
  const rng = new Rng(7);
  const warmup = o.warmup ?? 2;
  const times: number[] = [];
  let loss = NaN;
  for (let i = 0; i < warmup + o.steps; i++) {
    const ids = randomIds(rng, cfg.batch, cfg.seq, cfg.vocab_size);
    const t0 = performance.now();
    loss = step(ids);
    const dt = performance.now() - t0;
    ids.dispose();
    if (i >= warmup) times.push(dt);
  }
  model.dispose();
  const stepMs = median(times);
  return {
    tokens_per_s: Math.round((cfg.batch * cfg.seq * 1000) / stepMs),
    step_ms: Math.round(stepMs * 10) / 10,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: { config: o.config, method: o.method, steps: o.steps, warmup, dropout, trainable: vars.reduce((s, v) => s + v.size, 0), note, last_loss: loss },
  };
}

export interface GenerateBenchOptions {
  config: BenchConfigName;
  batch: number;
  promptLength?: number;
  newTokens?: number;
  runs?: number;
  warmup?: number;
}

/** Greedy decoding with the KV cache; tokens/s counts new tokens of all rows (prefill included in the time). */
export async function benchGenerate(o: GenerateBenchOptions): Promise<BenchResult> {
  const info = await initBackend();
  const cfg = benchConfig(o.config);
  const model = randomGpt2(cfg, { dropout: 0 });
  model.eval();
  const P = o.promptLength ?? 16;
  const N = o.newTokens ?? 32;
  const rng = new Rng(11);
  const warmup = o.warmup ?? 1;
  const runs = o.runs ?? 5;
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const prompts = Array.from({ length: o.batch }, () => Array.from({ length: P }, () => rng.int(cfg.vocab_size)));
    const t0 = performance.now();
    // No EOS: every run produces exactly N tokens per row, so runs are comparable.
    const r = generate(model, { inputIds: prompts }, { strategy: 'greedy', maxNewTokens: N, eosTokenId: [], padTokenId: 0 });
    const dt = performance.now() - t0;
    if (r.sequences[0]!.length !== P + N) throw new Error('generation stopped early');
    if (i >= warmup) times.push(dt);
  }
  model.dispose();
  const runMs = median(times);
  return {
    tokens_per_s: Math.round((o.batch * N * 1000) / runMs),
    step_ms: Math.round((runMs / N) * 100) / 100,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: { config: o.config, batch: o.batch, prompt_tokens: P, new_tokens: N, runs, warmup },
  };
}
