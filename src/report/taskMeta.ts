/**
 * What an experiment test attaches to vitest's `task.meta`, typed for both sides: the suites write it
 * and the report reporter reads it back (as TestRecord.meta, src/report/input.ts).
 */
import type { SuiteMeta } from '../experiment/results.ts';

declare module '@vitest/runner' {
  interface TaskMeta {
    peftLab?: SuiteMeta;
  }
}
