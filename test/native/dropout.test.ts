/**
 * Native dropout keeps tf.dropout's semantics (keep with probability 1 − rate, scale kept values by
 * 1 / (1 − rate)); its mask is a function of (seed, index) alone, so the gradient masks dy exactly as
 * the forward pass masked x, a seed always drops the same elements, and the thread count changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { loadNative } from '../../src/engine/native/addon.ts';
import { dropoutFused } from '../../src/engine/native/fused.ts';
import { NATIVE_MISSING, skipUnless } from '../helpers/skip.ts';

const values = (t: Tensor) => Array.from(t.dataSync());

describe('native dropout', skipUnless(loadNative(), NATIVE_MISSING), () => {
  for (const backend of ['wasm', 'cpu'])
    describe(backend, () => {
      it('zeroes about rate of the elements and scales the rest by 1 / (1 − rate)', async () => {
        await tf.setBackend(backend);
        const x = tf.randomUniform([64, 1000], 0.5, 1.5, 'float32', 3);
        for (const rate of [0.1, 0.5]) {
          const y = dropoutFused(x, rate, 11);
          const [xs, ys] = [values(x), values(y)];
          const dropped = ys.filter((v) => v === 0).length / ys.length;
          // 64,000 draws: the share's standard error is below 0.2 percentage points.
          expect(Math.abs(dropped - rate)).toBeLessThan(0.01);
          ys.forEach((v, i) => v !== 0 && expect(v).toBeCloseTo(xs[i]! / (1 - rate), 5));
          y.dispose();
        }
        x.dispose();
      });

      it('masks the gradient exactly where it masked the input', async () => {
        await tf.setBackend(backend);
        const x = tf.randomUniform([8, 333], 0.5, 1.5, 'float32', 5);
        const dy = tf.randomUniform([8, 333], -1, 1, 'float32', 6);
        const y = dropoutFused(x, 0.3, 42);
        const dx = tf.grad((a: Tensor) => tf.sum(tf.mul(dropoutFused(a, 0.3, 42), dy)))(x);
        const [yv, dxv, dyv] = [values(y), values(dx), values(dy)];
        yv.forEach((v, i) => expect(dxv[i]).toBeCloseTo(v === 0 ? 0 : dyv[i]! / 0.7, 5));
        tf.dispose([x, dy, y, dx]);
      });

      it('drops the same elements for a seed, other ones for another seed, whatever the thread count', async () => {
        await tf.setBackend(backend);
        const addon = loadNative()!;
        const x = tf.ones([200_000]);
        const mask = (seed: number) => values(dropoutFused(x, 0.1, seed)).map((v) => (v === 0 ? 0 : 1));
        const a = mask(7);
        expect(mask(7)).toEqual(a);
        // The native kernel ran, not tf.dropout (whose generator drops other elements for the same seed).
        expect(values(tf.dropout(x, 0.1, undefined, 7)).map((v) => (v === 0 ? 0 : 1))).not.toEqual(a);
        const other = mask(8);
        expect(other.filter((v, i) => v !== a[i]).length).toBeGreaterThan(1000);
        const threads = addon.info().threads;
        try {
          addon.configure(1, '');
          expect(mask(7)).toEqual(a);
        } finally {
          addon.configure(threads, '');
        }
        x.dispose();
      });
    });
});
