/**
 * Merging a run into the report already in its folder, so that running one suite (or one model with
 * `-t`) updates what it ran and leaves the rest of the deliverable as it was.
 *
 * A test is identified by its file and describe path; a block is a file's top-level describe (a task ×
 * model). Rules, in order:
 * - a test this run ran replaces the earlier record of the same test;
 * - a test this run filtered out (skipped without a note or data) keeps its earlier record;
 * - earlier records of blocks this run did not run are kept; those of a block it did run but which
 *   the run no longer has (a grid point removed since) are dropped, as the grid defines the block;
 * - earlier blocks of a profile this run does not use are dropped: a smoke run's numbers must never
 *   sit beside a standard run's as if they were comparable.
 * A kept record carries `reported_at`, the time of the report it first appeared in, so the report can
 * say which blocks were not rerun.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ReportInput, TestRecord } from './input.ts';

const testKey = (t: TestRecord) => [t.file, ...t.path].join('\u0000');
const blockKey = (t: TestRecord) => `${t.file}\u0000${t.path[0] ?? ''}`;

/** False for a test the run filtered out: vitest reports it skipped, with nothing attached. */
export function ranInThisRun(t: TestRecord): boolean {
  return !((t.state === 'skipped' || t.state === 'pending') && !t.meta && !t.note);
}

function profilesByBlock(tests: readonly TestRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of tests) {
    const p = t.meta?.experiment?.profile;
    if (!p) continue;
    const set = out.get(blockKey(t)) ?? new Set<string>();
    out.set(blockKey(t), set.add(p));
  }
  return out;
}

/** Earlier records that may still be shown beside this run's: same profiles, keyed by test. */
function compatibleEarlier(previous: ReportInput, current: ReportInput): Map<string, TestRecord> {
  const now = new Set(current.tests.flatMap((t) => (t.meta?.experiment ? [t.meta.experiment.profile] : [])));
  const before = profilesByBlock(previous.tests);
  const fits = (t: TestRecord) => !now.size || [...(before.get(blockKey(t)) ?? [])].every((p) => now.has(p));
  const stamp = (t: TestRecord): TestRecord => (t.reported_at ? t : { ...t, reported_at: previous.generated_at });
  return new Map(previous.tests.filter(fits).map((t) => [testKey(t), stamp(t)]));
}

export function mergeReportInput(previous: ReportInput | null, current: ReportInput): ReportInput {
  if (!previous) return current;
  const earlier = compatibleEarlier(previous, current);
  const rerun = new Set(current.tests.filter(ranInThisRun).map(blockKey));
  const out = new Map<string, TestRecord>();
  for (const [k, t] of earlier) if (!rerun.has(blockKey(t))) out.set(k, t);
  for (const t of current.tests) {
    const k = testKey(t);
    const old = earlier.get(k);
    if (ranInThisRun(t) || !old) out.set(k, t);
    else out.set(k, old);
  }
  return { ...current, tests: [...out.values()] };
}

/**
 * The data an earlier report in the folder was made from; null when there is none. A damaged file
 * throws rather than being ignored: writing this run alone would drop every other block from the
 * report, which is the damage merging exists to prevent.
 */
export function readReportData(file: string): ReportInput | null {
  if (!existsSync(file)) return null;
  let data: Partial<ReportInput>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Partial<ReportInput>;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away to write a report of this run alone`);
  }
  if (!Array.isArray(data.tests) || typeof data.generated_at !== 'string')
    throw new Error(`${file} has no "tests" list or "generated_at"; move it away to write a report of this run alone`);
  return { tests: data.tests, bench: data.bench ?? null, generated_at: data.generated_at };
}
