import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../../src/util/paths.ts';
import { NF4_CODE, NF4_THRESHOLDS, dequantizeNf4, nf4Encode, quantizeNf4, unpackNf4Codes } from '../../plugins/qlora/nf4.ts';
import { dequantizeAbsmax, dynamicMap, quantizeDynamic } from '../../plugins/qlora/doubleQuant.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

interface Nf4Case {
  name: string;
  shape: number[];
  input: unknown;
  nf4_blocksize64: { absmax: number[]; codes: number[]; packed_uint8: number[]; dequantized: unknown; max_abs_error: number };
  nf4_blocksize64_double_quant: {
    offset: number;
    absmax_centered: number[];
    absmax_q8: number[];
    absmax2_blocksize256: number[];
    absmax_dequantized: number[];
    dequantized: unknown;
    max_abs_error: number;
    binary_search_vs_midpoint_disagreements: number;
  };
}
interface Nf4Golden {
  nf4_code: number[];
  nf4_thresholds_kernel: Record<string, number>;
  dynamic_map_signed_8bit: number[];
  blocksize: number;
  double_quant_blocksize: number;
  cases: Nf4Case[];
}

const shared = sharedDir();
const goldenFile = shared ? path.join(shared, 'golden', 'models', 'nf4', 'golden.json') : '';
const golden: Nf4Golden | undefined = goldenFile && existsSync(goldenFile) ? JSON.parse(readFileSync(goldenFile, 'utf8')) : undefined;

const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);

/** Bit-exact float32 comparison against golden decimals (shortest float32 strings). */
function expectF32Equal(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const wrong: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], Math.fround(expected[i]!)) && !(actual[i] === 0 && expected[i] === 0)) wrong.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  }
  expect(wrong.slice(0, 5), `${what}: ${wrong.length} mismatches`).toEqual([]);
}

describe('NF4 and double quantization match bitsandbytes (nf4/golden.json)', needsShared(golden ? goldenFile : undefined), () => {
  const g = golden!;

  it('uses the NF4 code and the kernel thresholds (float32 midpoints of neighbouring codes)', () => {
    expectF32Equal(NF4_CODE, g.nf4_code, 'nf4_code');
    expectF32Equal(
      NF4_THRESHOLDS,
      Object.values(g.nf4_thresholds_kernel).sort((a, b) => a - b),
      'thresholds',
    );
    // Strict `>`: a value exactly on a threshold takes the lower code; 0 → 7, ±1 → 15 / 0.
    for (let i = 0; i < 15; i++) expect(nf4Encode(NF4_THRESHOLDS[i]!)).toBe(i);
    expect([nf4Encode(0), nf4Encode(1), nf4Encode(-1), nf4Encode(NaN)]).toEqual([7, 15, 0, 0]);
  });

  it('builds the signed dynamic map (create_dynamic_map) bit-exactly', () => {
    expect(g.double_quant_blocksize).toBe(256);
    const map = dynamicMap();
    expectF32Equal(map, g.dynamic_map_signed_8bit, 'dynamic map');
    expect(map[255]).toBe(1);
    expect(Array.from(map).includes(-1)).toBe(false);
  });

  for (const c of golden?.cases ?? []) {
    describe(c.name, () => {
      const x = Float32Array.from(flat(c.input));
      const single = c.nf4_blocksize64;
      const dq = c.nf4_blocksize64_double_quant;

      it('single quantization: absmax, codes, packed bytes, dequantized values, max error', () => {
        expect(g.blocksize).toBe(64);
        const q = quantizeNf4(x, c.shape, { blocksize: g.blocksize });
        expectF32Equal(q.absmax!, single.absmax, 'absmax');
        expect(Array.from(unpackNf4Codes(q.packed, x.length))).toEqual(single.codes);
        expect(Array.from(q.packed)).toEqual(single.packed_uint8);
        const deq = dequantizeNf4(q);
        expectF32Equal(deq, flat(single.dequantized), 'dequantized');
        expect(maxAbsDiff(x, deq)).toBeCloseTo(single.max_abs_error, 6);
      });

      it('double quantization: offset, centred absmax, 8-bit codes, absmax2, recovered absmax, dequantized values', () => {
        const q = quantizeNf4(x, c.shape, { blocksize: g.blocksize, doubleQuant: true });
        const n = q.nested!;
        expect(n.offset).toBe(Math.fround(dq.offset));
        expect(Array.from(q.packed)).toEqual(single.packed_uint8); // codes come from the exact absmax
        const exact = quantizeNf4(x, c.shape).absmax!;
        expectF32Equal(
          exact.map((a) => a - n.offset),
          dq.absmax_centered,
          'absmax_centered',
        );
        expect(Array.from(n.absmaxQ8)).toEqual(dq.absmax_q8);
        expectF32Equal(n.absmax2, dq.absmax2_blocksize256, 'absmax2');
        expectF32Equal(dequantizeAbsmax(n), dq.absmax_dequantized, 'absmax_dequantized');
        const deq = dequantizeNf4(q);
        expectF32Equal(deq, flat(dq.dequantized), 'dequantized');
        expect(maxAbsDiff(x, deq)).toBeCloseTo(dq.max_abs_error, 6);
      });

      it('the kernel binary search disagrees with plain nearest-value search as often as the golden says', () => {
        const q = quantizeNf4(x, c.shape, { doubleQuant: true });
        const map = dynamicMap();
        const centered = quantizeNf4(x, c.shape).absmax!.map((a) => a - q.nested!.offset);
        let disagreements = 0;
        centered.forEach((v, i) => {
          const block = Math.floor(i / 256);
          const normalized = Math.fround(v * Math.fround(1 / q.nested!.absmax2[block]!));
          let best = 0;
          for (let k = 1; k < 256; k++) if (Math.abs(map[k]! - normalized) < Math.abs(map[best]! - normalized)) best = k;
          const kernel = quantizeDynamic(map, normalized);
          expect(kernel).toBe(q.nested!.absmaxQ8[i]);
          if (Math.abs(map[kernel]! - normalized) !== Math.abs(map[best]! - normalized)) disagreements++;
        });
        expect(disagreements).toBe(dq.binary_search_vs_midpoint_disagreements);
      });
    });
  }
});
