/**
 * A run's verdict in a word, for the main tables: the two tests the recommendations apply before
 * ranking anything (recommendations.ts: collapsed outputs, and significance against the untuned
 * base), so a reader sees in the table which runs the summary and the recommendations leave out.
 */
import type { Row } from './model.ts';
import { aboveBase, collapseReasons } from './recommendations.ts';

export type Verdict = 'sound' | 'collapsed' | 'not above base' | 'collapsed, not above base';

/** null for the untuned base, which is what the others are measured against. */
export function runVerdict(r: Pick<Row, 'is_base' | 'vs_base' | 'degeneration' | 'errors'>): Verdict | null {
  if (r.is_base) return null;
  const collapsed = collapseReasons(r).length > 0;
  const above = aboveBase(r);
  if (collapsed && !above) return 'collapsed, not above base';
  if (collapsed) return 'collapsed';
  return above ? 'sound' : 'not above base';
}
