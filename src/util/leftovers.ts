/**
 * Whether the process that left a temporary file behind may still be writing it. A process saves
 * one thing at a time, so a leftover with this process's own id is from a save that failed.
 */
export function writerAlive(pid: number): boolean {
  return pid !== process.pid && processRunning(pid);
}

/** Whether a process with this id runs (one of another user's included). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
