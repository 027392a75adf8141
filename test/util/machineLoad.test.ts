import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { BUSY_CPU_SHARE, LoadMeter, othersCpuShare, timedUnderLoad } from '../../src/util/machineLoad.ts';

describe('machine load beside a timing', () => {
  it("counts the busy time of other processes only, never this process's own", () => {
    // Two CPUs for 1 s (2,000 ms in all): this process busy 900 ms, the machine busy 1,100 ms.
    expect(othersCpuShare({ busyMs: 1100, totalMs: 2000, ownMs: 900 })).toBe(0.1);
    expect(othersCpuShare({ busyMs: 900, totalMs: 2000, ownMs: 900 })).toBe(0);
    // Clock granularity: own time a tick above the busy time reads as no load, not a negative share.
    expect(othersCpuShare({ busyMs: 890, totalMs: 2000, ownMs: 900 })).toBe(0);
    expect(othersCpuShare({ busyMs: 0, totalMs: 0, ownMs: 0 })).toBe(0);
  });

  it('flags a span as timed under load from BUSY_CPU_SHARE of the CPU', () => {
    const at = (share: number) => ({ others_cpu_share: share, load_1m_start: 0, load_1m_end: 0, cores: 2 });
    expect(timedUnderLoad(at(BUSY_CPU_SHARE))).toBe(true);
    expect(timedUnderLoad(at(BUSY_CPU_SHARE - 0.001))).toBe(false);
  });

  it('sees another process keeping a CPU busy while this one waits', async () => {
    const meter = new LoadMeter();
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);']);
    await new Promise((resolve) => child.on('exit', resolve));
    const r = meter.finish();
    expect(r.cores).toBe(os.cpus().length);
    // One busy core of `cores` for most of the span (the child's start-up is idle time).
    expect(r.others_cpu_share).toBeGreaterThan(0.6 / r.cores);
    expect(r.others_cpu_share).toBeLessThanOrEqual(1);
    expect(timedUnderLoad(r)).toBe(r.others_cpu_share >= BUSY_CPU_SHARE);
  });
});
