import type { TensorInfo, TypedArray, DataType } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's BackendWasm that our kernels use. The package does not export
 * the class's type from its entry point in a way we can name, so we describe the few members here.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  disposeData(dataId: object): boolean;
}

export interface KernelArgs<A = Record<string, unknown>> {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackendLike;
  attrs?: A;
}
