import { describe, it } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { loadNative } from '../../src/engine/native/addon.ts';
import { adamwStep } from '../../src/engine/native/adamw.ts';
import { AdamW } from '../../src/train/adamw.ts';
import { NATIVE_MISSING, skipUnless } from '../helpers/skip.ts';
import { expectTensorsClose } from '../helpers/tensorClose.ts';

/** The fused AdamW step against the Trainer's optimizer (tfjs ops), over several steps. */
describe('adamwStep', skipUnless(loadNative(), NATIVE_MISSING), () => {
  for (const backend of ['wasm', 'cpu'])
    it(`matches src/train/adamw.ts on ${backend} (with and without weight decay)`, async () => {
      await tf.setBackend(backend);
      const shape = [37, 5];
      const mk = (seed: number) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', seed));
      const ref = mk(1);
      const refNoDecay = mk(2);
      const opt = new AdamW(
        [
          ['w', ref],
          ['b', refNoDecay],
        ],
        { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 },
        new Set(['b']),
      );
      const ours = [mk(1), mk(2)];
      const moments = ours.map((p) => [tf.variable(tf.zerosLike(p), false), tf.variable(tf.zerosLike(p), false)] as const);
      for (let step = 1; step <= 4; step++) {
        const grads = [tf.randomNormal(shape, 0, 1, 'float32', 100 + step), tf.randomNormal(shape, 0, 1, 'float32', 200 + step)];
        opt.apply(
          new Map([
            ['w', grads[0]!],
            ['b', grads[1]!],
          ]),
          1e-2,
        );
        ours.forEach((p, i) =>
          adamwStep(p, grads[i]!, moments[i]![0], moments[i]![1], { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: i === 0 ? 0.1 : 0, step }),
        );
        tf.dispose(grads);
      }
      const near = (a: tf.Tensor, b: tf.Tensor) => expectTensorsClose(a, b, 1e-6);
      near(ours[0]!, ref);
      near(ours[1]!, refNoDecay);
      near(moments[0]![0], opt.m.get('w')!);
      near(moments[0]![1], opt.v.get('w')!);
      opt.dispose();
      tf.dispose([ref, refNoDecay, ...ours, ...moments.flat()]);
    });
});
