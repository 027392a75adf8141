import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { withProcessLock } from '../../src/util/processLock.ts';

/*
 * The lock between processes that guards an experiment's cache entry: one holder at a time, waiting
 * for a live holder, taking over a dead one's lock, released whatever the holder does.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('withProcessLock', () => {
  it('lets one holder in at a time and removes the lock after', async () => {
    const lock = path.join(tmp, 'one.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withProcessLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await sleep(50);
          events.push(`${name} out`);
        },
        { pollMs: 5 },
      );
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits while another live process holds it, saying which', async () => {
    const lock = path.join(tmp, 'live.lock');
    // The test runner's parent process runs for the whole test.
    writeFileSync(lock, String(process.ppid));
    setTimeout(() => rmSync(lock), 150);
    const waits: number[] = [];
    const started = Date.now();
    await withProcessLock(lock, async () => undefined, { pollMs: 10, onWait: (pid) => waits.push(pid) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(waits).toEqual([process.ppid]);
  });

  it('takes over a lock whose holder no longer runs', async () => {
    const lock = path.join(tmp, 'dead.lock');
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(lock, String(exited));
    expect(await withProcessLock(lock, async () => 'ran', { pollMs: 10 })).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock file left without a process id (its creator killed before writing it)', async () => {
    const lock = path.join(tmp, 'unwritten.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(await withProcessLock(lock, async () => 'ran', { pollMs: 10 })).toBe('ran');
  });

  it('releases the lock when the holder throws', async () => {
    const lock = path.join(tmp, 'throws.lock');
    await expect(
      withProcessLock(lock, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});
