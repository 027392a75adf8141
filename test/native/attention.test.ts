/**
 * The native cached-attention step equals the tfjs ops it replaces (split into heads, cache concat,
 * q·kᵀ / divisor + bias, softmax, ·v, merge heads) on random shapes, on both backends; and it steps
 * aside where it does not apply (gradients recorded, many query tokens).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { expectTensorsClose as close } from '../helpers/tensorClose.ts';
import { loadNative } from '../../src/engine/native/addon.ts';
import { attendCached, type CachedAttentionInput } from '../../src/engine/native/attention.ts';
import { NATIVE_MISSING, skipUnless } from '../helpers/skip.ts';

const RUNS = Number(process.env.PEFT_PROPERTY_RUNS ?? 40);

/** The tfjs formulation (as in the GPT-2 / T5 attention modules). */
function reference(i: CachedAttentionInput): { out: Tensor; key: Tensor; value: Tensor } {
  const [B, T] = i.q.shape as [number, number, number];
  const H = i.heads;
  const D = i.headDim;
  const heads = (t: Tensor, off = 0) =>
    t
      .slice([0, 0, off], [B, T, H * D])
      .reshape([B, T, H, D])
      .transpose([0, 2, 1, 3]);
  const q = heads(i.q, i.qOffset);
  // Without new rows (cross-attention) the cache is the whole key / value set.
  const appended = (past: Tensor | undefined, fresh: Tensor | undefined, off?: number) =>
    !fresh ? past! : past ? tf.concat([past, heads(fresh, off)], 2) : heads(fresh, off);
  const key = appended(i.pastKey, i.k, i.kOffset);
  const value = appended(i.pastValue, i.v, i.vOffset);
  const att = tf.softmax(tf.add(tf.div(tf.matMul(q as tf.Tensor4D, key as tf.Tensor4D, false, true), i.divisor), i.bias));
  const out = tf
    .matMul(att as tf.Tensor4D, value as tf.Tensor4D)
    .transpose([0, 2, 1, 3])
    .reshape([B, T, H * D]);
  return { out, key, value };
}

describe('attendCached ↔ tfjs attention with a KV cache', skipUnless(loadNative(), NATIVE_MISSING), () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: random shapes, self- (appending) or cross-attention (a fixed cache), fused or separate q/k/v, bias per batch / head or shared, masked keys`, async () => {
      await tf.setBackend(backend);
      fc.assert(
        fc.property(
          fc.record({
            B: fc.integer({ min: 1, max: 3 }),
            T: fc.integer({ min: 1, max: 4 }),
            P: fc.integer({ min: 0, max: 9 }),
            H: fc.integer({ min: 1, max: 4 }),
            D: fc.integer({ min: 1, max: 17 }),
            fused: fc.boolean(),
            cross: fc.boolean(),
            biasB: fc.boolean(),
            biasH: fc.boolean(),
            divisor: fc.constantFrom(1, 8, Math.sqrt(5)),
            seed: fc.integer({ min: 1, max: 10_000 }),
          }),
          ({ B, T, P: drawnP, H, D, fused, cross, biasB, biasH, divisor, seed }) => {
            const C = H * D;
            // Cross-attention: no new key / value rows, over a cache of at least one.
            const P = cross ? Math.max(drawnP, 1) : drawnP;
            const S = cross ? P : P + T;
            tf.tidy(() => {
              const qkv = tf.randomUniform([B, T, 3 * C], -2, 2, 'float32', seed);
              const sep = [0, 1, 2].map((j) => tf.randomUniform([B, T, C], -2, 2, 'float32', seed + 1 + j));
              // Bias with masked keys (float32 min), as the models build it; never a whole row masked.
              const raw = tf.randomUniform([biasB ? B : 1, biasH ? H : 1, T, S], -1, 1, 'float32', seed + 5);
              const bias = tf.where(tf.less(raw, -0.6), tf.fill(raw.shape, -3.4028234663852886e38), raw);
              const lastKeyOpen = tf.concat([tf.zeros([...raw.shape.slice(0, 3), S - 1]), tf.ones([...raw.shape.slice(0, 3), 1])], 3);
              const projections = fused ? { q: qkv, k: qkv, v: qkv, kOffset: C, vOffset: 2 * C } : { q: sep[0]!, k: sep[1]!, v: sep[2]! };
              const input: CachedAttentionInput = {
                ...(cross ? { q: projections.q, qOffset: 0 } : projections),
                pastKey: P ? tf.randomUniform([B, H, P, D], -2, 2, 'float32', seed + 6) : undefined,
                pastValue: P ? tf.randomUniform([B, H, P, D], -2, 2, 'float32', seed + 7) : undefined,
                bias: tf.where(tf.greater(lastKeyOpen, 0), raw, bias),
                heads: H,
                headDim: D,
                divisor,
              };
              const got = attendCached(input);
              expect(got).toBeDefined();
              const want = reference(input);
              close(got!.out, want.out, 2e-5);
              close(got!.key, want.key, 0);
              close(got!.value, want.value, 0);
              // A cross-attention cache is returned as it was, not copied.
              if (cross) expect([got!.key, got!.value]).toEqual([input.pastKey, input.pastValue]);
            });
          },
        ),
        { numRuns: RUNS, seed: 3 },
      );
    });
  }

  it('declines under a gradient tape, for long query blocks and without keys (the callers then use tfjs ops)', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const mk = (T: number) => ({
        q: tf.ones([1, T, 8]),
        k: tf.ones([1, T, 8]),
        v: tf.ones([1, T, 8]),
        bias: tf.zeros([1, 1, T, T]),
        heads: 2,
        headDim: 4,
        divisor: 2,
      });
      expect(attendCached(mk(1))).toBeDefined();
      expect(attendCached(mk(5))).toBeUndefined();
      // No new rows and no cache: nothing to attend to.
      expect(attendCached({ ...mk(1), k: undefined, v: undefined })).toBeUndefined();
      const x = tf.ones([1, 1, 8]);
      tf.grad((a: Tensor) => {
        expect(attendCached({ ...mk(1), q: a })).toBeUndefined();
        return a.sum();
      })(x);
    });
  });
});
