/**
 * What an experiment test attaches to `task.meta` (typed for vitest): the reporter reads it back.
 */
import type { SuiteMeta } from '../../src/experiment/results.ts';

declare module '@vitest/runner' {
  interface TaskMeta {
    peftLab?: SuiteMeta;
  }
}

export type { SuiteMeta };
