/**
 * y = x·W (+ b) over the last axis of x as one native call, for inference. The tfjs formulation is
 * reshape → matMul → add → reshape: four ops, which at one decoding token per step cost more in
 * per-op overhead than the product itself. Numerically the same (the same native product, then the
 * bias added in float32). Returns undefined where it does not apply (a gradient being recorded, no
 * addon, other dtypes or layouts), and the caller uses tfjs ops.
 */
import { tf, type Tensor } from '../tf.ts';
import { recordingGradients } from '../tape.ts';
import { accessFor } from './access.ts';
import { BCAST, BINARY, loadNative } from './addon.ts';

/** x [..., in] · (transposeW ? Wᵀ with W [out, in] : W [in, out]) + bias [out]. */
export function projectNative(x: Tensor, w: Tensor, transposeW: boolean, bias: Tensor | undefined, out: number): Tensor | undefined {
  if (recordingGradients() || x.dtype !== 'float32' || w.dtype !== 'float32' || w.rank !== 2 || (bias && bias.dtype !== 'float32')) return undefined;
  const K = x.shape[x.rank - 1]!;
  const [w0, w1] = w.shape as [number, number];
  if ((transposeW ? w1 !== K || w0 !== out : w0 !== K || w1 !== out) || (bias && bias.size !== out)) return undefined;
  const addon = loadNative();
  if (!addon) return undefined;
  const acc = accessFor(tf.getBackend(), tf.backend());
  if (!acc) return undefined;
  const rows = K === 0 ? 0 : x.size / K;
  const y = acc.alloc([...x.shape.slice(0, -1), out]);
  const Y = acc.f32(y)!;
  addon.matmul(acc.f32(x)!, acc.f32(w)!, Y, 1, rows, out, K, false, transposeW, 0, 0);
  if (bias && rows > 0) addon.binaryBcast(BINARY.add, Y, BCAST.full, acc.f32(bias)!, BCAST.row, Y, rows, out);
  return tf.engine().makeTensorFromTensorInfo(y);
}
