/**
 * What the report is built from: one record per test of the experiment suites (from vitest's test
 * results: state, errors, and the ExperimentResult / comparison / decoding data attached to the
 * test's meta), plus the inference benchmark's JSON when present. Plain data, so the report can be
 * rebuilt from a saved file (`peft-lab report --data`) as well as inside the vitest reporter.
 */
import type { SuiteMeta } from '../experiment/results.ts';

export interface TestRecord {
  /** Test file relative to the repository root. */
  file: string;
  /** Names of the enclosing describe blocks and the test, outermost first. */
  path: string[];
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** First line of each error (failed tests). */
  errors: string[];
  /** ctx.skip(note). */
  note?: string;
  duration_ms: number;
  meta?: SuiteMeta;
  /** Set on a record kept from an earlier report in the same folder (merge.ts): that report's time. */
  reported_at?: string;
}

export interface BenchRecord {
  group: string;
  name: string;
  /** Mean time per iteration, milliseconds. */
  mean_ms: number;
  hz: number;
  /** Relative margin of error, percent. */
  rme: number;
  samples: number;
  /** Work done per iteration (e.g. generated tokens), when the benchmark's name says "(N tokens)" or "(N segments)". */
  units?: { count: number; unit: string };
}

export interface ReportInput {
  tests: TestRecord[];
  bench: BenchRecord[] | null;
  /** ISO time the report was generated (the only line that differs between identical runs). */
  generated_at: string;
  /** Merged from the blobs of a sharded run (`npm run report:merge`), not rendered by the run itself. */
  merged_from_shards?: boolean;
}
