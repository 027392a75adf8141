import type { TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernels/wasmBackend.ts';

/**
 * Reaches tensor memory in place, whatever the backend keeps it in: the wasm backend's heap (one
 * ArrayBuffer, each tensor at an offset) or the cpu backend's per-tensor typed arrays. The views are
 * handed to the native kernels, so nothing is copied.
 *
 * On wasm, allocating can grow the heap, which detaches every view taken before: kernels allocate
 * their outputs first and take views after.
 */
export interface TensorAccess {
  alloc(shape: number[], dtype?: 'float32' | 'int32'): TensorInfo;
  /** The float32 data of t, or undefined when it is not float32. */
  f32(t: TensorInfo): Float32Array | undefined;
  /** The data of a float32, int32 or bool tensor (bool as Uint8Array). */
  view(t: TensorInfo): Float32Array | Int32Array | Uint8Array | undefined;
  /** The single value of a one-element numeric tensor. */
  scalar(t: TensorInfo): number | undefined;
  dispose(t: TensorInfo): void;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function wasmAccess(b: WasmBackendLike): TensorAccess {
  return {
    alloc: (shape, dtype = 'float32') => b.makeOutput(shape, dtype),
    f32: (t) => (t.dtype === 'float32' ? (b.typedArrayFromHeap(t) as Float32Array) : undefined),
    view: (t) =>
      t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool' ? (b.typedArrayFromHeap(t) as Float32Array | Int32Array | Uint8Array) : undefined,
    scalar: (t) => (size(t.shape) === 1 && t.dtype !== 'string' && t.dtype !== 'complex64' ? Number(b.typedArrayFromHeap(t)[0]) : undefined),
    dispose: (t) => void b.disposeData(t.dataId),
  };
}

function cpuAccess(b: CpuBackendLike): TensorAccess {
  const values = (t: TensorInfo) => b.data.get(t.dataId)?.values as TypedArray | undefined;
  return {
    alloc: (shape, dtype = 'float32') => b.makeTensorInfo(shape, dtype, dtype === 'int32' ? new Int32Array(size(shape)) : new Float32Array(size(shape))),
    f32: (t) => {
      const v = values(t);
      return t.dtype === 'float32' && v instanceof Float32Array ? v : undefined;
    },
    view: (t) => {
      const v = values(t);
      if (t.dtype === 'float32') return v instanceof Float32Array ? v : undefined;
      if (t.dtype === 'int32') return v instanceof Int32Array ? v : undefined;
      if (t.dtype === 'bool') return v instanceof Uint8Array ? v : undefined;
      return undefined;
    },
    scalar: (t) => {
      const v = values(t);
      return size(t.shape) === 1 && v && ArrayBuffer.isView(v) ? Number((v as Float32Array)[0]) : undefined;
    },
    dispose: (t) => b.disposeIntermediateTensorInfo(t),
  };
}

const cache = new WeakMap<object, TensorAccess>();

/** Access for a backend instance (tf.backend()), by the backend's registered name. */
export function accessFor(backendName: string, backend: object): TensorAccess | undefined {
  let a = cache.get(backend);
  if (a) return a;
  if (backendName === 'wasm') a = wasmAccess(backend as WasmBackendLike);
  else if (backendName === 'cpu') a = cpuAccess(backend as unknown as CpuBackendLike);
  else return undefined;
  cache.set(backend, a);
  return a;
}
