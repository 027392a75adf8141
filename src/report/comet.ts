/**
 * COMET in the report: the translation tables' column, and the one note per comparison group that
 * says why runs were not scored and how to enable the scorer. COMET comes from an external scorer
 * (src/metrics/comet.ts) and is never approximated, so a run without a score shows "not run".
 */
import { cometScored, type CometScore, type ExperimentResult } from '../experiment/results.ts';

/** Why a run has no COMET when its result has no COMET field (recorded before COMET was scored). */
export const COMET_NOT_RECORDED = 'these results were recorded before COMET was part of the experiments';

/** The COMET runs of a block or a comparison group. */
export interface CometNote {
  runs: number;
  scored: number;
  /** Distinct reasons of the runs not scored, in run order. */
  reasons: string[];
  /** Distinct scorer commands of the runs scored. */
  commands: string[];
}

/** COMET scores translations only: other tasks' tables have no COMET column. */
export function hasCometColumn(task: string): boolean {
  return task === 'translation';
}

/** A run's COMET score, null when it has none (not run, or not a translation run). */
export function cometCell(r: ExperimentResult): CometScore | null {
  return cometScored(r.comet) ? r.comet : null;
}

const distinct = (xs: string[]) => [...new Set(xs)];

/** The COMET runs among `results` (null: none of them is a translation run). */
export function cometNote(results: readonly ExperimentResult[]): CometNote | null {
  const runs = results.filter((r) => hasCometColumn(r.task));
  if (!runs.length) return null;
  const scored = runs.flatMap((r) => (cometScored(r.comet) ? [r.comet] : []));
  const reasons = runs.flatMap((r) => (cometScored(r.comet) ? [] : [r.comet?.not_run ?? COMET_NOT_RECORDED]));
  return { runs: runs.length, scored: scored.length, reasons: distinct(reasons), commands: distinct(scored.map((c) => c.command)) };
}

/** The notes of several blocks as one (null when none has COMET runs). */
export function mergeCometNotes(notes: readonly (CometNote | null)[]): CometNote | null {
  const present = notes.filter((n): n is CometNote => n !== null);
  if (!present.length) return null;
  return {
    runs: present.reduce((s, n) => s + n.runs, 0),
    scored: present.reduce((s, n) => s + n.scored, 0),
    reasons: distinct(present.flatMap((n) => n.reasons)),
    commands: distinct(present.flatMap((n) => n.commands)),
  };
}
