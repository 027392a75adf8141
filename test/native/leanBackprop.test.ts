import { describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { installLeanBackprop } from '../../src/engine/native/leanBackprop.ts';
import { randomGpt2, applyBenchMethod, type BenchModelConfig } from '../../bench/workloads.ts';
import { dropoutRng } from '../../src/engine/random.ts';

const tiny: BenchModelConfig = { n_layer: 2, n_embd: 32, n_head: 4, vocab_size: 97, seq: 12, batch: 3 };

/**
 * Gradients of one GPT-2 step, and the tensor bytes alive summed over its kernel calls (the area under
 * the memory curve: freeing gradients earlier lowers it even where the forward pass sets the peak).
 */
function step(method: 'lora' | 'full'): { grads: Float32Array[]; loss: number; byteCalls: number } {
  const { peft } = applyBenchMethod(randomGpt2(tiny, { dropout: 0.1, seed: 5 }), method);
  peft.train();
  dropoutRng.state = 123;
  const vars = peft.trainableParameters().map(([, v]) => v);
  const ids = tf.tensor2d(
    Array.from({ length: tiny.batch * tiny.seq }, (_, i) => (i * 31) % tiny.vocab_size),
    [tiny.batch, tiny.seq],
    'int32',
  );
  let byteCalls = 0;
  const backend = tf.getBackend();
  const kernels = tf.getKernelsForBackend(backend);
  for (const k of kernels) {
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (a) => {
        byteCalls += tf.memory().numBytes;
        return k.kernelFunc(a);
      },
    });
  }
  try {
    const { value, grads } = tf.variableGrads(() => peft.forward({ inputIds: ids, labels: ids }).loss as tf.Scalar, vars);
    const out = { grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array), loss: value.dataSync()[0]!, byteCalls };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    for (const k of kernels) {
      tf.unregisterKernel(k.kernelName, backend);
      tf.registerKernel(k);
    }
    ids.dispose();
    peft.dispose();
  }
}

describe('lean backward pass', () => {
  it('gives bit-identical gradients with less memory alive, and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    const methods = ['lora', 'full'] as const;
    const tfjs = methods.map(step);
    const tensorsBefore = tf.memory().numTensors;
    expect(installLeanBackprop()).toBe(true);
    for (const [i, method] of methods.entries()) {
      const before = tfjs[i]!;
      const after = step(method);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(after.loss).toBe(before.loss);
      expect(after.grads.length).toBe(before.grads.length);
      after.grads.forEach((g, i) => expect(g).toEqual(before.grads[i]));
      expect(after.byteCalls).toBeLessThan(before.byteCalls * 0.95);
    }
  });

  it('still computes gradients of gradients (tfjs code path)', () => {
    installLeanBackprop();
    const x = tf.scalar(3);
    const d2 = tf.grad(tf.grad((t: tf.Tensor) => tf.pow(t, 3)))(x); // 6x
    expect(d2.dataSync()[0]).toBeCloseTo(18, 5);
    tf.dispose([x, d2]);
  });
});
