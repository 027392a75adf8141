import type { Tensor } from '../models/safetensors.ts';

/** The dtype a tensor had before quantization (bitsandbytes writes it in the quant state). */
export type OriginalDtype = 'float32' | 'float16' | 'bfloat16';

/** A quantized weight; its layout is the quantizer's own. */
export interface QuantizedWeight {
  readonly shape: number[];
}

/** A checkpoint whose selected weights are quantized; `tensors` holds everything stored as is. */
export interface QuantizedCheckpoint<Q extends QuantizedWeight = QuantizedWeight> {
  quantized: Map<string, Q>;
  tensors: Map<string, Tensor>;
  metadata?: Record<string, string>;
}

export interface QuantizeOptions {
  blocksize: number;
  /** Compresses the per-block statistics too (QLoRA's double quantization). */
  doubleQuant: boolean;
  dtype: OriginalDtype;
  /** Names the tensor in error messages. */
  name: string;
}

/**
 * The low-bit storage a method brings for whole checkpoints (QLoRA's NF4 in bitsandbytes' layout),
 * what `peft-lab quantize` and `dequantize` use.
 */
export interface WeightQuantizer<Q extends QuantizedWeight = QuantizedWeight> {
  readonly blocksizes: readonly number[];
  readonly defaultBlocksize: number;
  quantize(values: Float32Array, shape: number[], opts: QuantizeOptions): Q;
  /** The float32 values back, row-major. */
  dequantize(q: Q): Float32Array;
  /** Elements of the original tensor. */
  numel(q: Q): number;
  /** Bytes held in memory (codes and statistics). */
  heldBytes(q: Q): number;
  bitsPerParameter(weights: Iterable<Q>): number;
  save(file: string, ckpt: QuantizedCheckpoint<Q>): void;
  load(file: string): QuantizedCheckpoint<Q>;
}
