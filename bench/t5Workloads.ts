/**
 * The T5 workloads of `peft-lab bench --model-type t5`: a random-weight T5 (relu feed-forward, head
 * tied to the shared embedding, as t5-micro and t5-small have), trained on random encoder inputs and
 * decoder labels, or decoded greedily with the KV cache after encoding a random prompt.
 */
import { initBackend } from '../src/engine/backend.ts';
import { Rng } from '../src/engine/random.ts';
import { t5Config } from '../src/models/t5/config.ts';
import { T5ForConditionalGeneration } from '../src/models/t5/model.ts';
import { initWeights } from '../src/pretrain/init.ts';
import { applyBenchMethod } from './methods.ts';
import { randomIds, type BenchResult } from './measure.ts';
import { lookupConfig, type GenerateBenchOptions, type TrainBenchOptions } from './runOptions.ts';
import { timeTraining, trainerStep, trainResult, type TrainStepFactory } from './trainStep.ts';
import { generationResult, timeGeneration } from './generation.ts';

export interface T5BenchConfig {
  num_layers: number;
  num_decoder_layers: number;
  d_model: number;
  d_ff: number;
  d_kv: number;
  num_heads: number;
  vocab_size: number;
  /** Encoder input tokens per sequence; the decoder learns t5TargetTokens(seq) tokens. */
  seq: number;
  batch: number;
}

/**
 * `small`: the half-size analogue of GPT-2 `small` (2 + 2 layers, width 128); `base`: the shape of
 * fixtures/models/t5-micro; `t5-small`: the real t5-small (60M), for what the `full` profile's base
 * model costs here. Relative attention as T5Config's defaults (32 buckets, max distance 128).
 */
export const T5_BENCH_CONFIGS = {
  small: { num_layers: 2, num_decoder_layers: 2, d_model: 128, d_ff: 256, d_kv: 32, num_heads: 4, vocab_size: 4096, seq: 64, batch: 8 },
  base: { num_layers: 3, num_decoder_layers: 3, d_model: 256, d_ff: 512, d_kv: 64, num_heads: 4, vocab_size: 8192, seq: 128, batch: 8 },
  't5-small': { num_layers: 6, num_decoder_layers: 6, d_model: 512, d_ff: 2048, d_kv: 64, num_heads: 8, vocab_size: 32128, seq: 128, batch: 8 },
} satisfies Record<string, T5BenchConfig>;

/** The T5 configuration `name`; the error names the valid ones. */
export function t5BenchConfig(name: string): T5BenchConfig {
  return lookupConfig<T5BenchConfig>(T5_BENCH_CONFIGS, name, 't5');
}

/** Decoder labels per sequence: half the encoder's input, as a denoising or translation target is shorter. */
export function t5TargetTokens(seq: number): number {
  return Math.max(1, Math.floor(seq / 2));
}

/** The config.json fields of the shape, as detail.shape reports them. */
function t5Shape(cfg: T5BenchConfig): Record<string, number | string | boolean> {
  const { seq: _seq, batch: _batch, ...shape } = cfg;
  return { ...shape, feed_forward_proj: 'relu', tie_word_embeddings: true };
}

/** T5 with transformers' initialisation (T5PreTrainedModel._init_weights, see src/pretrain/init.ts), seeded. */
export function randomT5(cfg: T5BenchConfig, opts: { dropout: number; seed?: number }): T5ForConditionalGeneration {
  const model = new T5ForConditionalGeneration(t5Config({ ...t5Shape(cfg), dropout_rate: opts.dropout }, 'bench t5 config'));
  initWeights(model, opts.seed ?? 1);
  return model;
}

export async function benchTrainT5(o: TrainBenchOptions, makeStep: TrainStepFactory = trainerStep): Promise<BenchResult> {
  const cfg = t5BenchConfig(o.config);
  const info = await initBackend();
  const dropout = o.dropout ?? 0.1;
  const batch = o.batch ?? cfg.batch;
  const targets = t5TargetTokens(cfg.seq);
  const base = randomT5(cfg, { dropout });
  const parameters = base.numParameters();
  const { peft: model, note } = applyBenchMethod(base, o.method);
  model.train();
  const step = makeStep(model, o.lr ?? 1e-4);
  const rng = new Rng(7);
  const warmup = o.warmup ?? 2;
  const nextBatch = () => ({ inputIds: randomIds(rng, batch, cfg.seq, cfg.vocab_size), labels: randomIds(rng, batch, targets, cfg.vocab_size) });
  const timed = timeTraining(model, step, { warmup, steps: o.steps, nextBatch });
  return trainResult(info, timed, batch * (cfg.seq + targets), {
    model_type: 't5',
    config: o.config,
    shape: t5Shape(cfg),
    parameters,
    batch,
    input_tokens: cfg.seq,
    target_tokens: targets,
    method: o.method,
    steps: o.steps,
    warmup,
    dropout,
    note,
    fused_ops: false,
  });
}

/** Greedy decoding with the KV cache: the prompt is encoded once, then the decoder runs newTokens steps from the start token. */
export async function benchGenerateT5(o: GenerateBenchOptions): Promise<BenchResult> {
  const cfg = t5BenchConfig(o.config);
  const info = await initBackend();
  const model = randomT5(cfg, { dropout: 0 });
  model.eval();
  const runs = { batch: o.batch, promptLength: o.promptLength ?? 16, newTokens: o.newTokens ?? 32, runs: o.runs ?? 5, warmup: o.warmup ?? 1 };
  try {
    const timed = timeGeneration(model, runs);
    return generationResult(info, runs, timed, { model_type: 't5', config: o.config, shape: t5Shape(cfg), fused_ops: false });
  } finally {
    model.dispose();
  }
}
