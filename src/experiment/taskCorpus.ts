/**
 * Which corpus each task's experiments use, and the corpus split itself, loaded once per process.
 * The real shared corpora are used whenever the data folder is present (PEFT_DATA_DIR, or
 * ../shared/datasets beside the clone); otherwise the embedded synthetic generator, which every
 * result and the report then label as synthetic.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_REAL_DATASETS, resolveInDataDir, type PreparedDataset, type Task } from '../data/index.ts';
import { sharedDir } from '../util/paths.ts';
import { corpusSplits } from '../data/corpusSplit.ts';

/** The data folder: PEFT_DATA_DIR, else the shared folder's datasets/, else none. */
export function experimentDataDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PEFT_DATA_DIR) return env.PEFT_DATA_DIR;
  const shared = sharedDir();
  const dir = shared ? path.join(shared, 'datasets') : undefined;
  return dir && existsSync(dir) ? dir : null;
}

/** The dataset name for `task`: the real corpus when the data folder has it, else the synthetic one. */
export function taskCorpus(task: Task, dataDir: string | null): string {
  const real = DEFAULT_REAL_DATASETS[task];
  if (dataDir && resolveInDataDir(real, dataDir)) return real;
  warnSynthetic(task, dataDir ? `${real} is not in ${dataDir}` : 'no data folder (../shared, PEFT_SHARED_DIR or PEFT_DATA_DIR)');
  return task === 'translation' ? 'synthetic:translation' : 'synthetic:summarization';
}

const warnedSynthetic = new Set<Task>();

/** Results on synthetic data are not comparable to the real corpus: say so once per task, loudly. */
function warnSynthetic(task: Task, why: string): void {
  if (warnedSynthetic.has(task)) return;
  warnedSynthetic.add(task);
  console.warn(`!!! ${task}: ${why}: using SYNTHETIC ${task} data; scores are not comparable to the real corpus !!!`);
}

/** The file a dataset name resolves to (for hashing), or undefined for synthetic data. */
export function corpusFile(name: string, dataDir: string | null): string | undefined {
  if (name.startsWith('synthetic:')) return undefined;
  if (existsSync(name)) return path.resolve(name);
  return dataDir ? resolveInDataDir(name, dataDir) : undefined;
}

const loaded = new Map<string, Promise<PreparedDataset>>();

/** corpusSplits(name), memoized per (name, data folder): experiments share one load and one split. */
export function loadCorpus(name: string, dataDir: string | null): Promise<PreparedDataset> {
  const key = `${name}\u0000${dataDir ?? ''}`;
  let p = loaded.get(key);
  if (!p) {
    p = corpusSplits(name, { dataDir });
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}
