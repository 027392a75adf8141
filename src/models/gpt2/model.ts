/**
 * GPT-2 (GPT2LMHeadModel semantics of transformers 4.39) in one file, nanoGPT style.
 * Shapes: B batch, T new tokens, P cached (past) tokens, C n_embd, H heads, D head dim, V vocab.
 */
import { tf, type Tensor } from '../../engine/tf.ts';
import { activation, causalLMLoss, dropout, FLOAT32_MIN } from '../../engine/ops.ts';
import { Module, ModuleList } from '../module.ts';
import { Conv1D, Embedding, LayerNorm, Linear, type LinearLike } from '../linear.ts';
import { normParameterNames } from '../noDecay.ts';
import type { ModelInput, LayerKV, ModelOutput } from '../outputs.ts';
import type { GPT2Config } from './config.ts';
import { nextDropoutSeed } from '../../engine/random.ts';
import { attendCached } from '../../engine/native/attention.ts';
import { UserError } from '../../util/errors.ts';

export class GPT2Attention extends Module {
  c_attn: LinearLike;
  c_proj: LinearLike;
  constructor(readonly config: GPT2Config) {
    super();
    const C = config.n_embd;
    this.c_attn = this.registerModule('c_attn', new Conv1D(3 * C, C));
    this.c_proj = this.registerModule('c_proj', new Conv1D(C, C));
  }

  protected override onChildReplaced(name: string, m: Module): void {
    if (name === 'c_attn') this.c_attn = m as LinearLike;
    if (name === 'c_proj') this.c_proj = m as LinearLike;
  }

  /** x [B,T,C], bias [B|1, 1, T, P+T] additive mask. Returns output and this layer's (past+new) K/V. */
  forward(x: Tensor, bias: Tensor, past: LayerKV | undefined): { out: Tensor; present: LayerKV } {
    const { n_head: H, n_embd: C } = this.config;
    const [B, T] = x.shape as [number, number, number];
    const D = C / H;
    const qkv = this.c_attn.forward(x); // [B,T,3C]
    if (!this.training) {
      // Decoding steps: the whole attention in one native call when available.
      const divisor = this.config.scale_attn_weights ? Math.sqrt(D) : 1;
      const fast = attendCached({
        q: qkv,
        k: qkv,
        v: qkv,
        kOffset: C,
        vOffset: 2 * C,
        pastKey: past?.key,
        pastValue: past?.value,
        bias,
        heads: H,
        headDim: D,
        divisor,
      });
      if (fast) return { out: this.c_proj.forward(fast.out), present: { key: fast.key, value: fast.value } };
    }
    const heads = (t: Tensor) => t.reshape([B, T, H, D]).transpose([0, 2, 1, 3]); // [B,H,T,D]
    const [q, kNew, vNew] = tf.split(qkv, 3, -1).map(heads) as [Tensor, Tensor, Tensor];
    const k = past ? tf.concat([past.key, kNew], 2) : kNew; // [B,H,P+T,D]
    const v = past ? tf.concat([past.value, vNew], 2) : vNew;
    let att = tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true); // [B,H,T,P+T]
    if (this.config.scale_attn_weights) att = tf.div(att, Math.sqrt(D));
    att = tf.softmax(tf.add(att, bias));
    att = dropout(att, this.config.attn_pdrop, this.training, nextDropoutSeed());
    const y = tf
      .matMul(att as tf.Tensor4D, v as tf.Tensor4D)
      .transpose([0, 2, 1, 3])
      .reshape([B, T, C]);
    const out = dropout(this.c_proj.forward(y), this.config.resid_pdrop, this.training, nextDropoutSeed());
    return { out, present: { key: k, value: v } };
  }
}

export class GPT2MLP extends Module {
  c_fc: LinearLike;
  c_proj: LinearLike;
  private readonly act: (x: Tensor) => Tensor;
  constructor(readonly config: GPT2Config) {
    super();
    const C = config.n_embd;
    const inner = config.n_inner ?? 4 * C;
    this.c_fc = this.registerModule('c_fc', new Conv1D(inner, C));
    this.c_proj = this.registerModule('c_proj', new Conv1D(C, inner));
    this.act = activation(config.activation_function);
  }

  protected override onChildReplaced(name: string, m: Module): void {
    if (name === 'c_fc') this.c_fc = m as LinearLike;
    if (name === 'c_proj') this.c_proj = m as LinearLike;
  }

  forward(x: Tensor): Tensor {
    const h = this.c_proj.forward(this.act(this.c_fc.forward(x)));
    return dropout(h, this.config.resid_pdrop, this.training, nextDropoutSeed());
  }
}

export class GPT2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: GPT2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: GPT2MLP;
  constructor(config: GPT2Config) {
    super();
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
    this.attn = this.registerModule('attn', new GPT2Attention(config));
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
    this.mlp = this.registerModule('mlp', new GPT2MLP(config));
  }

  forward(x: Tensor, bias: Tensor, past: LayerKV | undefined): { out: Tensor; present: LayerKV } {
    const a = this.attn.forward(this.ln_1.forward(x), bias, past);
    const h = tf.add(x, a.out);
    return { out: tf.add(h, this.mlp.forward(this.ln_2.forward(h))), present: a.present };
  }
}

export class GPT2Model extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: GPT2Block[] = [];
  readonly ln_f: LayerNorm;
  constructor(readonly config: GPT2Config) {
    super();
    this.wte = this.registerModule('wte', new Embedding(config.vocab_size, config.n_embd));
    this.wpe = this.registerModule('wpe', new Embedding(config.n_positions, config.n_embd));
    const h = this.registerModule('h', new ModuleList());
    for (let i = 0; i < config.n_layer; i++) this.h.push(h.add(new GPT2Block(config)));
    this.ln_f = this.registerModule('ln_f', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
  }
}

/**
 * The additive attention bias [B|1, 1, T, P+T]: float32-min where a key is in the future (causal)
 * plus float32-min where the key is padding, exactly the sum HF forms (so two masks give -inf).
 */
export function causalPaddingBias(T: number, P: number, mask: Tensor | undefined): Tensor {
  const K = P + T;
  const causal = new Float32Array(T * K);
  for (let i = 0; i < T; i++) for (let j = 0; j < K; j++) causal[i * K + j] = j <= P + i ? 0 : FLOAT32_MIN;
  if (!mask) return tf.tensor4d(causal, [1, 1, T, K]);
  // Built here rather than with tensor ops (cast, sub, mul, reshape, add): one tensor per forward
  // instead of five ops, which matters at one token per decoding step. Same float32 values: the
  // sum of two float32-min entries overflows to -inf in both.
  const B = mask.shape[0]!;
  const m = mask.dataSync();
  const bias = new Float32Array(B * T * K);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < T; i++)
      for (let j = 0; j < K; j++) bias[(b * T + i) * K + j] = causal[i * K + j]! + Math.fround((1 - Number(m[b * K + j])) * FLOAT32_MIN);
  return tf.tensor4d(bias, [B, 1, T, K]);
}

export class GPT2LMHeadModel extends Module {
  readonly transformer: GPT2Model;
  /** Untied models keep their own head; tied ones read wte (no `lm_head.weight` in the checkpoint). */
  readonly lm_head?: Linear;

  constructor(readonly config: GPT2Config) {
    super();
    this.transformer = this.registerModule('transformer', new GPT2Model(config));
    if (!config.tie_word_embeddings) this.lm_head = this.registerModule('lm_head', new Linear(config.n_embd, config.vocab_size, { bias: false }));
  }

  readonly modelType = 'gpt2' as const;
  readonly isEncoderDecoder = false;

  get vocabSize(): number {
    return this.config.vocab_size;
  }

  noDecayParameterNames(): string[] {
    return normParameterNames(this, (m) => m instanceof LayerNorm);
  }

  /** Embeddings → blocks → ln_f → tied head. See ModelInput for the fields. */
  forward(input: ModelInput): ModelOutput {
    const t = this.transformer;
    const past = input.pastKeyValues;
    const P = past?.[0]?.key.shape[2] ?? 0;
    const embeds = input.inputsEmbeds ?? t.wte.forward(input.inputIds!); // [B,T,C]
    const [B, T] = embeds.shape as [number, number, number];
    if (P + T > this.config.n_positions)
      throw new UserError(
        `the sequence needs ${P + T} positions (cached, virtual and new tokens) but the model has n_positions=${this.config.n_positions}: shorten the input or generate fewer tokens`,
      );
    const positionIds = input.positionIds ?? tf.tile(tf.range(P, P + T, 1, 'int32').reshape([1, T]), [B, 1]);
    let x = tf.add(embeds, t.wpe.forward(positionIds));
    x = dropout(x, this.config.embd_pdrop, this.training, nextDropoutSeed());
    const bias = causalPaddingBias(T, P, input.attentionMask);
    const hidden: Tensor[] = [];
    const presents: LayerKV[] = [];
    t.h.forEach((block, i) => {
      if (input.outputHiddenStates) hidden.push(x);
      const r = block.forward(x, bias, past?.[i]);
      x = r.out;
      presents.push(r.present);
    });
    x = t.ln_f.forward(x);
    if (input.outputHiddenStates) hidden.push(x);
    const head = this.lm_head?.weight ?? t.wte.table();
    const logits = tf.matMul(x.reshape([B * T, this.config.n_embd]) as tf.Tensor2D, head as tf.Tensor2D, false, true).reshape([B, T, this.config.vocab_size]);
    const out: ModelOutput = { logits };
    if (input.useCache) out.pastKeyValues = presents;
    if (input.outputHiddenStates) out.hiddenStates = hidden;
    if (input.labels) out.loss = causalLMLoss(logits, input.labels);
    return out;
  }
}
