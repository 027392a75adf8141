/**
 * The main table's rows: the untuned base and, for each table group (a method, or a setting shown as
 * its own row such as LoRA on every linear layer), one point of the group's grid. Every point stays
 * in the detail tables.
 *
 * The point is chosen on the validation split, as a grid search should be: the lowest held-out loss
 * after training among the group's sound runs. Picking the best test score instead would report the
 * maximum of several noisy test measurements, which flatters a method in proportion to the size of
 * its grid. A run that failed (collapsed outputs, or not above the untuned base) is chosen only when
 * every point of its group failed, so the table shows the failure rather than hiding the method.
 */
import type { Row } from './model.ts';
import { failureReasons } from './recommendations.ts';

/** A main-table row: the chosen point, and how it was chosen when its group has several. */
export type GridBestRow = Row & { grid_note: string | null };

function chosen(group: readonly Row[], failed: (r: Row) => boolean): Row {
  const held = (r: Row) => r.eval_after ?? Number.POSITIVE_INFINITY;
  // A sound run beats any failed one; then the lower held-out loss; ties keep grid order.
  const better = (a: Row, b: Row) => (failed(a) !== failed(b) ? failed(b) : held(a) < held(b));
  return group.reduce((best, r) => (better(r, best) ? r : best));
}

/** The base row first, then one row per table group in grid order (rows come in grid order). */
export function gridBestRows(rows: readonly Row[], mainLabel: string): GridBestRow[] {
  const base = rows.find((r) => r.is_base);
  const failed = (r: Row) => failureReasons(r, base, mainLabel).length > 0;
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.is_base) continue;
    const g = groups.get(r.table_group);
    if (g) g.push(r);
    else groups.set(r.table_group, [r]);
  }
  const picked = [...groups.values()].map((g) => {
    const best = chosen(g, failed);
    const note = g.length > 1 ? `chosen of ${g.length} grid points by validation loss` : null;
    return { ...best, grid_note: note };
  });
  return [...(base ? [{ ...base, grid_note: null }] : []), ...picked];
}
