import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bf16BitsToF32,
  f16BitsToF32,
  f32ToBf16Bits,
  f32ToF16Bits,
  f8e4m3BitsToF32,
  f8e5m2BitsToF32,
  fromFloat32,
  toFloat32,
} from '../../src/models/safetensors.ts';

/**
 * Reference rounding, independent of the bit tricks under test: the nearest representable value among
 * all 65536 patterns of the format (ties to the even pattern), found by binary search over the sorted
 * finite values; beyond the largest finite value, IEEE overflow rules decide.
 */
function referenceRounder(decode: (bits: number) => number, maxFinite: number, halfUlpAtMax: number) {
  const finite: Array<[number, number]> = [];
  for (let h = 0; h < 0x8000; h++) {
    const v = decode(h);
    if (Number.isFinite(v)) finite.push([v, h]);
  }
  finite.sort((a, b) => a[0] - b[0]);
  return (x: number): number => {
    const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    if (a >= maxFinite + halfUlpAtMax) return sign | (decode(0x7f80) === Infinity ? 0x7f80 : 0x7c00);
    let lo = 0;
    let hi = finite.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (finite[mid]![0] <= a) lo = mid;
      else hi = mid;
    }
    const [vl, hl] = finite[lo]!;
    const [vh, hh] = finite[hi]!;
    if (a <= vl) return sign | hl;
    const dl = a - vl;
    const dh = vh - a;
    if (dl < dh) return sign | hl;
    if (dh < dl) return sign | hh;
    return sign | (hl % 2 === 0 ? hl : hh);
  };
}

const f16Max = 65504;
const refF16 = referenceRounder(f16BitsToF32, f16Max, 16);
const refBf16 = referenceRounder(bf16BitsToF32, bf16BitsToF32(0x7f7f), 2 ** 127 * 2 ** -8);

function f32FromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0]!;
}

describe('half-precision conversions', () => {
  it('f16 → f32 → f16 is the identity on all 65536 patterns (NaNs stay NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = f16BitsToF32(h);
      const ok = Number.isNaN(v) ? Number.isNaN(f16BitsToF32(f32ToF16Bits(v))) : f32ToF16Bits(v) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('bf16 → f32 → bf16 is the identity on all 65536 patterns (NaNs stay NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = bf16BitsToF32(h);
      const ok = Number.isNaN(v) ? Number.isNaN(bf16BitsToF32(f32ToBf16Bits(v))) : f32ToBf16Bits(v) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('decodes known values', () => {
    expect(f16BitsToF32(0x3c00)).toBe(1);
    expect(f16BitsToF32(0xc000)).toBe(-2);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x7c00)).toBe(Infinity);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(bf16BitsToF32(0x3f80)).toBe(1);
    expect(bf16BitsToF32(0x4049)).toBe(3.140625);
    expect(f8e4m3BitsToF32(0x7e)).toBe(448);
    expect(Number.isNaN(f8e4m3BitsToF32(0x7f))).toBe(true);
    expect(f8e4m3BitsToF32(0x01)).toBe(2 ** -9);
    expect(f8e5m2BitsToF32(0x7b)).toBe(57344);
    expect(f8e5m2BitsToF32(0x7c)).toBe(Infinity);
  });

  it('rounds to nearest even at ties, overflows and underflows as IEEE', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even stays
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, odd rounds up
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // half the smallest subnormal: tie to zero
    expect(f32ToF16Bits(f32FromBits(0x33000001))).toBe(1); // just above: rounds up
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(f32ToBf16Bits(f32FromBits(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(f32ToBf16Bits(f32FromBits(0x3f818000))).toBe(0x3f82); // tie, odd rounds up
    expect(f32ToBf16Bits(f32FromBits(0x7f7fffff))).toBe(0x7f80); // rounds to infinity
  });

  it('f32 → f16 and f32 → bf16 agree with nearest-value rounding on random float32 bit patterns', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const x = f32FromBits(bits);
        if (Number.isNaN(x)) {
          expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(x)))).toBe(true);
          expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(x)))).toBe(true);
          return;
        }
        if (Math.abs(x) === Infinity) return;
        expect(f32ToF16Bits(x)).toBe(refF16(x));
        expect(f32ToBf16Bits(x)).toBe(refBf16(x));
      }),
      { numRuns: 20000 },
    );
  });

  it('exact midpoints between neighbouring halves round to the even neighbour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7bfe }), fc.boolean(), (h, neg) => {
        const mid = (f16BitsToF32(h) + f16BitsToF32(h + 1)) / 2; // exact in float32
        const x = neg ? -mid : mid;
        expect(Math.fround(x)).toBe(x);
        expect(f32ToF16Bits(x)).toBe(refF16(x));
        expect(f32ToF16Bits(x) & 1).toBe(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('toFloat32 / fromFloat32 convert whole tensors', () => {
    const values = Float32Array.from([0, -1.5, 3.140625, 65504, 1e-8]);
    const half = fromFloat32(values, 'F16', [5]);
    expect(Array.from(toFloat32(half))).toEqual([0, -1.5, 3.140625, 65504, 0]);
    const bf = fromFloat32(values, 'BF16', [5]);
    expect(Array.from(toFloat32(bf)).slice(0, 4)).toEqual([0, -1.5, 3.140625, 65536]);
    expect(toFloat32({ dtype: 'I64', shape: [2], data: BigInt64Array.from([-3n, 5n]) })).toEqual(Float32Array.from([-3, 5]));
    expect(toFloat32({ dtype: 'U8', shape: [2], data: Uint8Array.from([7, 255]) })).toEqual(Float32Array.from([7, 255]));
    expect(toFloat32(fromFloat32(values, 'F64', [5]))).toEqual(values);
  });
});
