/**
 * Fused operations with their gradients, for the places where tfjs needs a chain of small ops:
 * GELU (8 ops forward, ~15 backward), LayerNorm (~10 / ~20) and the causal-LM cross-entropy over the
 * vocabulary (~15 passes over a [tokens, vocab] array, each kept alive until the backward pass ends).
 * With the native kernels each is one pass forward and one backward, saving only its input (and two
 * numbers per row); without them they fall back to the same math as tfjs ops.
 *
 * Drop-in replacements, same semantics and results within float rounding:
 *   geluNewFused(x)              ↔ ops.geluNew(x)
 *   layerNormFused(x, w, b, eps) ↔ LayerNorm.forward (torch.nn.LayerNorm over the last axis)
 *   rmsNormFused(x, w, eps)      ↔ T5LayerNorm.forward (RMS norm, no centring or bias)
 *   crossEntropyFused(l, y)      ↔ ops.crossEntropy(l, y)  (mean over labels ≠ -100)
 *   causalLMLossFused(l, y)      ↔ gpt2/model.ts causalLMLoss (shift inside, no copy of the logits)
 */
import { tf, type Tensor } from '../tf.ts';
import { recordingGradients } from '../tape.ts';
import { crossEntropyComposite as crossEntropy, geluNewComposite as geluNew, layerNormComposite, rmsNormComposite } from '../composite.ts';
import { accessFor, type TensorAccess } from './access.ts';
import { BINARY, loadNative, UNARY, type NativeAddon } from './addon.ts';

interface Native {
  addon: NativeAddon;
  acc: TensorAccess;
}

function native(...ts: Tensor[]): Native | undefined {
  const addon = loadNative();
  if (!addon || ts.some((t) => t.dtype !== 'float32')) return undefined;
  const acc = accessFor(tf.getBackend(), tf.backend());
  return acc ? { addon, acc } : undefined;
}

const wrap = (info: tf.TensorInfo): Tensor => tf.engine().makeTensorFromTensorInfo(info);
type CustomFn = Parameters<typeof tf.customGrad>[0];

/** gelu_new / gelu_pytorch_tanh, saving only x for the backward pass. */
export function geluNewFused(x: Tensor): Tensor {
  const n = native(x);
  if (!n) return geluNew(x);
  const { addon, acc } = n;
  if (!recordingGradients()) {
    // Inference: no tape, so no customGrad bookkeeping (a measurable share of a decoding step).
    const out = acc.alloc(x.shape);
    addon.unary(UNARY.geluNew, acc.f32(x)!, acc.f32(out)!, 0);
    return wrap(out);
  }
  const f = tf.customGrad(((xi: Tensor, save: tf.GradSaveFunc) => {
    const out = acc.alloc(xi.shape);
    addon.unary(UNARY.geluNew, acc.f32(xi)!, acc.f32(out)!, 0);
    save([xi]);
    return {
      value: wrap(out),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dyc = dy.dtype === 'float32' ? dy : dy.toFloat();
        const dx = acc.alloc(xi.shape);
        addon.binary(BINARY.geluNewBackward, acc.f32(dyc)!, acc.f32(saved[0]!)!, acc.f32(dx)!);
        return wrap(dx);
      },
    };
  }) as unknown as CustomFn);
  return f(x);
}

/** torch.nn.LayerNorm over the last axis (population variance), saving x and two numbers per row. */
export function layerNormFused(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  const n = native(x, weight, bias);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (!n || x.rank === 0 || C === 0 || weight.size !== C || bias.size !== C) return layerNormComposite(x, weight, bias, eps);
  const { addon, acc } = n;
  const rows = x.size / C;
  if (!recordingGradients()) {
    const y = acc.alloc(x.shape);
    const stats = acc.alloc([2, rows]);
    const s = acc.f32(stats)!;
    addon.layerNorm(acc.f32(x)!, acc.f32(weight)!, acc.f32(bias)!, acc.f32(y)!, s.subarray(0, rows), s.subarray(rows), rows, C, eps);
    acc.dispose(stats);
    return wrap(y);
  }
  const f = tf.customGrad(((xi: Tensor, w: Tensor, b: Tensor, save: tf.GradSaveFunc) => {
    const y = acc.alloc(xi.shape);
    const mean = acc.alloc([rows]);
    const rstd = acc.alloc([rows]);
    addon.layerNorm(acc.f32(xi)!, acc.f32(w)!, acc.f32(b)!, acc.f32(y)!, acc.f32(mean)!, acc.f32(rstd)!, rows, C, eps);
    const meanT = wrap(mean);
    const rstdT = wrap(rstd);
    save([xi, w, meanT, rstdT]);
    return {
      value: wrap(y),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws, ms, rs] = saved as [Tensor, Tensor, Tensor, Tensor];
        const dx = acc.alloc(xs.shape);
        const dw = acc.alloc(ws.shape);
        const db = acc.alloc(ws.shape);
        addon.layerNormBackward(acc.f32(xs)!, acc.f32(ws)!, acc.f32(ms)!, acc.f32(rs)!, acc.f32(dy)!, acc.f32(dx)!, acc.f32(dw)!, acc.f32(db)!, rows, C);
        return [wrap(dx), wrap(dw), wrap(db)];
      },
    };
  }) as unknown as CustomFn);
  return f(x, weight, bias);
}

/**
 * Inverted dropout with tf.dropout's semantics (keep with probability 1 − rate, kept values scaled by
 * 1 / (1 − rate)) in one native pass. tfjs draws its mask with a JavaScript generator at ~20 ns an
 * element, which made dropout most of a micro model's training step; the native mask is a hash of
 * (seed, index), so the backward pass (the same masking of dy) regenerates it from the seed and keeps
 * no tensor. Without the addon this is tf.dropout, whose random stream differs: the same seed then
 * drops other elements, at the same rate.
 */
export function dropoutFused(x: Tensor, rate: number, seed: number): Tensor {
  const n = native(x);
  if (!n?.addon.dropout) return tf.dropout(x, rate, undefined, seed);
  const { addon, acc } = n;
  const apply = (t: Tensor): Tensor => {
    const src = t.dtype === 'float32' ? t : t.toFloat();
    // Output first: allocating can grow the wasm heap, which detaches views taken before.
    const out = acc.alloc(src.shape);
    addon.dropout!(acc.f32(src)!, acc.f32(out)!, rate, seed);
    if (src !== t) src.dispose();
    return wrap(out);
  };
  if (!recordingGradients()) return apply(x);
  const f = tf.customGrad(((xi: Tensor) => ({ value: apply(xi), gradFunc: (dy: Tensor) => apply(dy) })) as unknown as CustomFn);
  return f(x);
}

/** T5LayerNorm (RMS norm over the last axis, no centring, no bias), saving x and one number per row. */
export function rmsNormFused(x: Tensor, weight: Tensor, eps: number): Tensor {
  const n = native(x, weight);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (!n?.addon.rmsNorm || !n.addon.rmsNormBackward || x.rank === 0 || C === 0 || weight.size !== C) return rmsNormComposite(x, weight, eps);
  const { addon, acc } = n;
  const rows = x.size / C;
  const forward = (xi: Tensor, w: Tensor) => {
    const y = acc.alloc(xi.shape);
    const rstd = acc.alloc([rows]);
    addon.rmsNorm!(acc.f32(xi)!, acc.f32(w)!, acc.f32(y)!, acc.f32(rstd)!, rows, C, eps);
    return { y: wrap(y), rstd };
  };
  if (!recordingGradients()) {
    const { y, rstd } = forward(x, weight);
    acc.dispose(rstd);
    return y;
  }
  const f = tf.customGrad(((xi: Tensor, w: Tensor, save: tf.GradSaveFunc) => {
    const { y, rstd } = forward(xi, w);
    save([xi, w, wrap(rstd)]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws, rs] = saved as [Tensor, Tensor, Tensor];
        const dyc = dy.dtype === 'float32' ? dy : dy.toFloat();
        const dx = acc.alloc(xs.shape);
        const dw = acc.alloc(ws.shape);
        addon.rmsNormBackward!(acc.f32(xs)!, acc.f32(ws)!, acc.f32(rs)!, acc.f32(dyc)!, acc.f32(dx)!, acc.f32(dw)!, rows, C);
        return [wrap(dx), wrap(dw)];
      },
    };
  }) as unknown as CustomFn);
  return f(x, weight);
}

/** Labels as int32 with their count of positions that are not ignored; throws on ids outside [0, V). */
function checkedLabels(labels: Int32Array, V: number, ignoreIndex: number): number {
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === ignoreIndex) continue;
    if (l < 0 || l >= V) throw new Error(`label ${l} at position ${i} is outside the vocabulary [0, ${V})`);
    count++;
  }
  return count;
}

function crossEntropyNative(n: Native, logits: Tensor, labels: Int32Array, ignoreIndex: number): tf.Scalar {
  const { addon, acc } = n;
  const [N, V] = logits.shape as [number, number];
  const denom = Math.max(checkedLabels(labels, V, ignoreIndex), 1);
  const f = tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
    const lse = acc.alloc([N]);
    const rowLoss = acc.alloc([N]);
    addon.crossEntropy(acc.f32(x)!, labels, acc.f32(lse)!, acc.f32(rowLoss)!, N, V, ignoreIndex);
    let sum = 0;
    for (const v of acc.f32(rowLoss)!) sum += v;
    acc.dispose(rowLoss);
    const lseT = wrap(lse);
    save([x, lseT]);
    return {
      value: tf.scalar(sum / denom),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ls] = saved as [Tensor, Tensor];
        const dx = acc.alloc(xs.shape);
        addon.crossEntropyBackward(acc.f32(xs)!, labels, acc.f32(ls)!, acc.f32(dx)!, N, V, ignoreIndex, dy.dataSync()[0]! / denom);
        return wrap(dx);
      },
    };
  }) as unknown as CustomFn);
  return f(logits) as tf.Scalar;
}

/** torch CrossEntropyLoss (mean over labels ≠ ignoreIndex). logits [N, V] float32, labels [N]. */
export function crossEntropyFused(logits: Tensor, labels: Tensor, ignoreIndex = -100): tf.Scalar {
  const n = native(logits);
  if (!n || logits.rank !== 2) return crossEntropy(logits, labels, ignoreIndex);
  return crossEntropyNative(n, logits, Int32Array.from(labels.dataSync()), ignoreIndex);
}

/**
 * HF's causal-LM loss: logits[:, t] predicts labels[:, t+1], mean over labels ≠ -100. The shift is
 * done on the labels (the last position of each row is ignored), so the logits are not copied.
 */
export function causalLMLossFused(logits: Tensor, labels: Tensor): tf.Scalar {
  const [B, T, V] = logits.shape as [number, number, number];
  if (T < 2) return tf.scalar(0);
  const n = native(logits);
  const src = labels.dataSync();
  if (!n) {
    return tf.tidy(() => {
      const l = logits.slice([0, 0, 0], [B, T - 1, V]).reshape([B * (T - 1), V]);
      const y = labels.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]);
      return crossEntropy(l, y);
    });
  }
  const shifted = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++) for (let t = 0; t + 1 < T; t++) shifted[b * T + t] = src[b * T + t + 1]!;
  return tf.tidy(() => crossEntropyNative(n, logits.reshape([B * T, V]), shifted, -100));
}
