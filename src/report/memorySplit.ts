/**
 * The detail tables' peak training memory by part (weights, optimizer state, activations and
 * gradients), and the sentence that explains a reading which looks wrong at micro scale: an adapter
 * whose peak exceeds full fine-tuning's although it holds far less.
 */
import type { ExperimentResult } from '../experiment/results.ts';
import { fmtMb } from './numberFormat.ts';

export interface MemorySplitRow {
  label: string;
  weights: number;
  trainable: number;
  optimizer: number;
  activations: number;
  other: number;
  peak: number;
}

export interface MemorySplitView {
  rows: MemorySplitRow[];
  /** Whether any run had tensors live besides its model and optimizer (the column is left out otherwise). */
  show_other: boolean;
  /** Why an adapter can peak above full fine-tuning, when the rows show it (null otherwise). */
  note: string | null;
  /** Trained runs recorded before the split was measured. */
  unsplit: string[];
}

/** What stays with a run for its whole length, step or no step. */
const held = (r: MemorySplitRow) => r.weights + r.optimizer;

/** Smaller than fmtMb shows: "other" below it is rounding, not tensors held elsewhere. */
const NEGLIGIBLE_MB = 0.05;

function splitRow(r: ExperimentResult): MemorySplitRow | null {
  const m = r.training?.memory;
  if (!m) return null;
  return {
    label: r.label,
    weights: m.weights_mb,
    trainable: m.trainable_mb,
    optimizer: m.optimizer_mb,
    activations: m.activations_mb,
    other: m.other_mb,
    peak: m.peak_mb,
  };
}

/**
 * Runs that peak above full fine-tuning although their weights and optimizer state are smaller, and
 * whose peak is mostly the step's activations and gradients: the case the note explains.
 */
function aboveFull(rows: readonly MemorySplitRow[], full: MemorySplitRow): MemorySplitRow[] {
  return rows.filter((r) => r !== full && r.peak > full.peak && held(r) < held(full) && r.activations > r.peak / 2);
}

/** The note for `rows`, naming `preferred` (the reference LoRA) when it is one of the runs it is true for. */
function memoryNote(rows: readonly MemorySplitRow[], full: MemorySplitRow | undefined, preferred: string | null): string | null {
  if (!full) return null;
  const above = aboveFull(rows, full);
  const shown = above.find((r) => r.label === preferred) ?? above[0];
  if (!shown) return null;
  const share = Math.round((100 * shown.activations) / shown.peak);
  const far = held(shown) <= held(full) / 2 ? 'far ' : '';
  const others = above.length - 1;
  const more = others ? `; ${others} other run${others > 1 ? 's' : ''} peak${others > 1 ? '' : 's'} above it the same way` : '';
  return (
    `At this micro scale a step's activations and gradients make up most of its peak (${share}% of ${shown.label}'s), ` +
    `so ${shown.label} peaks above ${full.label} (${fmtMb(shown.peak)} vs ${fmtMb(full.peak)} MB) ` +
    `while its weights and optimizer state take ${far}less (${fmtMb(held(shown))} vs ${fmtMb(held(full))} MB)${more}.`
  );
}

/** The split of every trained run of a block that recorded one; null when none did. */
export function memorySplit(
  trained: readonly ExperimentResult[],
  full: ExperimentResult | null,
  referenceLora: ExperimentResult | null,
): MemorySplitView | null {
  const split = trained.map((r) => ({ r, row: splitRow(r) }));
  const rows = split.flatMap((s) => (s.row ? [s.row] : []));
  if (!rows.length) return null;
  const fullRow = split.find((s) => s.r === full)?.row ?? undefined;
  return {
    rows,
    show_other: rows.some((r) => r.other >= NEGLIGIBLE_MB),
    note: memoryNote(rows, fullRow, referenceLora?.label ?? null),
    unsplit: split.filter((s) => !s.row).map((s) => s.r.label),
  };
}
