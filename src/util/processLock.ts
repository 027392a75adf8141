/**
 * A lock between processes on one machine: a file created exclusively, holding its holder's process
 * id. Waiters poll until the file is gone; a lock whose holder no longer runs (a killed run) is taken
 * over, so a crash never leaves a folder locked.
 *
 * Hand-written because the lockfile packages judge staleness by a heartbeat on the lock's mtime, which
 * a holder stops refreshing while a long synchronous step (a generation pass of minutes) blocks its
 * event loop: the lock would be declared stale and taken from a live holder. A process id answers
 * whether the holder runs, however long it is busy. (Worker threads share one process id: they wait
 * for each other like processes, but a lock file left by a crashed thread of a live process would not
 * be seen as stale; the test runner's pool is forks.)
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processRunning } from './leftovers.ts';

export interface LockOptions {
  /** How often a waiter looks again, in ms (default 500). */
  pollMs?: number;
  /** Called once when the lock is held by another live process, and then every `reportEveryMs`. */
  onWait?: (holderPid: number, waitedMs: number) => void;
  reportEveryMs?: number;
}

/** Creates the lock file; false when it exists. */
function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The holder's process id, or null when the file vanished or holds no id (being written: read again). */
function holderOf(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** A file without a process id is one being written, for microseconds; after this long, a creator killed before writing it. */
const UNWRITTEN_STALE_MS = 10_000;

/** Whether the file's holder is gone: a process that no longer runs, or a file left without an id. */
function abandoned(file: string, holder: number | null): boolean {
  if (holder !== null) return !processRunning(holder);
  const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  return mtime !== undefined && Date.now() - mtime > UNWRITTEN_STALE_MS;
}

/**
 * Removes a dead holder's lock. Two waiters may find the same dead holder: the removal runs under a
 * second exclusive file and checks the holder again, so one waiter never removes the lock another has
 * just taken.
 */
function removeIfHeldBy(lockPath: string, deadHolder: number | null): void {
  const guard = `${lockPath}.takeover`;
  if (!tryCreate(guard)) {
    if (abandoned(guard, holderOf(guard))) rmSync(guard, { force: true });
    return;
  }
  try {
    if (holderOf(lockPath) === deadHolder && abandoned(lockPath, deadHolder)) rmSync(lockPath, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Runs `fn` while holding the lock at `lockPath`, waiting for a live holder and taking over a dead one's. */
export async function withProcessLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const pollMs = opts.pollMs ?? 500;
  const reportEveryMs = opts.reportEveryMs ?? 30_000;
  const started = Date.now();
  let reported = -Infinity;
  while (!tryCreate(lockPath)) {
    const holder = holderOf(lockPath);
    if (abandoned(lockPath, holder)) {
      removeIfHeldBy(lockPath, holder);
      continue;
    }
    const waited = Date.now() - started;
    if (holder !== null && waited - reported >= reportEveryMs) {
      opts.onWait?.(holder, waited);
      reported = waited;
    }
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
