/**
 * The fused operations give the values and gradients of the tfjs-op formulations they replace
 * (src/engine/composite.ts: GELU, LayerNorm, T5's RMS norm, cross-entropy, and HF's shifted causal-LM loss), on both backends.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { expectTensorsClose as close } from '../helpers/tensorClose.ts';
import { crossEntropyComposite as crossEntropy, geluNewComposite as geluNew, rmsNormComposite } from '../../src/engine/composite.ts';
import { loadNative } from '../../src/engine/native/addon.ts';
import { causalLMLossFused, crossEntropyFused, geluNewFused, layerNormFused, rmsNormFused } from '../../src/engine/native/fused.ts';
import { NATIVE_MISSING, skipUnless } from '../helpers/skip.ts';

/** HF's causal-LM loss from composite ops: slice the logits, shift the labels. */
function causalLMLoss(logits: Tensor, labels: Tensor): Tensor {
  const [B, T, V] = logits.shape as [number, number, number];
  const l = logits.slice([0, 0, 0], [B, T - 1, V]).reshape([B * (T - 1), V]);
  return crossEntropy(l, labels.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]));
}

const RUNS = Number(process.env.PEFT_PROPERTY_RUNS ?? 25);

/** Value and gradients (w.r.t. every input, weighted by a random upstream gradient) of f. */
function valueAndGrads(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], seed: number): Tensor[] {
  return tf.tidy(() => {
    const y = f(...xs);
    const w = tf.randomUniform(y.shape, -1, 1, 'float32', seed);
    const grads = tf.grads((...a: Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
    return [y, ...grads];
  });
}

type Norm = (x: Tensor, w: Tensor, b?: Tensor) => Tensor;

/**
 * A norm over the last axis against its tfjs formulation, value and every gradient, on random
 * shapes. Rows ≥ 1: tfjs-wasm's Sum over an empty axis returns garbage for the reference's dweight.
 */
function expectNormMatches(fused: Norm, composite: Norm, opts: { bias: boolean; seed: number }): void {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 2 }),
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 1000 }),
      (lead, C, seed) => {
        const x = tf.randomUniform([...lead, C], -3, 5, 'float32', seed);
        const w = tf.randomUniform([C], 0.5, 1.5, 'float32', seed + 1);
        const inputs = opts.bias ? [x, w, tf.randomUniform([C], -1, 1, 'float32', seed + 2)] : [x, w];
        const got = valueAndGrads((...a) => fused(a[0]!, a[1]!, a[2]), inputs, seed);
        const want = valueAndGrads((...a) => composite(a[0]!, a[1]!, a[2]), inputs, seed);
        got.forEach((g, i) => close(g, want[i]!, 2e-5));
        tf.dispose([...inputs, ...got, ...want]);
      },
    ),
    { numRuns: RUNS, seed: opts.seed },
  );
}

describe('fused operations equal their tfjs formulations', skipUnless(loadNative(), NATIVE_MISSING), () => {
  for (const backend of ['wasm', 'cpu']) {
    describe(backend, () => {
      it('geluNewFused ↔ geluNew', async () => {
        await tf.setBackend(backend);
        fc.assert(
          fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 1000 }), (shape, seed) => {
            const x = tf.randomUniform(shape, -6, 6, 'float32', seed);
            const got = valueAndGrads(geluNewFused, [x], seed);
            const want = valueAndGrads(geluNew, [x], seed);
            got.forEach((g, i) => close(g, want[i]!, 2e-6));
            tf.dispose([x, ...got, ...want]);
          }),
          { numRuns: RUNS, seed: 1 },
        );
      });

      it('layerNormFused ↔ LayerNorm (value, dx, dweight, dbias)', async () => {
        await tf.setBackend(backend);
        const composite = (x: Tensor, w: Tensor, b?: Tensor) =>
          tf.tidy(() => {
            const { mean, variance } = tf.moments(x, -1, true);
            return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), w), b!);
          });
        expectNormMatches((a, c, d) => layerNormFused(a, c, d!, 1e-5), composite, { bias: true, seed: 2 });
      });

      it('rmsNormFused ↔ T5LayerNorm (value, dx, dweight)', async () => {
        await tf.setBackend(backend);
        expectNormMatches(
          (a, c) => rmsNormFused(a, c, 1e-6),
          (a, c) => rmsNormComposite(a, c, 1e-6),
          { bias: false, seed: 4 },
        );
      });

      // V ≥ 2: tf.oneHot (in the reference) rejects a depth of 1.
      it('crossEntropyFused ↔ crossEntropy and causalLMLossFused ↔ causalLMLoss (ignored labels, masks)', async () => {
        await tf.setBackend(backend);
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 4 }),
            fc.integer({ min: 2, max: 9 }),
            fc.integer({ min: 2, max: 50 }),
            fc.integer({ min: 1, max: 1000 }),
            (B, T, V, seed) => {
              const logits = tf.tidy(() =>
                tf.where(
                  tf.greater(tf.randomUniform([B, T, V], 0, 1, 'float32', seed), 0.9),
                  tf.fill([B, T, V], -3.4e38),
                  tf.randomUniform([B, T, V], -8, 8, 'float32', seed + 1),
                ),
              );
              const ids = Array.from({ length: B * T }, (_, i) => ((i * 7 + seed) % 5 === 0 ? -100 : (i * 13 + seed) % V));
              const labels = tf.tensor2d(ids, [B, T], 'int32');
              const flat = labels.reshape([B * T]);
              const got = valueAndGrads((l) => crossEntropyFused(l.reshape([B * T, V]), flat), [logits], seed);
              const want = valueAndGrads((l) => crossEntropy(l.reshape([B * T, V]), flat), [logits], seed);
              got.forEach((g, i) => close(g, want[i]!, 1e-5));
              const gotC = valueAndGrads((l) => causalLMLossFused(l, labels), [logits], seed);
              const wantC = valueAndGrads((l) => causalLMLoss(l, labels), [logits], seed);
              gotC.forEach((g, i) => close(g, wantC[i]!, 1e-5));
              tf.dispose([logits, labels, flat, ...got, ...want, ...gotC, ...wantC]);
            },
          ),
          { numRuns: RUNS, seed: 3 },
        );
        const l = tf.zeros([2, 3]);
        expect(() => crossEntropyFused(l, tf.tensor1d([0, 3], 'int32'))).toThrow(/outside the vocabulary/);
        l.dispose();
      });
    });
  }
});
