import { tf } from '../tf.ts';
import { unsortedSegmentSumWasm } from './unsortedSegmentSum.ts';
import { makeBatchMatMulTransposeFirst } from './batchMatMulTransposeFirst.ts';
import { registerNativeKernels } from '../native/register.ts';
import { makeIdentityShared } from '../native/identityShared.ts';
import { installLeanBackprop } from '../native/leanBackprop.ts';

/**
 * All kernel overrides live here, keyed by backend, so that every backend's replacements (the wasm
 * fixes and the native kernels) are registered in one place. Returns the names of what was registered.
 */
const done = new Set<string>();

function replaceKernel(name: string, backend: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(name, backend)) tf.unregisterKernel(name, backend);
  tf.registerKernel({ kernelName: name, backendName: backend, kernelFunc });
}

export function registerKernelOverrides(backend: string): string[] {
  const names: string[] = [];
  if (backend === 'wasm') {
    if (!done.has('wasm')) {
      if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) replaceKernel('UnsortedSegmentSum', 'wasm', unsortedSegmentSumWasm as unknown as tf.KernelFunc);
      const mm = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
      const tr = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
      replaceKernel('BatchMatMul', 'wasm', makeBatchMatMulTransposeFirst(mm, tr) as unknown as tf.KernelFunc);
      const id = tf.getKernel('Identity', 'wasm')!.kernelFunc;
      replaceKernel('Identity', 'wasm', makeIdentityShared(id) as unknown as tf.KernelFunc);
      done.add('wasm');
    }
    names.push('wasm:UnsortedSegmentSum', 'wasm:BatchMatMul(transpose-first)', 'wasm:Identity(shared)');
  }
  // The native kernels (when the addon built) go on top; what was registered above stays their fallback.
  names.push(...registerNativeKernels(backend));
  if (installLeanBackprop()) names.push('engine:lean-backprop');
  return names;
}
