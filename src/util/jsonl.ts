import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { labelWithPath } from './envErrors.ts';

/**
 * Appends `value` as one JSON line, all or nothing. appendFileSync can fail part-way through a line
 * (a disk that fills up, a file-size limit) and leave a torn last line that breaks every JSONL reader;
 * here the whole line goes out in one buffer, and a failed write cuts the file back to where it was
 * before the error is passed on.
 */
export function appendJsonLine(file: string, value: unknown): void {
  const line = Buffer.from(JSON.stringify(value) + '\n');
  const fd = openSync(file, 'a');
  try {
    const before = fstatSync(fd).size;
    try {
      let done = 0;
      while (done < line.length) done += writeSync(fd, line, done, line.length - done);
    } catch (e) {
      try {
        ftruncateSync(fd, before);
      } catch {
        // the write error is the one to report; a failed cut-back leaves what the disk allowed
      }
      throw labelWithPath(e, file);
    }
  } finally {
    closeSync(fd);
  }
}
