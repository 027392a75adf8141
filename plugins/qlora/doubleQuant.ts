/**
 * QLoRA double quantization: the per-block absmax values of NF4 are themselves compressed with
 * bitsandbytes' 8-bit blockwise "dynamic" quantization (quantize_blockwise / dequantize_blockwise,
 * blocksize 256, the signed dynamic map), after subtracting their float32 mean (the `offset`).
 *
 * Everything is float32 as on the reference: Math.fround after every operation, and where the reference
 * numbers come from PyTorch's CPU kernels (the dynamic map is built with torch.linspace, the offset is
 * torch's mean), those kernels' summation and rounding order are reproduced so that results are bit-exact.
 */

import { forEachScaledBlock } from './blockwise.ts';

const f = Math.fround;

/** bitsandbytes' blocksize for the second-level (absmax) quantization. */
export const DOUBLE_QUANT_BLOCKSIZE = 256;

// ---------------------------------------------------------------------------------------------------
// float32 helpers

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The next float32 after `x` in the direction of +∞ (dir 1) or −∞ (dir −1); x must be finite float32. */
function nextF32(x: number, dir: 1 | -1): number {
  if (x === 0) {
    u32[0] = 1;
    return dir * f32[0]!;
  }
  f32[0] = x;
  u32[0] = u32[0]! + (x > 0 === dir > 0 ? 1 : -1);
  return f32[0]!;
}

/**
 * float32 fused multiply-add a·b + c with one rounding, for float32 a, b, c. The product of two
 * float32s is exact in a double; the sum is recovered exactly with TwoSum, and the one case where rounding
 * the double sum to float32 differs from rounding the exact sum (a float32 midpoint) is corrected.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  const r = f(s);
  if (err === 0 || r === s || !Number.isFinite(s)) return r;
  const other = nextF32(r, s > r ? 1 : -1);
  if (Math.abs(s - r) !== Math.abs(other - s)) return r; // not a midpoint: double rounding was harmless
  return err > 0 === other > r ? other : r;
}

// ---------------------------------------------------------------------------------------------------
// The dynamic map

/**
 * torch.linspace(start, end, steps, dtype=torch.float32) as PyTorch 1.13 computes it on an x86 CPU
 * with AVX2: float32 step = (end − start)/(steps − 1); element i is start + step·i below the halfway point
 * and end − step·(steps − 1 − i) from it on, with the multiply-add fused by the compiler; the bulk runs in
 * 8-lane vectors, two per iteration, whose lanes are base + k·step (not fused). This matters: the dynamic
 * map's golden values differ in the last bit for other orders.
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps <= 0) return out;
  const s = f(start);
  const e = f(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = f(f(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const at = (i: number) => (i < halfway ? fmaF32(step, i, s) : fmaF32(-step, steps - 1 - i, e));
  const lanes = 8;
  let i = 0;
  for (; i + 2 * lanes <= steps; i += 2 * lanes) {
    for (const v of [i, i + lanes]) {
      const base = at(v);
      for (let k = 0; k < lanes; k++) out[v + k] = k === 0 ? base : f(base + f(k * step));
    }
  }
  for (; i < steps; i++) out[i] = at(i);
  return out;
}

/**
 * bitsandbytes create_dynamic_map(signed, max_exponent_bits, total_bits): for each exponent i, the
 * midpoints of linspace(0.1, 1, ·) scaled by 10^(i − (max_exponent_bits − 1)), mirrored when signed,
 * plus 0 and 1, sorted. With the defaults: 256 values in (−1, 1]; −1 itself is not in the map, +1 is.
 */
export function createDynamicMap(signed = true, maxExponentBits = 7, totalBits = 8): Float32Array {
  const data: number[] = [];
  const nonSignBits = totalBits - 1;
  const additionalItems = 2 ** (nonSignBits - maxExponentBits) - 1;
  const addMeans = (boundaries: Float32Array, exponent: number) => {
    // Python's 10 ** -k is the correctly rounded double; torch then multiplies in float32.
    const scale = f(Number(`1e${exponent}`));
    const means: number[] = [];
    for (let k = 0; k + 1 < boundaries.length; k++) means.push(f(f(boundaries[k]! + boundaries[k + 1]!) / 2));
    for (const m of means) data.push(f(scale * m));
    if (signed) for (const m of means) data.push(f(-scale * m));
  };
  let i = 0;
  for (; i < maxExponentBits; i++) {
    const items = signed ? 2 ** (i + nonSignBits - maxExponentBits) + 1 : 2 ** (i + nonSignBits - maxExponentBits + 1) + 1;
    addMeans(torchLinspaceF32(0.1, 1, items), -(maxExponentBits - 1) + i);
  }
  if (additionalItems > 0) addMeans(torchLinspaceF32(0.1, 1, additionalItems + 1), -(maxExponentBits - 1) + i - 1);
  data.push(0, 1);
  if (data.length !== 2 ** totalBits)
    throw new Error(`dynamic map with ${maxExponentBits} exponent bits has ${data.length} values, expected ${2 ** totalBits}`);
  return Float32Array.from(data.sort((a, b) => a - b));
}

let signedDynamicMap: Float32Array | undefined;

/** The default code of quantize_blockwise: create_dynamic_map(signed=True), built once. */
export function dynamicMap(): Float32Array {
  return (signedDynamicMap ??= createDynamicMap());
}

// ---------------------------------------------------------------------------------------------------
// 8-bit blockwise quantization

/**
 * The CUDA kernel's dQuantize (non-stochastic) for a 256-entry sorted code: a 7-step binary search from
 * pivot 127, then the nearer of the two bracketing entries, decided against their float32 midpoint
 * (ties keep the pivot). Edge entries are reached through the bracket, so +1.0 (index 255) is reachable.
 */
export function quantizeDynamic(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[pivot]!;
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot]!;
  }
  if (upperPivot === 255) upper = code[upperPivot]!;
  if (lowerPivot === 0) lower = code[lowerPivot]!;
  if (x > val) return x > f(f(upper + val) * 0.5) ? upperPivot : pivot;
  return x < f(f(lower + val) * 0.5) ? lowerPivot : pivot;
}

export interface Blockwise8bit {
  /** One code index per value. */
  q: Uint8Array;
  /** max |value| per block. */
  absmax: Float32Array;
  blocksize: number;
}

/** quantize_blockwise: per block of `blocksize`, q = code index of value · (1/absmax) (float32 reciprocal). */
export function quantizeBlockwise8bit(values: Float32Array, blocksize = DOUBLE_QUANT_BLOCKSIZE, code: Float32Array = dynamicMap()): Blockwise8bit {
  const q = new Uint8Array(values.length);
  const absmax = forEachScaledBlock(values, blocksize, (lo, hi, inv) => {
    for (let i = lo; i < hi; i++) q[i] = quantizeDynamic(code, f(values[i]! * inv));
  });
  return { q, absmax, blocksize };
}

/** dequantize_blockwise: value = code[q] · absmax[block] (float32). */
export function dequantizeBlockwise8bit(
  q: Uint8Array,
  absmax: Float32Array,
  blocksize: number,
  code: Float32Array = dynamicMap(),
  out: Float32Array = new Float32Array(q.length),
): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = code[q[i]!]! * absmax[Math.floor(i / blocksize)]!;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// torch.mean in float32

/**
 * torch.Tensor.mean() of a contiguous float32 vector as PyTorch's CPU kernel computes it (single
 * thread, AVX2): the sum uses the cascade sum of SumKernel.cpp — 8-lane vectors accumulated in 4
 * interleaved rows with multi-level chunking, then the scalar tail, then the 8 lanes in order; short
 * vectors use the same scheme on scalars — and the mean is sum / n in float32. Plain left-to-right or
 * pairwise sums give a different last bit, and the offset of double quantization must match exactly.
 */
export function torchMeanF32(values: Float32Array): number {
  const n = values.length;
  return f(torchSumF32(values) / n);
}

export function torchSumF32(values: Float32Array): number {
  const n = values.length;
  const lanes = 8;
  if (n < lanes) return rowSum(values, n, 1)[0]!;
  const vectors = Math.floor(n / lanes);
  const partial = rowSum(values, vectors, lanes);
  let acc = 0;
  for (let k = vectors * lanes; k < n; k++) acc = f(acc + values[k]!);
  for (let l = 0; l < lanes; l++) acc = f(acc + partial[l]!);
  return acc;
}

/**
 * row_sum over `size` items of `width` lanes (item i = values[i·width .. i·width + width)): four
 * interleaved accumulators (ilp) summed with multi_row_sum's cascade, then the leftover items into
 * accumulator 0, then accumulators 1..3 into 0. Returns the `width` lane sums.
 */
function rowSum(values: Float32Array, size: number, width: number): Float32Array {
  const ilp = 4;
  const rows = Math.floor(size / ilp);
  const levels = 4;
  const levelPower = Math.max(4, Math.floor(ceilLog2(rows) / levels));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  // acc[level][k][lane]
  const acc = new Float32Array(levels * ilp * width);
  const slot = (level: number, k: number) => (level * ilp + k) * width;
  const addItem = (dst: number, item: number) => {
    const src = item * width;
    for (let l = 0; l < width; l++) acc[dst + l] = acc[dst + l]! + values[src + l]!;
  };
  let i = 0;
  for (; i + levelStep <= rows; ) {
    for (let j = 0; j < levelStep; j++, i++) for (let k = 0; k < ilp; k++) addItem(slot(0, k), i * ilp + k);
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < ilp; k++) {
        for (let l = 0; l < width; l++) {
          acc[slot(j, k) + l] = acc[slot(j, k) + l]! + acc[slot(j - 1, k) + l]!;
          acc[slot(j - 1, k) + l] = 0;
        }
      }
      if ((i & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  for (; i < rows; i++) for (let k = 0; k < ilp; k++) addItem(slot(0, k), i * ilp + k);
  for (let j = 1; j < levels; j++)
    for (let k = 0; k < ilp; k++) for (let l = 0; l < width; l++) acc[slot(0, k) + l] = acc[slot(0, k) + l]! + acc[slot(j, k) + l]!;
  for (let item = rows * ilp; item < size; item++) addItem(slot(0, 0), item);
  for (let k = 1; k < ilp; k++) for (let l = 0; l < width; l++) acc[l] = acc[l]! + acc[slot(0, k) + l]!;
  return acc.subarray(0, width);
}

/** ATen's utils::CeilLog2 (1 for x ≤ 2), in integer arithmetic. */
function ceilLog2(x: number): number {
  if (x <= 2) return 1;
  let bits = 0;
  for (let v = x - 1; v >= 1; v = Math.floor(v / 2)) bits++;
  return bits;
}

// ---------------------------------------------------------------------------------------------------
// Double quantization of absmax

/** The compressed absmax of a double-quantized NF4 tensor (bitsandbytes' nested quant state). */
export interface DoubleQuantState {
  /** float32 mean of the original absmax values (bitsandbytes `nested_offset`). */
  offset: number;
  /** 8-bit code index per NF4 block (stored as the 4-bit state's `absmax`). */
  absmaxQ8: Uint8Array;
  /** max |absmax − offset| per group of `blocksize` NF4 blocks (`nested_absmax`). */
  absmax2: Float32Array;
  /** `nested_blocksize`, 256 in bitsandbytes. */
  blocksize: number;
  /** `nested_quant_map`: the 256-entry code (the signed dynamic map). */
  code: Float32Array;
}

/** compress_statistics=True: offset = mean(absmax); 8-bit blockwise quantization of absmax − offset. */
export function doubleQuantize(absmax: Float32Array, blocksize = DOUBLE_QUANT_BLOCKSIZE): DoubleQuantState {
  const offset = absmax.length ? torchMeanF32(absmax) : 0;
  const centered = new Float32Array(absmax.length);
  for (let i = 0; i < absmax.length; i++) centered[i] = absmax[i]! - offset;
  const code = dynamicMap();
  const { q, absmax: absmax2 } = quantizeBlockwise8bit(centered, blocksize, code);
  return { offset, absmaxQ8: q, absmax2, blocksize, code };
}

/** The absmax values the NF4 dequantization uses: code[q] · absmax2 + offset (float32). */
export function dequantizeAbsmax(state: DoubleQuantState, out: Float32Array = new Float32Array(state.absmaxQ8.length)): Float32Array {
  dequantizeBlockwise8bit(state.absmaxQ8, state.absmax2, state.blocksize, state.code, out);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + state.offset;
  return out;
}
