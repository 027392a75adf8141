/**
 * Whether a run's timings are an idle machine's. A run timed while other processes used the CPU
 * (src/util/machineLoad.ts), or one recorded before the load was measured, keeps its numbers in the
 * tables with a note, and stays out of the comparisons made on time (the seconds-per-epoch frontier).
 */
import type { ExperimentResult } from '../experiment/results.ts';
import { timedUnderLoad, type MachineLoadRecord } from '../util/machineLoad.ts';
import { fmtNum, fmtPct } from './numberFormat.ts';

type Timed = Pick<ExperimentResult, 'training' | 'inference'>;

function loadText(what: string, m: MachineLoadRecord | undefined): string | null {
  if (!m) return `${what}: the machine's load was not recorded`;
  if (!timedUnderLoad(m)) return null;
  return `${what} under load: other processes used ${fmtPct(100 * m.others_cpu_share)} of the CPU (1-minute load average ${fmtNum(m.load_1m_start, 1)} → ${fmtNum(m.load_1m_end, 1)} on ${m.cores} cores)`;
}

/** Why the run's training time is not an idle machine's; null when it is, or when nothing was trained. */
export function trainingTimingCaveat(r: Timed): string | null {
  return r.training ? loadText('trained', r.training.machine_load) : null;
}

/** Why the run's speeds (training and generation) are not an idle machine's, joined; null when both are. */
export function speedNote(r: Timed): string | null {
  const notes = [trainingTimingCaveat(r), loadText('generated', r.inference.machine_load)].filter((x): x is string => x !== null);
  return notes.length ? notes.join('; ') : null;
}
