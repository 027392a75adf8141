import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tf } from '../../src/engine/tf.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { peftLab } from '../helpers/cli.ts';

/** Runs `fn` on backend `name` and returns plain arrays, so results can be compared across backends. */
async function on<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

describe('backend selection', () => {
  it('picks the fastest available backend (wasm here) and reports what it skipped', async () => {
    const info = await initBackend(undefined);
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(info.choice);
    if (info.choice === 'wasm') expect(info.skipped.join(' ')).toMatch(/tfjs-node/);
    expect(info.overrides.length).toBeGreaterThan(0);
  });

  it('PEFT_BACKEND forces one and fails clearly when it is unknown or unavailable', () => {
    const bad = peftLab(['params', '--model', 'x'], { env: { PEFT_BACKEND: 'metal' } });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toBe("peft-lab: PEFT_BACKEND='metal' is not a backend; valid: tfjs-node-gpu, tfjs-node, wasm, cpu");
    const missing = peftLab(['params', '--model', 'x'], { env: { PEFT_BACKEND: 'tfjs-node' } });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/PEFT_BACKEND=tfjs-node is not available here: @tensorflow\/tfjs-node: not installed/);
  });
});

describe('wasm kernels needed for training equal the cpu reference', () => {
  it('UnsortedSegmentSum (the gradient of gather / embedding lookups)', async () => {
    await initBackend('wasm');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        async (vocab, dim, n, seed) => {
          const ids = Array.from({ length: n }, (_, i) => Math.abs((seed + i * 7919) % vocab));
          const run = () =>
            tf.tidy(() => {
              const table = tf.randomNormal([vocab, dim], 0, 1, 'float32', 1);
              const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), tf.range(0, dim))))(table);
              return g.arraySync() as number[][];
            });
          const w = await on('wasm', run);
          const c = await on('cpu', run);
          expect(w).toEqual(c);
        },
      ),
      { numRuns: 15 },
    );
    await tf.setBackend('wasm');
  });

  it('BatchMatMul with transposed operands (transpose-first override) for every layout', async () => {
    await initBackend('wasm');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        async (b, m, k, n, ta, tb) => {
          const run = () =>
            tf.tidy(() => {
              const a = tf.randomUniform(ta ? [b, k, m] : [b, m, k], -1, 1, 'float32', 3);
              const bb = tf.randomUniform(tb ? [b, n, k] : [b, k, n], -1, 1, 'float32', 4);
              return Array.from(tf.matMul(a as tf.Tensor3D, bb as tf.Tensor3D, ta, tb).dataSync());
            });
          const w = await on('wasm', run);
          const c = await on('cpu', run);
          for (let i = 0; i < c.length; i++) expect(Math.abs(w[i]! - c[i]!)).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 25 },
    );
    await tf.setBackend('wasm');
  });

  it('tracks memory on any backend', async () => {
    const { PeakMemory } = await import('../../src/engine/memorySampling.ts');
    const pm = new PeakMemory();
    const t = tf.zeros([1000]);
    pm.sample();
    t.dispose();
    expect(pm.peakTensorBytes).toBeGreaterThanOrEqual(4000);
    expect(pm.peakRssBytes).toBeGreaterThan(0);
  });
});
