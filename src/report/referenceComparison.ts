/**
 * Our runs against the PyTorch + peft reference (pytorchReference.ts), like with like only: a block
 * of the reference's task and model family, the run of the reference's setting (the untuned base,
 * full fine-tuning, or the method by its title with the setting's hyperparameters), the same metric.
 * A setting our block did not run is left out rather than stood in for by a neighbour.
 */
import { METRIC_LABELS, type MetricName, type ScoreWithCi } from '../experiment/results.ts';
import { methodInfo } from '../peft/methodInfo.ts';
import type { Block, Row } from './model.ts';
import { fmtAsWritten } from './numberFormat.ts';
import { PYTORCH_REFERENCE, type ReferenceRun, type ReferenceScore, type ReferenceTable } from './pytorchReference.ts';
import type { Verdict } from './runVerdict.ts';
import { tableMetrics } from './taskMetrics.ts';

/** Where our score stands: its interval wholly below or above the reference's (or its point), or overlapping it. */
export type Standing = 'below' | 'overlapping' | 'above';

export interface ReferencePair {
  /** The reference's name for the setting. */
  setting: string;
  /** Our run of it, and its verdict (a collapsed run's score is not the method's). */
  run: string;
  verdict: Verdict | null;
  metric: MetricName;
  metric_label: string;
  ours: ScoreWithCi;
  reference: ReferenceScore;
  /** The reference's figure as REFERENCE_RESULTS.md writes it: "24.3 ± 1.1". */
  reference_text: string;
  standing: Standing;
}

export interface ReferenceComparison {
  block: string;
  task: string;
  family: string;
  /** How the reference's runs differ from ours (why the comparison is indicative). */
  setup: string;
  main_metric: MetricName;
  /** Every matched setting on every metric both report, settings in the reference's order. */
  pairs: ReferencePair[];
}

/** The block's run of a reference setting; the first in grid order when several would do. */
function runOf(rows: readonly Row[], run: ReferenceRun): Row | undefined {
  if (run.kind === 'untuned') return rows.find((r) => r.is_base);
  if (run.kind === 'baseline') return rows.find((r) => r.is_baseline);
  const hp = Object.entries(run.hyperparameters);
  return rows.find(
    (r) =>
      !r.is_base &&
      methodInfo(r.method)?.title === run.title &&
      hp.every(([k, v]) => (v === null ? !Object.hasOwn(r.hyperparameters, k) : r.hyperparameters[k] === v)),
  );
}

export function standing(ours: ScoreWithCi, ref: ReferenceScore): Standing {
  const half = ref.half_width ?? 0;
  if (ours.high < ref.score - half) return 'below';
  if (ours.low > ref.score + half) return 'above';
  return 'overlapping';
}

const referenceText = (r: ReferenceScore) => fmtAsWritten(r.score) + (r.half_width === undefined ? '' : ` ± ${fmtAsWritten(r.half_width)}`);

function compareBlock(b: Block, table: ReferenceTable): ReferenceComparison {
  const pairs: ReferencePair[] = [];
  const metrics = tableMetrics(b.task, b.main_metric);
  for (const row of table.rows) {
    const ours = runOf(b.rows, row.run);
    if (!ours) continue;
    for (const metric of metrics) {
      const reference = row.scores[metric];
      if (!reference) continue;
      const score = ours.q[metric];
      pairs.push({
        setting: row.setting,
        run: ours.label,
        verdict: ours.verdict,
        metric,
        metric_label: METRIC_LABELS[metric],
        ours: score,
        reference,
        reference_text: referenceText(reference),
        standing: standing(score, reference),
      });
    }
  }
  return { block: b.title, task: b.task, family: b.family, setup: table.setup, main_metric: b.main_metric, pairs };
}

/** One comparison per block the reference covers (its task and model family) with at least one matched setting. */
export function referenceComparisons(blocks: readonly Block[], tables: readonly ReferenceTable[] = PYTORCH_REFERENCE): ReferenceComparison[] {
  return blocks.flatMap((b) => {
    const table = tables.find((t) => t.task === b.task && t.family === b.family);
    const c = table ? compareBlock(b, table) : null;
    return c?.pairs.length ? [c] : [];
  });
}
