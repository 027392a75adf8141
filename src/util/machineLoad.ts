/**
 * What else ran on the machine while a span of work was timed. A speed measured while other
 * processes took CPU time is a lower bound, not the method's speed, so results record this beside
 * their timings and the report keeps such runs out of its time comparisons.
 *
 * The main measure is the share of the machine's CPU time that other processes used: every CPU's
 * busy time (os.cpus()) minus this process's own (process.cpuUsage(), which counts all of its threads,
 * the native kernels' pool included). The 1-minute load average is recorded too, as the usual figure,
 * but it cannot tell this run's own busy threads from anyone else's.
 */
import os from 'node:os';

export interface MachineLoadRecord {
  /** Share (0–1) of all CPUs' time that other processes used during the span. */
  others_cpu_share: number;
  /** The 1-minute load average when the span started and when it ended (this run's own threads included). */
  load_1m_start: number;
  load_1m_end: number;
  cores: number;
}

/**
 * From this share of the machine's CPU used by other processes, a timing counts as taken under load:
 * on two cores, a competing single-threaded job takes about half, while an idle machine's daemons
 * (and the test runner's own main process) stay within a few percent.
 */
export const BUSY_CPU_SHARE = 0.1;

/** Summed over every CPU, in milliseconds: time spent busy (user, nice, system, irq) and in all. */
function cpuTimesMs(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times: t } of os.cpus()) {
    const b = t.user + t.nice + t.sys + t.irq;
    busy += b;
    total += b + t.idle;
  }
  return { busy, total };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The share of all CPUs' time (`totalMs`, every CPU summed) that went to other processes: the busy
 * time less this process's own. Clamped to [0, 1]: the two clocks tick at different granularities, so
 * a short idle span can come out a hair below zero.
 */
export function othersCpuShare(span: { busyMs: number; totalMs: number; ownMs: number }): number {
  if (!(span.totalMs > 0)) return 0;
  return round3(Math.min(1, Math.max(0, (span.busyMs - span.ownMs) / span.totalMs)));
}

/** Started where the timed span starts; finish() where it ends. */
export class LoadMeter {
  private readonly cpu0 = cpuTimesMs();
  private readonly own0 = process.cpuUsage();
  private readonly load0 = os.loadavg()[0]!;

  finish(): MachineLoadRecord {
    const cpu = cpuTimesMs();
    const own = process.cpuUsage(this.own0);
    return {
      others_cpu_share: othersCpuShare({ busyMs: cpu.busy - this.cpu0.busy, totalMs: cpu.total - this.cpu0.total, ownMs: (own.user + own.system) / 1000 }),
      load_1m_start: round3(this.load0),
      load_1m_end: round3(os.loadavg()[0]!),
      cores: os.cpus().length,
    };
  }
}

/** Whether a span's timing was taken while other processes used BUSY_CPU_SHARE or more of the CPU. */
export function timedUnderLoad(r: MachineLoadRecord): boolean {
  return r.others_cpu_share >= BUSY_CPU_SHARE;
}
