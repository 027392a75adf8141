/**
 * The metrics a task's tables show: the task's own, the main metric first (the one the results name,
 * ExperimentResult.main_metric). Translation is judged by chrF and BLEU; summarization by ROUGE.
 * ROUGE on Russian translations and BLEU on one-line summaries are computed but measure nothing a
 * reader of that task looks for, so the tables leave them out rather than widen every row.
 */
import type { MetricName } from '../experiment/results.ts';
import type { Task } from '../util/task.ts';

/** The main comparison tables: the main metric with its interval, then the others as scores. */
const TABLE_METRICS: Readonly<Record<Task, readonly MetricName[]>> = {
  translation: ['chrf', 'bleu'],
  summarization: ['rougeL', 'rouge1', 'rouge2'],
};

/** Variants of the same metrics the detail tables add. */
const DETAIL_METRICS: Readonly<Record<Task, readonly MetricName[]>> = {
  translation: ['chrfpp', 'sentence_bleu'],
  summarization: ['rougeLsum'],
};

const isTask = (t: string): t is Task => Object.hasOwn(TABLE_METRICS, t);

/** The main table's metrics of a block: `main` first, then the task's others (only `main` for a task not listed). */
export function tableMetrics(task: string, main: MetricName): MetricName[] {
  return [main, ...(isTask(task) ? TABLE_METRICS[task].filter((m) => m !== main) : [])];
}

/** The detail table's metrics: the main table's, then their variants. */
export function detailMetrics(task: string, main: MetricName): MetricName[] {
  const table = tableMetrics(task, main);
  return [...table, ...(isTask(task) ? DETAIL_METRICS[task].filter((m) => !table.includes(m)) : [])];
}
