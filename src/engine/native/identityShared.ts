import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounted {
  incRef(dataId: object): void;
}

/**
 * Identity (tf.clone) on wasm without copying: the tape clones every tensor a gradient needs, and
 * the wasm kernel copies each one (hundreds of activation copies per training step). Tensors are
 * immutable and the wasm backend reference-counts its buffers (its Reshape shares them too), so
 * sharing is safe; the cpu backend's Identity does the same. Strings keep the original kernel.
 */
export function makeIdentityShared(original: KernelFunc) {
  return (args: { inputs: { x: TensorInfo }; backend: RefCounted }): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
