/**
 * What a `peft-lab bench` run gives back and how it times: wall and CPU time per timed step after the
 * warm-up, the process's peak memory, the backend that ran, and random token batches.
 */
import os from 'node:os';
import { tf, type Tensor } from '../src/engine/tf.ts';
import type { BackendInfo } from '../src/engine/backend.ts';
import { nativeStatus } from '../src/engine/native/addon.ts';
import type { Rng } from '../src/engine/random.ts';
import { median } from '../src/util/median.ts';

/** The JSON `peft-lab bench` prints (a contract: scripts read these fields). */
export interface BenchResult {
  tokens_per_s: number;
  step_ms: number;
  peak_rss_mb: number;
  backend: string;
  /** What ran, so that a result file is self-describing. */
  detail: Record<string, unknown>;
}

/**
 * Wall and CPU milliseconds of the steps after the first `warmup` ones: the warm-up steps still run
 * (kernels compile, buffers are allocated) but are not kept.
 */
export class StepTimer {
  readonly times: number[] = [];
  readonly cpu: number[] = [];
  private seen = 0;
  constructor(private readonly warmup: number) {}

  time<T>(f: () => T): T {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = f();
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (this.seen++ >= this.warmup) {
      this.times.push(dt);
      this.cpu.push((c.user + c.system) / 1000);
    }
    return out;
  }

  /** The median timed step: one slow GC pause does not move it. */
  medianMs(): number {
    return median(this.times);
  }

  /**
   * The spread of the timed steps and the machine's load: on a shared machine the median moves with
   * what else runs, and the fastest step and the CPU time per step show what the code itself costs.
   */
  detail(unit = 'step'): Record<string, number | number[]> {
    return {
      [`min_${unit}_ms`]: Math.round(Math.min(...this.times) * 10) / 10,
      [`cpu_ms_per_${unit}`]: Math.round(median(this.cpu) * 10) / 10,
      load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
    };
  }
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes on every platform Node supports.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function backendLabel(info: BackendInfo): string {
  const n = nativeStatus();
  return n.info && n.activeFor.includes(info.tfBackend) ? `${info.tfBackend}+native(${n.info.isa},${n.info.threads}t)` : info.tfBackend;
}

/** A [B, T] int32 batch of token ids drawn uniformly from [0, V). */
export function randomIds(rng: Rng, B: number, T: number, V: number): Tensor {
  const ids = new Int32Array(B * T);
  for (let i = 0; i < ids.length; i++) ids[i] = rng.int(V);
  return tf.tensor2d(ids, [B, T], 'int32');
}

/** B prompts of P token ids each, as generate() takes them. */
export function randomPrompts(rng: Rng, B: number, P: number, V: number): number[][] {
  return Array.from({ length: B }, () => Array.from({ length: P }, () => rng.int(V)));
}
