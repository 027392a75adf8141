import type { tf } from '../tf.ts';
import type { KernelArgs } from './wasmBackend.ts';

/**
 * XNNPACK in tfjs-backend-wasm multiplies plain layouts at ~15-20 GFLOP/s but products with a
 * transposed operand (every backward matmul) at ~1 GFLOP/s. Materialising the transpose first and
 * multiplying the plain layout is several times faster once the operand has a few rows, so we wrap
 * the original kernel. Small operands keep the direct path (the extra copy would dominate).
 */
const MIN_ROWS_TO_TRANSPOSE = 16;

type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

export function makeBatchMatMulTransposeFirst(original: tf.KernelFunc, transpose: tf.KernelFunc) {
  return (args: KernelArgs<MatMulAttrs>): tf.TensorInfo => {
    const { inputs, backend, attrs } = args;
    let a = inputs.a!;
    let b = inputs.b!;
    let { transposeA, transposeB } = attrs!;
    const temps: tf.TensorInfo[] = [];
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const r = t.shape.length;
      const perm = [...Array(r).keys()];
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      const out = transpose({ inputs: { x: t }, backend: backend as unknown as tf.KernelBackend, attrs: { perm } }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    const rows = (t: tf.TensorInfo) => t.shape[t.shape.length - 2]! * t.shape[t.shape.length - 1]!;
    if (transposeA && a.shape[a.shape.length - 1]! >= MIN_ROWS_TO_TRANSPOSE && rows(a) > 0) {
      a = flip(a);
      transposeA = false;
    }
    if (transposeB && b.shape[b.shape.length - 2]! >= MIN_ROWS_TO_TRANSPOSE && rows(b) > 0) {
      b = flip(b);
      transposeB = false;
    }
    const out = original({
      inputs: { a, b },
      backend: backend as unknown as tf.KernelBackend,
      attrs: { ...attrs, transposeA, transposeB },
    }) as tf.TensorInfo;
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
}
