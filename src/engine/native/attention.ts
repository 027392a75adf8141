/**
 * Attention for a decoding step with a KV cache as one native call. A GPT-2 or T5 decoding step is
 * ~15 tfjs ops per layer around two tiny products (split, head transposes, cache concats, scale,
 * mask, softmax, merge), and at batch 1 their per-op overhead, not arithmetic, bounds the speed.
 *
 * Inference only: there is no gradient, so callers take this path only when no gradient is being
 * recorded, and fall back to their tfjs ops when it returns undefined (no addon, other dtypes,
 * a backend whose memory it cannot reach, or many query tokens, where the batched products win).
 */
import { tf, type Tensor } from '../tf.ts';
import { recordingGradients } from '../tape.ts';
import { accessFor } from './access.ts';
import { loadNative } from './addon.ts';

/** Query tokens above this go through the tfjs products (prefill, scoring a whole sequence). */
const MAX_QUERY_TOKENS = 4;

export interface CachedAttentionInput {
  /** Query rows [B, T, ≥H·D]; heads at columns [h·D, (h+1)·D) from `qOffset`. */
  q: Tensor;
  /**
   * The new key / value rows, laid out as q, appended to the cache (self-attention). Both absent:
   * attend over the cache as it is (cross-attention over the encoder's keys), which is returned unchanged.
   */
  k?: Tensor;
  v?: Tensor;
  qOffset?: number;
  kOffset?: number;
  vOffset?: number;
  /** [B, H, P, D] cached keys / values, absent on the first step (of self-attention). */
  pastKey?: Tensor;
  pastValue?: Tensor;
  /** Additive [1|B, 1|H, T, P+T]. */
  bias: Tensor;
  heads: number;
  headDim: number;
  /** Scores are q·kᵀ / divisor (GPT-2: √D; T5: 1). */
  divisor: number;
}

export interface CachedAttentionOutput {
  /** [B, T, H·D], heads merged. */
  out: Tensor;
  key: Tensor;
  value: Tensor;
}

/** softmax(q·kᵀ / divisor + bias)·v with the cache extended, or undefined when this path does not apply. */
export function attendCached(i: CachedAttentionInput): CachedAttentionOutput | undefined {
  const [B, T, ldq] = i.q.shape as [number, number, number];
  const H = i.heads;
  const D = i.headDim;
  const P = i.pastKey?.shape[2] ?? 0;
  // New key / value rows: T appended (self-attention), or none over a fixed cache (cross-attention).
  const N = i.k && i.v ? T : 0;
  if (T > MAX_QUERY_TOKENS || i.q.rank !== 3 || recordingGradients() || (N === 0 && (!i.pastKey || !i.pastValue))) return undefined;
  const addon = loadNative();
  if (!addon) return undefined;
  const ts = [i.q, i.bias, ...(N ? [i.k!, i.v!] : []), ...(i.pastKey ? [i.pastKey, i.pastValue!] : [])];
  if (ts.some((t) => t.dtype !== 'float32')) return undefined;
  const acc = accessFor(tf.getBackend(), tf.backend());
  if (!acc) return undefined;
  const [bB, bH, bT, bS] = i.bias.shape as [number, number, number, number];
  if (i.bias.rank !== 4 || (bB !== 1 && bB !== B) || (bH !== 1 && bH !== H) || bT !== T || bS !== P + N) return undefined;
  // Outputs first: allocating can grow the wasm heap, which detaches views taken before.
  const y = acc.alloc([B, T, H * D]);
  const kOut = N ? acc.alloc([B, H, P + N, D]) : undefined;
  const vOut = N ? acc.alloc([B, H, P + N, D]) : undefined;
  const view = (t: Tensor | undefined, offset = 0) => (t ? acc.f32(t)!.subarray(offset) : empty);
  const out = (info: tf.TensorInfo | undefined) => (info ? acc.f32(info)! : empty);
  addon.attendCached(
    view(i.q, i.qOffset),
    view(i.k, i.kOffset),
    view(i.v, i.vOffset),
    view(i.pastKey),
    view(i.pastValue),
    view(i.bias),
    acc.f32(y)!,
    out(kOut),
    out(vOut),
    Int32Array.of(B, T, P, H, D, ldq, i.k?.shape[2] ?? 0, i.v?.shape[2] ?? 0, bB, bH, N),
    i.divisor,
  );
  const wrap = (info: tf.TensorInfo): Tensor => tf.engine().makeTensorFromTensorInfo(info);
  return { out: wrap(y), key: kOut ? wrap(kOut) : i.pastKey!, value: vOut ? wrap(vOut) : i.pastValue! };
}

const empty = new Float32Array(0);
