/**
 * NF4 (4-bit NormalFloat) blockwise quantization exactly as bitsandbytes quantize_4bit(quant_type="nf4")
 * and dequantize_4bit, the storage format of QLoRA's frozen base weights:
 *
 *  - the tensor is flattened row-major and cut into blocks of `blocksize` (64) values;
 *  - absmax = max |x| per block; each value is multiplied by the float32 reciprocal 1/absmax (the kernel
 *    multiplies, it does not divide) and mapped to the NF4 code by strict `>` comparisons against the
 *    float32 midpoints between neighbouring code values (ties go to the lower code);
 *  - two codes per byte, the first element in the high nibble; an odd count is padded with 0.0;
 *  - dequantization is NF4[code] · absmax in float32;
 *  - with double quantization (compress_statistics=True) the absmax values are stored in 8 bits
 *    (see doubleQuant.ts); the 4-bit codes still come from the exact absmax, only dequantization uses
 *    the recovered one.
 *
 * Like the CUDA kernel, an all-zero block has absmax 0, its values become 0·∞ = NaN, which the decision
 * tree maps to code 0, so they dequantize to −1·0 = −0.
 */
import { UserError } from '../../src/util/errors.ts';
import type { OriginalDtype } from '../../src/peft/weightQuantizer.ts';
import { forEachScaledBlock } from './blockwise.ts';
import { DOUBLE_QUANT_BLOCKSIZE, dequantizeAbsmax, doubleQuantize, type DoubleQuantState } from './doubleQuant.ts';

const f = Math.fround;

/**
 * The 16 NF4 values (index = 4-bit code): quantiles of N(0, 1) normalised to [−1, 1] with an exact zero,
 * as published with QLoRA and hard-coded in bitsandbytes (create_normal_map(offset=0.9677083)).
 */
export const NF4_CODE: Float32Array = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);

/**
 * The 15 decision thresholds: the float32 midpoint of each pair of neighbouring code values. These are
 * the constants of the kernel's decision tree (dQuantizeNF4); code(x) = number of thresholds t with x > t.
 */
export const NF4_THRESHOLDS: Float32Array = Float32Array.from({ length: 15 }, (_, i) => f(f(NF4_CODE[i]! + NF4_CODE[i + 1]!) * 0.5));

/** Block sizes bitsandbytes accepts for 4-bit quantization. */
export const NF4_BLOCKSIZES: readonly number[] = [32, 64, 128, 256, 512, 1024, 2048, 4096];
export const NF4_DEFAULT_BLOCKSIZE = 64;

export type { OriginalDtype } from '../../src/peft/weightQuantizer.ts';

/**
 * NF4 code of an already normalised float32 value: binary search with strict `>`, equivalent to the
 * kernel's decision tree, including NaN → 0 (every comparison is false).
 */
export function nf4Encode(x: number): number {
  let lo = 0;
  let hi = 15; // answer in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > NF4_THRESHOLDS[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Nf4Blocks {
  /** ceil(n / 2) bytes, element 2i in the high nibble of byte i. */
  packed: Uint8Array;
  /** max |x| per block (float32). */
  absmax: Float32Array;
}

/** The quantize_4bit kernel on a flat float32 array. */
export function quantizeNf4Blocks(values: Float32Array, blocksize = NF4_DEFAULT_BLOCKSIZE): Nf4Blocks {
  checkBlocksize(blocksize);
  const n = values.length;
  const packed = new Uint8Array(Math.ceil(n / 2));
  const absmax = forEachScaledBlock(values, blocksize, (lo, hi, inv) => {
    // Block sizes are even, so a block never splits a byte.
    for (let i = lo; i < hi; i += 2) {
      const hiNibble = nf4Encode(f(values[i]! * inv));
      const loNibble = nf4Encode(f((i + 1 < n ? values[i + 1]! : 0) * inv));
      packed[i >> 1] = (hiNibble << 4) | loNibble;
    }
  });
  return { packed, absmax };
}

/** The 4-bit codes, one per element (unpacked from the high/low nibbles). */
export function unpackNf4Codes(packed: Uint8Array, n: number): Uint8Array {
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) codes[i] = i & 1 ? packed[i >> 1]! & 0x0f : packed[i >> 1]! >> 4;
  return codes;
}

/** The dequantize_4bit kernel: NF4[code] · absmax[block] (float32) for n elements. */
export function dequantizeNf4Blocks(
  packed: Uint8Array,
  absmax: Float32Array,
  n: number,
  blocksize: number,
  out: Float32Array = new Float32Array(n),
): Float32Array {
  for (let b = 0, lo = 0; lo < n; b++, lo += blocksize) {
    const scale = absmax[b]!;
    const hi = Math.min(n, lo + blocksize);
    for (let i = lo; i < hi; i += 2) {
      const byte = packed[i >> 1]!;
      out[i] = NF4_CODE[byte >> 4]! * scale;
      if (i + 1 < hi) out[i + 1] = NF4_CODE[byte & 0x0f]! * scale;
    }
  }
  return out;
}

/** One quantized tensor: bitsandbytes' Params4bit data plus its QuantState. */
export interface Nf4Tensor {
  shape: number[];
  dtype: OriginalDtype;
  blocksize: number;
  /** The packed 4-bit codes. */
  packed: Uint8Array;
  /** Exact per-block absmax, when not double-quantized. */
  absmax?: Float32Array;
  /** The 8-bit absmax state, when double-quantized. */
  nested?: DoubleQuantState;
}

export interface QuantizeOptions {
  blocksize?: number;
  /** bitsandbytes compress_statistics / QLoRA double quantization. */
  doubleQuant?: boolean;
  /** The dtype the values came from (recorded in the quant state). */
  dtype?: OriginalDtype;
  /** Names the tensor in error messages. */
  name?: string;
}

/** Quantizes a tensor's float32 values (row-major, `shape`) to NF4. */
export function quantizeNf4(values: Float32Array, shape: number[], opts: QuantizeOptions = {}): Nf4Tensor {
  const name = opts.name ?? 'tensor';
  const blocksize = opts.blocksize ?? NF4_DEFAULT_BLOCKSIZE;
  checkBlocksize(blocksize);
  const n = shape.reduce((a, d) => a * d, 1);
  if (n !== values.length) throw new UserError(`${name}: shape [${shape.join(', ')}] has ${n} elements but ${values.length} values were given`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new UserError(`${name}: cannot quantize a non-finite value (${values[i]} at flat index ${i}); NF4 needs finite weights`);
  }
  const { packed, absmax } = quantizeNf4Blocks(values, blocksize);
  const base = { shape: [...shape], dtype: opts.dtype ?? 'float32', blocksize, packed };
  return opts.doubleQuant ? { ...base, nested: doubleQuantize(absmax, DOUBLE_QUANT_BLOCKSIZE) } : { ...base, absmax };
}

/** Element count of a quantized tensor. */
export function nf4Numel(t: Nf4Tensor): number {
  return t.shape.reduce((a, d) => a * d, 1);
}

/** The absmax values dequantization uses: exact, or recovered from the 8-bit state. */
export function nf4Absmax(t: Nf4Tensor): Float32Array {
  if (t.nested) return dequantizeAbsmax(t.nested);
  if (!t.absmax) throw new Error('NF4 tensor has neither absmax nor a nested (double-quant) state');
  return t.absmax;
}

/** Float32 values of a quantized tensor (row-major, t.shape). */
export function dequantizeNf4(t: Nf4Tensor, out?: Float32Array): Float32Array {
  return dequantizeNf4Blocks(t.packed, nf4Absmax(t), nf4Numel(t), t.blocksize, out);
}

/**
 * Bytes a quantized tensor holds in memory: the packed codes plus its quantization statistics (absmax as
 * float32, or with double quantization the 8-bit absmax, the float32 second-level absmax and the float32
 * offset). The code tables (16 NF4 values, 256 dynamic-map values) are shared constants and not counted.
 */
export function nf4HeldBytes(t: Nf4Tensor): number {
  if (t.nested) return t.packed.byteLength + t.nested.absmaxQ8.byteLength + t.nested.absmax2.byteLength + 4;
  return t.packed.byteLength + (t.absmax?.byteLength ?? 0);
}

/**
 * Bits per parameter held by a set of quantized tensors: 8 · held bytes / parameters. About 4.5 at
 * blocksize 64 (4 bits + a float32 per 64 values) and 4.127 with double quantization
 * (4 + 8/64 + 32/(64·256)).
 */
export function bitsPerParameter(tensors: Nf4Tensor | Iterable<Nf4Tensor>): number {
  const list = 'packed' in tensors ? [tensors] : [...tensors];
  let bytes = 0;
  let params = 0;
  for (const t of list) {
    bytes += nf4HeldBytes(t);
    params += nf4Numel(t);
  }
  return params ? (8 * bytes) / params : 0;
}

function checkBlocksize(blocksize: number): void {
  if (!NF4_BLOCKSIZES.includes(blocksize)) throw new UserError(`NF4 blocksize must be one of ${NF4_BLOCKSIZES.join(', ')}, got ${blocksize}`);
}
