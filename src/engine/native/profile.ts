import { tf } from '../tf.ts';

export interface KernelCost {
  kernel: string;
  /** Input shapes of the most expensive call, e.g. "[1024,256]x[256,768]". */
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
 * Where the time of `fn` goes, per kernel and input shapes (tf.profile under the hood), most expensive
 * first. Used to decide which kernels the native path should take over next.
 */
export async function profileKernels(fn: () => void, opts: { byShape?: boolean } = {}): Promise<KernelProfile> {
  const t0 = performance.now();
  const info = await tf.profile(fn);
  const wallMs = performance.now() - t0;
  const agg = new Map<string, KernelCost>();
  let kernelMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    kernelMs += ms;
    const shapes = k.inputShapes.map((s) => `[${s ?? ''}]`).join('x');
    const key = opts.byShape ? `${k.name} ${shapes}` : k.name;
    const row = agg.get(key) ?? { kernel: k.name, shapes, calls: 0, ms: 0 };
    row.calls++;
    row.ms += ms;
    agg.set(key, row);
  }
  const rows = [...agg.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, ms: Math.round(r.ms * 10) / 10 }));
  return { wallMs, kernelMs, rows };
}
