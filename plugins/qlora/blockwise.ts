/**
 * The block loop every bitsandbytes blockwise quantizer shares (4-bit NF4 and the 8-bit dynamic
 * quantization of double quant): the flat values are cut into blocks of `blocksize`, each block's scale
 * is its max |x|, and the values are multiplied by the float32 reciprocal of that scale (the kernels
 * multiply, they do not divide) before being encoded.
 */

const f = Math.fround;

/** max |x| over values[lo, hi): the per-block scale. */
export function blockAbsmax(values: Float32Array, lo: number, hi: number): number {
  let m = 0;
  for (let i = lo; i < hi; i++) {
    const a = Math.abs(values[i]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * Calls `encode(lo, hi, inv)` for each block values[lo, hi) with inv = float32 1/absmax, and returns
 * the absmax per block.
 */
export function forEachScaledBlock(values: Float32Array, blocksize: number, encode: (lo: number, hi: number, inv: number) => void): Float32Array {
  const n = values.length;
  const absmax = new Float32Array(Math.ceil(n / blocksize));
  for (let b = 0; b < absmax.length; b++) {
    const lo = b * blocksize;
    const hi = Math.min(n, lo + blocksize);
    const m = blockAbsmax(values, lo, hi);
    absmax[b] = m;
    encode(lo, hi, f(1 / m));
  }
  return absmax;
}
