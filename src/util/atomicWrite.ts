/**
 * Atomic file writes: the bytes go to `FILE.tmp-PID` beside the target and are renamed over it, so a
 * reader (or a killed writer's successor) sees the old file or the new one, never half of one. The
 * temporary name carries the writer's process id because the leftover cleanup in saveTrained.ts and
 * checkpoint.ts recognises and ages temporary files by that pattern.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** The temporary name a write to `file` goes through. */
export function atomicTempName(file: string): string {
  return `${file}.tmp-${process.pid}`;
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = atomicTempName(file);
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = atomicTempName(file);
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Pretty-printed JSON (two-space indent, trailing newline), written atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
