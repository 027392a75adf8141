/**
 * Every native kernel against the backend's own kernel (the tfjs reference) on random shapes, including
 * 1×N, N×1, zero-size, transposed operands and broadcasting, on both backends whose memory the native
 * kernels address (wasm heap, cpu typed arrays), and with every instruction set this CPU runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tf } from '../../src/engine/tf.ts';
import { loadNative, type NativeAddon } from '../../src/engine/native/addon.ts';
import { accessFor } from '../../src/engine/native/access.ts';
import { NATIVE_KERNELS } from '../../src/engine/native/kernels.ts';
import { NATIVE_MISSING, skipUnless } from '../helpers/skip.ts';

const addon = loadNative();
const RUNS = Number(process.env.PEFT_PROPERTY_RUNS ?? 40);

/** Instruction sets compiled in and supported by this CPU (the generic one always). */
function isas(a: NativeAddon): string[] {
  const info = a.info();
  return info.compiled.filter((isa) => isa === 'generic' || (isa === 'avx2' && info.cpu.avx2 && info.cpu.fma) || (isa === 'avx512' && info.cpu.avx512f));
}

type Inputs = Record<string, tf.Tensor> | tf.Tensor[];

/** Runs the native implementation directly; undefined when it declines (the backend kernel would run). */
function runNative(name: string, inputs: Inputs, attrs: Record<string, unknown>): tf.Tensor | tf.Tensor[] | undefined {
  const backend = tf.backend();
  const acc = accessFor(tf.getBackend(), backend)!;
  const infos = Array.isArray(inputs) ? inputs : Object.fromEntries(Object.entries(inputs));
  const out = NATIVE_KERNELS[name]!({ inputs: infos as unknown as Record<string, tf.TensorInfo>, attrs, acc, addon: addon! }) as
    | tf.TensorInfo
    | tf.TensorInfo[]
    | undefined;
  if (!out) return undefined;
  const wrap = (t: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(t, backend);
  return Array.isArray(out) ? out.map(wrap) : wrap(out);
}

function runReference(name: string, inputs: Inputs, attrs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
}

function expectClose(got: tf.Tensor, want: tf.Tensor, atol: number, rtol = 1e-5): void {
  // The wasm kernels give some empty results odd shapes (Slice pads them to rank 4): compare sizes only.
  if (want.size === 0) return void expect(got.size).toBe(0);
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toEqual(want.dtype);
  const g = got.dataSync();
  const w = want.dataSync();
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    if (Number.isNaN(b)) {
      expect(Number.isNaN(a), `element ${i}: ${a} vs NaN`).toBe(true);
      continue;
    }
    if (a === b) continue;
    expect(Math.abs(a - b), `element ${i}: ${a} vs ${b}`).toBeLessThanOrEqual(atol + rtol * Math.abs(b));
  }
}

/** Compares native and reference for one case; `covered` says the native kernel must not decline. */
function check(name: string, inputs: Inputs, attrs: Record<string, unknown>, atol: number, covered = true): void {
  tf.tidy(() => {
    const got = runNative(name, inputs, attrs);
    if (covered) expect(got, `${name} declined a case it covers`).toBeDefined();
    if (!got) return;
    const want = runReference(name, inputs, attrs);
    const gs = Array.isArray(got) ? got : [got];
    const ws = Array.isArray(want) ? want : [want];
    expect(gs.length).toBe(ws.length);
    gs.forEach((g, i) => expectClose(g, ws[i]!, atol));
    tf.dispose(gs);
  });
}

let seed = 1;
function rand(shape: number[], scale = 1): tf.Tensor {
  seed++;
  return tf.randomUniform(shape, -scale, scale, 'float32', seed);
}

const dim = fc.integer({ min: 0, max: 37 });
const posDim = fc.integer({ min: 1, max: 37 });
// Shapes favouring the edges: 0, 1 and sizes around the micro-tile widths.
const edgeDim = fc.oneof(fc.constantFrom(0, 1, 2, 5, 6, 7, 8, 15, 16, 17, 33), dim);

describe('native kernels equal the tfjs kernels', skipUnless(addon, NATIVE_MISSING), () => {
  for (const backendName of ['wasm', 'cpu']) {
    describe(backendName, () => {
      beforeAll(async () => {
        await tf.setBackend(backendName);
        await tf.ready();
      });
      afterAll(() => void addon!.configure(0, 'auto'));

      for (const isa of addon ? isas(addon) : []) {
        describe(isa, () => {
          beforeAll(() => expect(addon!.configure(0, isa)).toBe(''));

          it('BatchMatMul: every transpose combination, 1×N, N×1, zero-size, batch broadcasting', () => {
            fc.assert(
              fc.property(
                edgeDim,
                edgeDim,
                edgeDim,
                fc.boolean(),
                fc.boolean(),
                fc.constantFrom<[number[], number[]]>(
                  [[], []],
                  [[3], [3]],
                  [[3], []],
                  [[], [2]],
                  [
                    [2, 1],
                    [1, 3],
                  ],
                  [[4], [1]],
                  [[2, 3], [3]],
                  [[0], [0]],
                ),
                (M, N, K, ta, tb, [ba, bb]) => {
                  const a = rand([...ba, ...(ta ? [K, M] : [M, K])]);
                  const b = rand([...bb, ...(tb ? [N, K] : [K, N])]);
                  // [2,1] with [1,3]: tfjs's kernels do not broadcast both ways, and the native one declines.
                  const mixed = ba.length === 2 && bb.length === 2;
                  if (!mixed) check('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }, 1e-5 * (K + 1));
                  else expect(runNative('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb })).toBeUndefined();
                  tf.dispose([a, b]);
                },
              ),
              { numRuns: RUNS, seed: 42 },
            );
          });

          it('BatchMatMul: shapes that cross the cache blocks (K > 256, N > 2048, M > 144)', () => {
            for (const [M, N, K] of [
              [150, 40, 300],
              [3, 2100, 20],
              [1, 300, 513],
              [200, 1, 70],
            ] as const)
              for (const [ta, tb] of [
                [false, false],
                [true, false],
                [false, true],
                [true, true],
              ] as const) {
                const a = rand(ta ? [K, M] : [M, K]);
                const b = rand(tb ? [N, K] : [K, N]);
                check('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }, 1e-5 * (K + 1));
                tf.dispose([a, b]);
              }
          });

          it('Softmax, Exp, Tanh, Pow over rows of any length, with the attention mask value', () => {
            fc.assert(
              fc.property(edgeDim, edgeDim, fc.constantFrom(1, 4, 30), (rows, n, scale) => {
                const x = tf.tidy(() => {
                  const r = rand([rows, n], scale);
                  // Masked entries as HF writes them (float32 min), which exp must send to exactly 0.
                  return n > 1 ? tf.where(tf.greater(rand([rows, n]), 0.7), tf.fill([rows, n], -3.4028234663852886e38), r) : r;
                });
                // tf.softmax passes the axis as rank - 1 (the wasm kernel does not accept -1).
                check('Softmax', { logits: x }, { dim: 1 }, 1e-6, n > 0);
                const y = rand([rows, n], scale);
                check('Exp', { x: y }, {}, 1e-6, true);
                check('Tanh', { x: y }, {}, 2e-7, true);
                check('Square', { x: y }, {}, 0, true);
                check('Neg', { x: y }, {}, 0, true);
                check('Floor', { x: y }, {}, 0, true);
                const pos = tf.abs(y);
                check('Sqrt', { x: pos }, {}, 1e-6, true);
                check('Rsqrt', { x: tf.add(pos, 0.1) }, {}, 1e-5, true);
                for (const e of [2, 3, -1]) {
                  const ex = tf.scalar(e);
                  check('Pow', { a: y, b: ex }, {}, 1e-5, true);
                  ex.dispose();
                }
                tf.dispose([x, y]);
              }),
              { numRuns: RUNS, seed: 7 },
            );
          });

          it('Sum, Mean, Max over contiguous axes (rows, bias gradients, all axes)', () => {
            fc.assert(
              fc.property(fc.array(posDim, { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), (shape, pick, keepDims) => {
                const r = shape.length;
                const first = pick % r;
                const last = first + ((pick >> 3) % (r - first));
                const axis = [...Array(last - first + 1).keys()].map((i) => i + first);
                const x = rand(shape, 3);
                check('Sum', { x }, { axis, keepDims }, 1e-5 * x.size);
                check('Mean', { x }, { axis, keepDims }, 1e-5);
                check('Max', { x }, { reductionIndices: axis, keepDims }, 0);
                x.dispose();
              }),
              { numRuns: RUNS, seed: 3 },
            );
          });

          it('Add, Sub, Multiply, RealDiv, SquaredDifference with broadcasting', () => {
            const patterns = fc.constantFrom<(s: number[]) => number[]>(
              (s) => s,
              () => [],
              (s) => [s[s.length - 1]!],
              (s) => [...s.slice(0, -1), 1],
              (s) => [1, ...s.slice(1)],
              (s) => [2, ...s], // broadcast the other way: the output grows
              (s) => s.slice(1), // trailing block ([T,K] with [B,T,K])
              (s) => [...s.slice(0, -1).map(() => 1), s[s.length - 1]!],
            );
            fc.assert(
              fc.property(fc.array(edgeDim, { minLength: 1, maxLength: 3 }), patterns, patterns, (shape, pa, pb) => {
                const a = rand(pa(shape), 2);
                const b = tf.tidy(() => tf.add(rand(pb(shape), 2), 2.5)); // keep divisors away from 0
                for (const k of ['Add', 'Sub', 'Multiply', 'RealDiv', 'SquaredDifference']) check(k, { a, b }, {}, 1e-6, false);
                tf.dispose([a, b]);
              }),
              { numRuns: RUNS, seed: 5 },
            );
            // The patterns the models use must not fall back.
            const x = rand([3, 4, 5]);
            for (const y of [rand([3, 4, 5]), rand([5]), rand([3, 4, 1]), tf.scalar(2), rand([1, 1, 5]), rand([1, 4, 5]), rand([4, 5])]) {
              check('Add', { a: x, b: y }, {}, 1e-6, true);
              check('Multiply', { a: y, b: x }, {}, 1e-6, true);
              y.dispose();
            }
            x.dispose();
          });

          it('Transpose keeping the last axis (attention heads)', () => {
            fc.assert(
              fc.property(fc.array(edgeDim, { minLength: 2, maxLength: 5 }), fc.nat(), (shape, pick) => {
                const lead = [...Array(shape.length - 1).keys()];
                for (let i = lead.length - 1; i > 0; i--) {
                  const j = (pick >> i) % (i + 1);
                  [lead[i], lead[j]] = [lead[j]!, lead[i]!];
                }
                const perm = [...lead, shape.length - 1];
                const x = rand(shape);
                check('Transpose', { x }, { perm }, 0);
                const ints = tf.tidy(() => tf.cast(tf.mul(x, 50), 'int32'));
                check('Transpose', { x: ints }, { perm }, 0);
                // Moving the last axis is left to tfjs.
                if (shape.length >= 2) expect(runNative('Transpose', { x }, { perm: [shape.length - 1, ...lead] })).toBeUndefined();
                tf.dispose([x, ints]);
              }),
              { numRuns: RUNS, seed: 13 },
            );
          });

          it('Cast, Slice, SplitV, Concat, PadV2, GatherV2', () => {
            fc.assert(
              fc.property(fc.array(edgeDim, { minLength: 1, maxLength: 3 }), fc.nat(), (shape, pick) => {
                const x = rand(shape);
                const ints = tf.tidy(() => tf.cast(tf.mul(x, 100), 'int32'));
                check('Cast', { x: ints }, { dtype: 'float32' }, 0);
                const r = shape.length;
                const axis = pick % r;
                const begin = shape.map((d, i) => (i === axis ? Math.min(d, pick % 3) : 0));
                const size = shape.map((d, i) => (i === axis ? d - begin[i]! - Math.min(d - begin[i]!, (pick >> 2) % 2) : d));
                check('Slice', { x }, { begin, size }, 0);
                check('Slice', { x: ints }, { begin, size: size.map((s, i) => (i === axis ? s : -1)) }, 0);
                const n = shape[axis]!;
                const sizes = n >= 2 ? [1, n - 1] : [n];
                check('SplitV', { x }, { numOrSizeSplits: sizes, axis }, 0);
                const y = rand(shape.map((d, i) => (i === axis ? pick % 4 : d)));
                check('Concat', [x, y, x], { axis }, 0);
                const paddings = shape.map((_, i) => (i === axis ? [pick % 2, (pick >> 1) % 3] : [0, 0]));
                check('PadV2', { x }, { paddings, constantValue: 0 }, 0);
                if (shape[0]! > 0) {
                  const idx = tf.tensor1d(
                    Array.from({ length: (pick % 5) + 1 }, (_, i) => (i * 7 + pick) % shape[0]!),
                    'int32',
                  );
                  check('GatherV2', { x, indices: idx }, { axis: 0, batchDims: 0 }, 0);
                  idx.dispose();
                }
                tf.dispose([x, ints, y]);
              }),
              { numRuns: RUNS, seed: 11 },
            );
          });
        });
      }
    });
  }

  it('one and two threads give identical products', async () => {
    await tf.setBackend('cpu');
    const a = rand([2, 150, 300]);
    const b = rand([2, 300, 70]);
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      addon!.configure(threads, '');
      const out = runNative('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor;
      results.push(out.dataSync() as Float32Array);
      out.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    tf.dispose([a, b]);
  });

  it('rejects sizes larger than the arrays it is given', () => {
    const a = new Float32Array(4);
    expect(() => addon!.matmul(a, a, a, 1, 3, 3, 3, false, false, 0, 0)).toThrow(/needs/);
    expect(() => addon!.softmax(a, a, 2, 4)).toThrow(/needs/);
    expect(() => addon!.copy2d(a, 4, a, 4, 2, 4)).toThrow(/needs/);
  });
});
