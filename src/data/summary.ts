import { cleanExamples, type CleanOptions, type CleaningSummary } from './clean/clean.ts';
import { loadDataset, type LoadOptions } from './load.ts';
import type { Dataset, DatasetOrigin, Example, Task } from './types.ts';

/** What a report prints about a corpus: where it came from, how cleaning changed it, what is left. */
export interface CorpusSummary {
  name: string;
  task: Task;
  synthetic: boolean;
  origin: DatasetOrigin;
  cleaning: CleaningSummary;
  /** Examples after cleaning, in total and per domain. */
  examples: number;
  domains: Record<string, number>;
  sourceChars: { mean: number; max: number };
  targetChars: { mean: number; max: number };
}

function stats(values: number[]): { mean: number; max: number } {
  if (values.length === 0) return { mean: 0, max: 0 };
  let sum = 0;
  let max = 0;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return { mean: Math.round((sum / values.length) * 10) / 10, max };
}

/** Summarises a cleaned corpus (pass the examples cleanExamples returned and its summary). */
export function summarizeCorpus(dataset: Dataset, cleaned: readonly Example[], cleaning: CleaningSummary): CorpusSummary {
  const domains: Record<string, number> = {};
  for (const ex of cleaned) {
    const d = ex.domain ?? '(none)';
    domains[d] = (domains[d] ?? 0) + 1;
  }
  return {
    name: dataset.name,
    task: dataset.task,
    synthetic: dataset.synthetic,
    origin: dataset.origin,
    cleaning,
    examples: cleaned.length,
    domains: Object.fromEntries(Object.entries(domains).sort(([a], [b]) => a.localeCompare(b))),
    sourceChars: stats(cleaned.map((e) => e.source.length)),
    targetChars: stats(cleaned.map((e) => e.target.length)),
  };
}

/** Loads, cleans and summarises each named corpus (the sizes the report's data section shows). */
export async function corpusSummaries(names: readonly string[], opts: { load?: LoadOptions; clean?: CleanOptions } = {}): Promise<CorpusSummary[]> {
  const out: CorpusSummary[] = [];
  for (const name of names) {
    const dataset = await loadDataset(name, opts.load);
    const { examples, summary } = cleanExamples(dataset.examples, { label: name, ...opts.clean });
    out.push(summarizeCorpus(dataset, examples, summary));
  }
  return out;
}
