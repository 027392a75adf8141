/**
 * T5 (T5ForConditionalGeneration semantics of transformers 4.39), v1.0 (relu, tied) and
 * v1.1 / flan / mT5 (gated-gelu, untied). Shapes: B batch, S encoder length, T decoder length,
 * P cached decoder tokens, C d_model, H heads, D d_kv, V vocab.
 */
import { tf, type Tensor } from '../../engine/tf.ts';
import { activation, crossEntropy, dropout, FLOAT32_MIN, rmsNorm } from '../../engine/ops.ts';
import { nextDropoutSeed } from '../../engine/random.ts';
import { Module, ModuleList } from '../module.ts';
import { Embedding, Linear, type LinearLike } from '../linear.ts';
import { normParameterNames } from '../noDecay.ts';
import type { LayerKV, ModelInput, ModelOutput } from '../outputs.ts';
import { feedForward, type T5Config } from './config.ts';
import { relativePositionBucket } from './relativePosition.ts';
import { attendCached } from '../../engine/native/attention.ts';

/** RMS norm without mean subtraction or bias, in float32 (T5LayerNorm). */
export class T5LayerNorm extends Module {
  readonly weight: tf.Variable;
  constructor(
    dim: number,
    readonly eps: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.ones([dim]));
  }
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}

export class T5Attention extends Module {
  q: LinearLike;
  k: LinearLike;
  v: LinearLike;
  o: LinearLike;
  readonly relative_attention_bias?: Embedding;
  constructor(
    readonly config: T5Config,
    readonly isDecoder: boolean,
    hasRelativeBias: boolean,
  ) {
    super();
    const inner = config.num_heads * config.d_kv;
    this.q = this.registerModule('q', new Linear(config.d_model, inner, { bias: false }));
    this.k = this.registerModule('k', new Linear(config.d_model, inner, { bias: false }));
    this.v = this.registerModule('v', new Linear(config.d_model, inner, { bias: false }));
    this.o = this.registerModule('o', new Linear(inner, config.d_model, { bias: false }));
    if (hasRelativeBias)
      this.relative_attention_bias = this.registerModule('relative_attention_bias', new Embedding(config.relative_attention_num_buckets, config.num_heads));
  }

  protected override onChildReplaced(name: string, m: Module): void {
    if (name === 'q' || name === 'k' || name === 'v' || name === 'o') this[name] = m as LinearLike;
  }

  /** Relative position bias [1, H, queryLen, keyLen] for queries at positions P..P+T-1. */
  computeBias(queryLen: number, keyLen: number, past: number): Tensor {
    const { relative_attention_num_buckets: nb, relative_attention_max_distance: md } = this.config;
    const buckets = new Int32Array(queryLen * keyLen);
    for (let i = 0; i < queryLen; i++)
      for (let j = 0; j < keyLen; j++) buckets[i * keyLen + j] = relativePositionBucket(j - (i + past), !this.isDecoder, nb, md);
    return tf.tidy(() =>
      this.relative_attention_bias!.forward(tf.tensor2d(buckets, [queryLen, keyLen], 'int32')) // [q,k,H]
        .transpose([2, 0, 1])
        .expandDims(0),
    );
  }

  private heads(x: Tensor): Tensor {
    const [B, L] = x.shape as [number, number, number];
    return x.reshape([B, L, this.config.num_heads, this.config.d_kv]).transpose([0, 2, 1, 3]);
  }

  /**
   * x [B,T,C]; `bias` is the additive position bias + mask [B|1, H|1, T, K]. Self-attention uses and
   * extends `past` (key/value); cross-attention (kvSource = encoder output) projects it, or reuses
   * the cached projection.
   */
  forward(x: Tensor, bias: Tensor, opts: { past?: { key: Tensor; value: Tensor }; kvSource?: Tensor }): { out: Tensor; key: Tensor; value: Tensor } {
    const [B, T] = x.shape as [number, number, number];
    const qRows = this.q.forward(x); // [B,T,H·D]
    const cached = opts.kvSource && opts.past;
    const src = opts.kvSource ?? x;
    const fresh = cached ? undefined : { k: this.k.forward(src), v: this.v.forward(src) }; // [B,S,H·D]
    if (!this.training && (!opts.kvSource || cached)) {
      // Decoding steps: the whole attention in one native call when available, self-attention
      // appending the step's keys to the cache, cross-attention over the encoder's keys once the
      // first step has projected them.
      const step = attendCached({
        q: qRows,
        ...(opts.kvSource ? {} : fresh),
        pastKey: opts.past?.key,
        pastValue: opts.past?.value,
        bias,
        heads: this.config.num_heads,
        headDim: this.config.d_kv,
        divisor: 1,
      });
      if (step) return { out: this.o.forward(step.out), key: step.key, value: step.value };
    }
    const q = this.heads(qRows); // [B,H,T,D]
    let key = cached ? opts.past!.key : this.heads(fresh!.k);
    let value = cached ? opts.past!.value : this.heads(fresh!.v);
    if (!opts.kvSource && opts.past) {
      key = tf.concat([opts.past.key, key], 2);
      value = tf.concat([opts.past.value, value], 2);
    }
    // T5 folds 1/sqrt(d_kv) into its initialisation: no scaling here.
    let scores = tf.add(tf.matMul(q as tf.Tensor4D, key as tf.Tensor4D, false, true), bias); // [B,H,T,K]
    scores = dropout(tf.softmax(scores), this.config.dropout_rate, this.training, nextDropoutSeed());
    const ctx = tf
      .matMul(scores as tf.Tensor4D, value as tf.Tensor4D)
      .transpose([0, 2, 1, 3])
      .reshape([B, T, this.config.num_heads * this.config.d_kv]);
    return { out: this.o.forward(ctx), key, value };
  }
}

/** Pre-norm residual wrapper used for T5's self-attention (layer.0) and cross-attention (layer.1). */
export class T5LayerAttention extends Module {
  readonly layer_norm: T5LayerNorm;
  readonly attn: T5Attention;
  constructor(
    readonly config: T5Config,
    isDecoder: boolean,
    hasRelativeBias: boolean,
    readonly cross: boolean,
  ) {
    super();
    this.attn = this.registerModule(cross ? 'EncDecAttention' : 'SelfAttention', new T5Attention(config, isDecoder, hasRelativeBias));
    this.layer_norm = this.registerModule('layer_norm', new T5LayerNorm(config.d_model, config.layer_norm_epsilon));
  }
  forward(x: Tensor, bias: Tensor, opts: { past?: { key: Tensor; value: Tensor }; kvSource?: Tensor }) {
    const r = this.attn.forward(this.layer_norm.forward(x), bias, opts);
    return { ...r, out: tf.add(x, dropout(r.out, this.config.dropout_rate, this.training, nextDropoutSeed())) };
  }
}

export class T5DenseActDense extends Module {
  wi?: LinearLike;
  wi_0?: LinearLike;
  wi_1?: LinearLike;
  wo: LinearLike;
  private readonly act: (x: Tensor) => Tensor;
  private readonly gated: boolean;
  constructor(readonly config: T5Config) {
    super();
    const { gated, act } = feedForward(config);
    this.gated = gated;
    this.act = activation(act);
    if (gated) {
      this.wi_0 = this.registerModule('wi_0', new Linear(config.d_model, config.d_ff, { bias: false }));
      this.wi_1 = this.registerModule('wi_1', new Linear(config.d_model, config.d_ff, { bias: false }));
    } else {
      this.wi = this.registerModule('wi', new Linear(config.d_model, config.d_ff, { bias: false }));
    }
    this.wo = this.registerModule('wo', new Linear(config.d_ff, config.d_model, { bias: false }));
  }
  protected override onChildReplaced(name: string, m: Module): void {
    if (name === 'wi' || name === 'wi_0' || name === 'wi_1' || name === 'wo') this[name] = m as LinearLike;
  }
  forward(x: Tensor): Tensor {
    const h = this.gated ? tf.mul(this.act(this.wi_0!.forward(x)), this.wi_1!.forward(x)) : this.act(this.wi!.forward(x));
    return this.wo.forward(dropout(h, this.config.dropout_rate, this.training, nextDropoutSeed()));
  }
}

export class T5LayerFF extends Module {
  readonly DenseReluDense: T5DenseActDense;
  readonly layer_norm: T5LayerNorm;
  constructor(readonly config: T5Config) {
    super();
    this.DenseReluDense = this.registerModule('DenseReluDense', new T5DenseActDense(config));
    this.layer_norm = this.registerModule('layer_norm', new T5LayerNorm(config.d_model, config.layer_norm_epsilon));
  }
  forward(x: Tensor): Tensor {
    const h = this.DenseReluDense.forward(this.layer_norm.forward(x));
    return tf.add(x, dropout(h, this.config.dropout_rate, this.training, nextDropoutSeed()));
  }
}

/** block.N: layer.0 self-attention, (decoder) layer.1 cross-attention, last layer the feed-forward. */
export class T5Block extends Module {
  readonly self: T5LayerAttention;
  readonly cross?: T5LayerAttention;
  readonly ff: T5LayerFF;
  constructor(config: T5Config, isDecoder: boolean, hasRelativeBias: boolean) {
    super();
    const layer = this.registerModule('layer', new ModuleList());
    this.self = layer.add(new T5LayerAttention(config, isDecoder, hasRelativeBias, false));
    if (isDecoder) this.cross = layer.add(new T5LayerAttention(config, true, false, true));
    this.ff = layer.add(new T5LayerFF(config));
  }
}

export class T5Stack extends Module {
  readonly block: T5Block[] = [];
  readonly final_layer_norm: T5LayerNorm;
  constructor(
    readonly config: T5Config,
    readonly isDecoder: boolean,
    readonly embedTokens: Embedding,
  ) {
    super();
    const n = isDecoder ? config.num_decoder_layers : config.num_layers;
    const list = this.registerModule('block', new ModuleList());
    for (let i = 0; i < n; i++) this.block.push(list.add(new T5Block(config, isDecoder, i === 0)));
    this.final_layer_norm = this.registerModule('final_layer_norm', new T5LayerNorm(config.d_model, config.layer_norm_epsilon));
  }

  /**
   * embeds [B,T,C]; mask [B, P+T] (0 = padding); for the decoder, encoder output and its mask and
   * the per-layer cache. Returns hidden states after the final norm, each layer's input (HF's
   * hidden_states) and the updated cache.
   */
  forward(
    embeds: Tensor,
    mask: Tensor | undefined,
    opts: { past?: LayerKV[]; encoderHidden?: Tensor; encoderMask?: Tensor; outputHiddenStates?: boolean } = {},
  ): { last: Tensor; hidden: Tensor[]; cache: LayerKV[] } {
    const [B, T] = embeds.shape as [number, number, number];
    const P = opts.past?.[0]?.key.shape[2] ?? 0;
    const K = P + T;
    const maskT = mask ?? tf.ones([B, K]);
    // Additive mask: float32-min where not allowed (the decoder multiplies causal × padding first).
    let additive: Tensor;
    if (this.isDecoder) {
      const causal = new Float32Array(T * K);
      for (let i = 0; i < T; i++) for (let j = 0; j < K; j++) causal[i * K + j] = j <= P + i ? 1 : 0;
      const allowed = tf.mul(tf.tensor4d(causal, [1, 1, T, K]), maskT.toFloat().reshape([B, 1, 1, K]));
      additive = tf.mul(tf.sub(1, allowed), FLOAT32_MIN);
    } else {
      additive = tf.mul(tf.sub(1, maskT.toFloat()), FLOAT32_MIN).reshape([B, 1, 1, K]);
    }
    const selfBias = tf.add(this.block[0]!.self.attn.computeBias(T, K, P), additive);
    const crossBias = opts.encoderHidden
      ? tf
          .mul(tf.sub(1, (opts.encoderMask ?? tf.ones(opts.encoderHidden.shape.slice(0, 2))).toFloat()), FLOAT32_MIN)
          .reshape([B, 1, 1, opts.encoderHidden.shape[1]!])
      : undefined;
    let x = dropout(embeds, this.config.dropout_rate, this.training, nextDropoutSeed());
    const hidden: Tensor[] = [];
    const cache: LayerKV[] = [];
    this.block.forEach((blk, i) => {
      if (opts.outputHiddenStates) hidden.push(x);
      const past = opts.past?.[i];
      const s = blk.self.forward(x, selfBias, { past });
      x = s.out;
      const kv: LayerKV = { key: s.key, value: s.value };
      if (blk.cross) {
        const crossPast = past?.crossKey ? { key: past.crossKey, value: past.crossValue! } : undefined;
        const c = blk.cross.forward(x, crossBias!, { past: crossPast, kvSource: opts.encoderHidden! });
        x = c.out;
        kv.crossKey = c.key;
        kv.crossValue = c.value;
      }
      x = blk.ff.forward(x);
      cache.push(kv);
    });
    x = dropout(this.final_layer_norm.forward(x), this.config.dropout_rate, this.training, nextDropoutSeed());
    if (opts.outputHiddenStates) hidden.push(x);
    return { last: x, hidden, cache };
  }
}

export class T5ForConditionalGeneration extends Module {
  readonly modelType = 't5' as const;
  readonly isEncoderDecoder = true;
  readonly shared: Embedding;
  readonly encoder: T5Stack;
  readonly decoder: T5Stack;
  readonly lm_head?: Linear;

  constructor(readonly config: T5Config) {
    super();
    this.shared = this.registerModule('shared', new Embedding(config.vocab_size, config.d_model));
    this.encoder = this.registerModule('encoder', new T5Stack(config, false, this.shared));
    this.decoder = this.registerModule('decoder', new T5Stack(config, true, this.shared));
    if (!config.tie_word_embeddings) this.lm_head = this.registerModule('lm_head', new Linear(config.d_model, config.vocab_size, { bias: false }));
  }

  get vocabSize(): number {
    return this.config.vocab_size;
  }

  noDecayParameterNames(): string[] {
    return normParameterNames(this, (m) => m instanceof T5LayerNorm);
  }

  /** Runs the encoder: [B,S] ids (or embeddings) → last hidden state [B,S,C] and per-layer states. */
  encode(input: Pick<ModelInput, 'inputIds' | 'inputsEmbeds' | 'attentionMask' | 'outputHiddenStates'>) {
    const embeds = input.inputsEmbeds ?? this.shared.forward(input.inputIds!);
    return this.encoder.forward(embeds, input.attentionMask, { outputHiddenStates: input.outputHiddenStates });
  }

  /** Labels → decoder inputs: shifted right, decoder_start_token_id first, -100 → pad. */
  shiftRight(labels: Tensor): Tensor {
    return tf.tidy(() => {
      const [B, T] = labels.shape as [number, number];
      const start = tf.fill([B, 1], this.config.decoder_start_token_id, 'int32');
      const shifted = tf.concat([start, labels.slice([0, 0], [B, T - 1]).toInt()], 1);
      return tf.where(tf.equal(shifted, -100), tf.fill([B, T], this.config.pad_token_id, 'int32'), shifted);
    });
  }

  forward(input: ModelInput): ModelOutput {
    const enc = input.encoderHiddenStates ? { last: input.encoderHiddenStates, hidden: [] as Tensor[] } : this.encode(input);
    const decIds = input.decoderInputIds ?? (input.labels ? this.shiftRight(input.labels) : undefined);
    if (!decIds) throw new Error('T5 needs decoderInputIds or labels');
    const dec = this.decoder.forward(this.shared.forward(decIds), input.decoderAttentionMask, {
      past: input.pastKeyValues,
      encoderHidden: enc.last,
      encoderMask: input.attentionMask,
      outputHiddenStates: input.outputHiddenStates,
    });
    const [B, T, C] = dec.last.shape as [number, number, number];
    // Tied embeddings: rescale by d_model^-0.5 before the (shared) LM head, as Mesh TF T5 did.
    const seq = this.config.tie_word_embeddings ? tf.mul(dec.last, this.config.d_model ** -0.5) : dec.last;
    const head = this.lm_head?.weight ?? this.shared.table();
    const logits = tf.matMul(seq.reshape([B * T, C]) as tf.Tensor2D, head as tf.Tensor2D, false, true).reshape([B, T, this.config.vocab_size]);
    const out: ModelOutput = { logits, encoderLastHiddenState: enc.last };
    if (input.useCache) out.pastKeyValues = dec.cache;
    if (input.outputHiddenStates) {
      out.hiddenStates = dec.hidden;
      out.encoderHiddenStates = enc.hidden;
    }
    if (input.labels) out.loss = crossEntropy(logits.reshape([B * T, this.config.vocab_size]), input.labels.reshape([B * T]));
    return out;
  }
}
