import { tf } from '../tf.ts';

export interface KernelCost {
  kernel: string;
  /** Input shapes of the calls, e.g. "[1024,256]x[256,768]" (when grouped by shape). */
  shapes: string;
  calls: number;
  ms: number;
}

export interface KernelProfile {
  wallMs: number;
  /** Time inside kernels; the rest of wallMs is JavaScript around them (tape, op wrappers, random numbers). */
  kernelMs: number;
  rows: KernelCost[];
}

/**
 * Where the time of `fn` goes, per kernel (and input shapes), most expensive first. It times each
 * kernel call in place by wrapping the backend's registered kernels for the duration, which, unlike
 * tf.profile, does not download every output (that download distorts the timings on wasm).
 */
export function profileKernels(fn: () => void, opts: { byShape?: boolean } = {}): KernelProfile {
  const backendName = tf.getBackend();
  const kernels = tf.getKernelsForBackend(backendName);
  const agg = new Map<string, KernelCost>();
  let depth = 0;
  let kernelMs = 0;
  const originals = kernels.map((k) => ({ ...k }));
  for (const k of kernels) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        // Kernels that call other kernels through the engine are counted once, at the outer level.
        if (depth > 0) return inner(args);
        depth++;
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          const ms = performance.now() - t0;
          depth--;
          kernelMs += ms;
          const shapes = Object.values(args.inputs)
            .map((t) => `[${(t as tf.TensorInfo).shape}]`)
            .join('x');
          const key = opts.byShape ? `${k.kernelName} ${shapes}` : k.kernelName;
          const row = agg.get(key) ?? { kernel: k.kernelName, shapes: opts.byShape ? shapes : '', calls: 0, ms: 0 };
          row.calls++;
          row.ms += ms;
          agg.set(key, row);
        }
      },
    });
  }
  const t0 = performance.now();
  try {
    fn();
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    }
  }
  const wallMs = performance.now() - t0;
  const rows = [...agg.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, ms: Math.round(r.ms * 10) / 10 }));
  return { wallMs, kernelMs, rows };
}
