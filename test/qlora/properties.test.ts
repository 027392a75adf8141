import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/errors.ts';
import { NF4_BLOCKSIZES, NF4_CODE, bitsPerParameter, dequantizeNf4, nf4Absmax, nf4Encode, quantizeNf4, unpackNf4Codes } from '../../plugins/qlora/nf4.ts';
import { dequantizeAbsmax, dynamicMap, fmaF32, quantizeDynamic, torchLinspaceF32, torchSumF32 } from '../../plugins/qlora/doubleQuant.ts';
import { loadQuantizedFile, pythonFloatRepr, saveQuantizedFile } from '../../plugins/qlora/quantizedFile.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'peft-nf4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NF4_MAX_GAP = Math.max(...Array.from(NF4_CODE.subarray(1), (v, i) => v - NF4_CODE[i]!));
const DYN_MAP = dynamicMap();
const DYN_MAX_GAP = Math.max(...Array.from(DYN_MAP.subarray(1), (v, i) => v - DYN_MAP[i]!));

const arbWeights = fc
  .record({
    n: fc.integer({ min: 1, max: 700 }),
    scale: fc.constantFrom(1e-3, 0.05, 1, 30),
    blocksize: fc.constantFrom(...NF4_BLOCKSIZES.slice(0, 4)),
  })
  .chain(({ n, scale, blocksize }) =>
    fc
      .array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
      // Weights near the float32 subnormal range are flushed to 0: a subnormal absmax (or absmax − offset
      // in double quantization) has an infinite float32 reciprocal, so the kernel's x·(1/absmax) is NaN for
      // the block (bitsandbytes behaves the same) and the error bounds below do not apply.
      .map((v) => ({ values: Float32Array.from(v, (x) => (Math.abs(x * scale) < 1e-30 ? 0 : x * scale)), blocksize })),
  );

describe('NF4 properties', () => {
  it('each code is the nearest NF4 value to the normalised input (ties to the lower code)', () => {
    fc.assert(
      fc.property(fc.float({ min: -1, max: 1, noNaN: true }), (x) => {
        const c = nf4Encode(x);
        const d = Math.abs(x - NF4_CODE[c]!);
        // The thresholds are float32-rounded midpoints, so on a threshold itself the choice may be off
        // by the rounding of that midpoint; anywhere else the code is strictly the nearest.
        return NF4_CODE.every((v, k) => d <= Math.abs(x - v) + 2 ** -25 && (Math.abs(x - v) !== d || c <= k));
      }),
      { numRuns: 5000 },
    );
  });

  it('dequantization error ≤ absmax · (largest NF4 gap)/2 per element, with and without double quantization', () => {
    fc.assert(
      fc.property(arbWeights, ({ values, blocksize }) => {
        const bad: string[] = [];
        const single = quantizeNf4(values, [values.length], { blocksize });
        const deq = dequantizeNf4(single);
        const absmax = single.absmax!;
        for (let i = 0; i < values.length; i++) {
          const a = absmax[Math.floor(i / blocksize)]!;
          // float32 rounding of x·(1/absmax) and of the product adds a few ulps of absmax at most.
          if (Math.abs(values[i]! - deq[i]!) > a * (NF4_MAX_GAP / 2) + a * 2 ** -21) bad.push(`single [${i}]`);
        }
        const double = quantizeNf4(values, [values.length], { blocksize, doubleQuant: true });
        expect(Array.from(double.packed)).toEqual(Array.from(single.packed));
        const recovered = dequantizeAbsmax(double.nested!);
        const deq2 = dequantizeNf4(double);
        const codes = unpackNf4Codes(double.packed, values.length);
        for (let b = 0; b < absmax.length; b++) {
          const absmax2 = double.nested!.absmax2[Math.floor(b / 256)]!;
          const absmaxErr = Math.abs(recovered[b]! - absmax[b]!);
          if (absmaxErr > absmax2 * (DYN_MAX_GAP / 2) + (absmax2 + absmax[b]!) * 2 ** -21) bad.push(`absmax [${b}]`);
          for (let i = b * blocksize; i < Math.min(values.length, (b + 1) * blocksize); i++) {
            const code = NF4_CODE[codes[i]!]!;
            const bound = absmax[b]! * (NF4_MAX_GAP / 2) + Math.abs(code) * absmaxErr + (absmax[b]! + recovered[b]!) * 2 ** -21;
            if (Math.abs(values[i]! - deq2[i]!) > bound) bad.push(`double [${i}]`);
          }
        }
        expect(bad).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('quantized files round-trip exactly (single and double quantization, odd sizes, all dtypes)', () => {
    fc.assert(
      fc.property(
        arbWeights,
        fc.boolean(),
        fc.constantFrom('float32', 'float16', 'bfloat16') as fc.Arbitrary<'float32' | 'float16' | 'bfloat16'>,
        ({ values, blocksize }, doubleQuant, dtype) => {
          const shape = values.length % 3 === 0 ? [3, values.length / 3] : [values.length, 1];
          const q = quantizeNf4(values, shape, { blocksize, doubleQuant, dtype });
          const file = path.join(dir, 'q.safetensors');
          const bias = { dtype: 'F32' as const, shape: [2], data: Float32Array.from([1, -1]) };
          saveQuantizedFile(file, { quantized: new Map([['layer.weight', q]]), tensors: new Map([['layer.bias', bias]]) });
          const back = loadQuantizedFile(file);
          expect([...back.quantized.keys()]).toEqual(['layer.weight']);
          expect(back.tensors.get('layer.bias')).toEqual(bias);
          const r = back.quantized.get('layer.weight')!;
          expect({ shape: r.shape, dtype: r.dtype, blocksize: r.blocksize }).toEqual({ shape, dtype, blocksize });
          expect(Array.from(r.packed)).toEqual(Array.from(q.packed));
          expect(Array.from(nf4Absmax(r))).toEqual(Array.from(nf4Absmax(q)));
          if (doubleQuant) {
            expect(r.nested!.offset).toBe(q.nested!.offset);
            expect(Array.from(r.nested!.absmaxQ8)).toEqual(Array.from(q.nested!.absmaxQ8));
          }
          expect(Array.from(dequantizeNf4(r))).toEqual(Array.from(dequantizeNf4(q)));
          expect(bitsPerParameter(r)).toBe(bitsPerParameter(q));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('bits per parameter: 4.5 at blocksize 64, ≈4.127 with double quantization on a GPT-2-sized matrix', () => {
    const n = 768 * 2304; // gpt2 c_attn
    const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.02);
    const single = quantizeNf4(values, [768, 2304]);
    const double = quantizeNf4(values, [768, 2304], { doubleQuant: true });
    expect(bitsPerParameter(single)).toBe(4.5);
    // 4 bits + 8 bits per 64 values + 32 bits per 64·256 values + one float32 offset
    expect(bitsPerParameter(double)).toBeCloseTo(4 + 8 / 64 + 32 / (64 * 256) + 32 / n, 12);
    expect(bitsPerParameter(double)).toBeCloseTo(4.127, 3);
    expect(bitsPerParameter([single, double])).toBeCloseTo((4.5 + bitsPerParameter(double)) / 2, 12);
  });

  it('refuses non-finite weights, wrong sizes and unsupported block sizes with UserErrors', () => {
    expect(() => quantizeNf4(Float32Array.from([1, NaN]), [2], { name: 'w' })).toThrow(/w: cannot quantize a non-finite value \(NaN at flat index 1\)/);
    expect(() => quantizeNf4(Float32Array.from([1, 2]), [3])).toThrow(UserError);
    expect(() => quantizeNf4(Float32Array.from([1, 2]), [2], { blocksize: 48 })).toThrow(/blocksize must be one of 32, 64/);
  });

  it('an all-zero block behaves as the kernel: 0·(1/0) = NaN → code 0 → −0', () => {
    const q = quantizeNf4(new Float32Array(3), [3]);
    expect(Array.from(unpackNf4Codes(q.packed, 3))).toEqual([0, 0, 0]);
    expect(Array.from(dequantizeNf4(q)).every((v) => Object.is(v, -0))).toBe(true);
  });
});

describe('double quantization building blocks', () => {
  it('fmaF32 rounds a·b + c once (checked against exact rational arithmetic)', () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(f32, f32, f32, (a, b, c) => fmaF32(a, b, c) === exactRoundF32(a, b, c)),
      { numRuns: 5000 },
    );
    // A case where rounding the double sum would double-round: 1 + 2^-24 + 2^-60.
    expect(fmaF32(1, 2 ** -24, 2 ** -60 + 1)).toBe(exactRoundF32(1, 2 ** -24, 2 ** -60 + 1));
  });

  it('torch linspace: endpoints exact, monotone, within an ulp of the real line', () => {
    for (const steps of [2, 3, 5, 9, 17, 33, 65, 100]) {
      const l = torchLinspaceF32(0.1, 1, steps);
      expect(l[0]).toBe(Math.fround(0.1));
      expect(l[steps - 1]).toBe(1);
      for (let i = 0; i < steps; i++) expect(Math.abs(l[i]! - (0.1 + (0.9 * i) / (steps - 1)))).toBeLessThan(3e-7);
      for (let i = 1; i < steps; i++) expect(l[i]! > l[i - 1]!).toBe(true);
    }
  });

  it('the 8-bit code is always the nearest dynamic-map entry, up to float32 midpoint rounding', () => {
    fc.assert(
      fc.property(fc.float({ min: -1, max: 1, noNaN: true }), (x) => {
        const q = quantizeDynamic(DYN_MAP, x);
        let best = Infinity;
        for (const v of DYN_MAP) best = Math.min(best, Math.abs(v - x));
        return Math.abs(DYN_MAP[q]! - x) - best <= 2 ** -24;
      }),
      { numRuns: 5000 },
    );
  });

  it('torch cascade sum stays within float32 rounding of the exact sum, for short and long vectors', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 100, noNaN: true }), { maxLength: 3000 }), (v) => {
        const a = Float32Array.from(v);
        const exact = a.reduce((s, x) => s + x, 0);
        expect(Math.abs(torchSumF32(a) - exact)).toBeLessThanOrEqual(exact * 2 ** -24 * Math.max(4, Math.log2(a.length + 1) * 4) + 1e-30);
      }),
      { numRuns: 200 },
    );
  });

  it('formats floats as Python repr does', () => {
    expect(pythonFloatRepr(0.13276484608650208)).toBe('0.13276484608650208');
    expect(pythonFloatRepr(1)).toBe('1.0');
    expect(pythonFloatRepr(-2.5)).toBe('-2.5');
    expect(pythonFloatRepr(1e-5)).toBe('1e-05');
    expect(pythonFloatRepr(1.5e-7)).toBe('1.5e-07');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(123456789012345.6)).toBe('123456789012345.6');
    expect(pythonFloatRepr(0)).toBe('0.0');
  });
});

/** Round a·b + c (float32 inputs) to float32 with exact BigInt arithmetic (ties to even). */
function exactRoundF32(a: number, b: number, c: number): number {
  // Every float32 is m·2^e with |m| < 2^24, e ≥ −149; scale everything to integers of 2^−(2·149+50).
  const SHIFT = 400n;
  const toScaled = (x: number, extra = 0n): bigint => {
    if (x === 0) return 0n;
    const [m, e] = decompose(x);
    return BigInt(m) << (BigInt(e) + SHIFT + extra);
  };
  const [ma, ea] = a === 0 ? [0, 0] : decompose(a);
  const [mb, eb] = b === 0 ? [0, 0] : decompose(b);
  const prod = (BigInt(ma) * BigInt(mb)) << (BigInt(ea + eb) + SHIFT);
  const exact = prod + toScaled(c);
  if (exact === 0n) return a * b + c; // sign of zero as IEEE
  // Candidates: the float32 values around exact/2^SHIFT.
  const approx = Number(exact) / 2 ** Number(SHIFT);
  const base = Math.fround(approx);
  const cands = [base, nextAfter(base, 1), nextAfter(base, -1)];
  let best = cands[0]!;
  let bestDist = -1n;
  for (const cand of cands) {
    if (!Number.isFinite(cand)) continue;
    const dist = absBig(toScaled(cand) - exact);
    if (bestDist < 0n || dist < bestDist || (dist === bestDist && evenF32(cand))) {
      best = cand;
      bestDist = dist;
    }
  }
  return best;
}

function decompose(x: number): [number, number] {
  let e = -149;
  let m = x / 2 ** e;
  while (!Number.isInteger(m) || Math.abs(m) >= 2 ** 24) {
    e++;
    m = x / 2 ** e;
  }
  while (Number.isInteger(m / 2) && e < 200 && m !== 0) {
    m /= 2;
    e++;
  }
  return [m, e];
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function nextAfter(x: number, dir: 1 | -1): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  if (x === 0) {
    u[0] = 1;
    return dir * f[0]!;
  }
  u[0] = u[0]! + (x > 0 === dir > 0 ? 1 : -1);
  return f[0]!;
}

function evenF32(x: number): boolean {
  const u = new Uint32Array(new Float32Array([x]).buffer);
  return (u[0]! & 1) === 0;
}
