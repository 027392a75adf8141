import { tf } from '../tf.ts';
import { accessFor } from './access.ts';
import { loadNative, markNativeActive } from './addon.ts';
import { NATIVE_KERNELS, type NativeKernel } from './kernels.ts';

/** The backends whose tensor memory the native kernels can address in place. */
const SUPPORTED = new Set(['wasm', 'cpu']);
const registered = new Map<string, string[]>();

/**
 * Which kernels to take over: all by default; PEFT_NATIVE_KERNELS=BatchMatMul,Softmax picks some
 * (to measure one kernel's share, or to rule one out when chasing a difference).
 */
function selection(): string[] {
  const env = process.env.PEFT_NATIVE_KERNELS?.trim();
  if (!env) return Object.keys(NATIVE_KERNELS);
  return env
    .split(',')
    .map((s) => s.trim())
    .filter((k) => k in NATIVE_KERNELS);
}

function wrap(backendName: string, impl: NativeKernel, fallback: tf.KernelFunc): tf.KernelFunc {
  const addon = loadNative()!;
  return (args) => {
    const acc = accessFor(backendName, args.backend);
    const out = acc
      ? impl({ inputs: args.inputs as Record<string, tf.TensorInfo>, attrs: (args.attrs ?? {}) as Record<string, unknown>, acc, addon })
      : undefined;
    return out ?? fallback(args);
  };
}

/**
 * Replaces the heavy kernels of `backendName` with native ones when the addon loaded; the kernel that
 * was registered before (tfjs's, or our wasm override) stays as the fallback for the cases the native
 * one does not cover. Returns the names of what was replaced, e.g. "native:BatchMatMul".
 */
export function registerNativeKernels(backendName: string): string[] {
  const done = registered.get(backendName);
  if (done) return done;
  if (!SUPPORTED.has(backendName) || !loadNative()) return [];
  const names: string[] = [];
  for (const name of selection()) {
    const prev = tf.getKernel(name, backendName);
    if (!prev) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: wrap(backendName, NATIVE_KERNELS[name]!, prev.kernelFunc) });
    names.push(`native:${name}`);
  }
  registered.set(backendName, names);
  if (names.length) markNativeActive(backendName);
  return names;
}
