import type { tf } from '../tf.ts';
import type { KernelArgs } from './wasmBackend.ts';

/**
 * UnsortedSegmentSum for the wasm backend, which does not ship it. tfjs uses it for the gradient of
 * `gather`, i.e. every embedding lookup, so without it no model can train on wasm. Written in JS over
 * the wasm heap (no copies): out[segmentIds[i], :] += x[i, :].
 */
export function unsortedSegmentSumWasm(args: KernelArgs<{ numSegments: number }>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const ids = inputs.segmentIds!;
  const numSegments = attrs!.numSegments;
  const numIds = ids.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(ids.shape.length).reduce((a, b) => a * b, 1);
  const outShape = [numSegments, ...x.shape.slice(ids.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out);
  o.fill(0);
  const xv = backend.typedArrayFromHeap(x);
  const iv = backend.typedArrayFromHeap(ids);
  for (let i = 0; i < numIds; i++) {
    const s = iv[i]!;
    // TensorFlow drops out-of-range (e.g. negative) ids rather than failing.
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j]! += xv[src + j]!;
  }
  return out;
}
