import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../util/errors.ts';
import { dataDirFromEnv, HUB_IDS, knownDataDirIds, resolveInDataDir } from './dataDir.ts';
import { fetchHubParquet, parseHubId, type HubOptions } from './hub.ts';
import { readParquet } from './readers/parquet.ts';
import type { RawRecord } from './readers/json.ts';
import { isDataFileName, readRecords } from './readers/readRecords.ts';
import { normalizeRecords, type SchemaOptions } from './schema.ts';
import { generateNewsItems } from './synthetic/news.ts';
import { generateTranslationPairs } from './synthetic/translation.ts';
import type { Dataset, Task } from './types.ts';

export interface LoadOptions extends SchemaOptions {
  /** Read at most this many rows from the source (the head of a big corpus). */
  limit?: number;
  /** The local data folder (default PEFT_DATA_DIR); `null` ignores it. */
  dataDir?: string | null;
  /** Hub access: endpoint, cache, offline mode, split (default 'train'). */
  hub?: HubOptions;
  /** Synthetic data: seed (default 0) and size (default 2000 pairs / 1000 news items; `limit` also caps it). */
  seed?: number;
  size?: number;
}

const SYNTHETIC: Record<string, 'translation' | 'news'> = {
  'synthetic:translation': 'translation',
  'synthetic:en-ru': 'translation',
  'synthetic:summarization': 'news',
  'synthetic:news': 'news',
};

function describeValid(): string {
  return (
    `a ${['.jsonl', '.json', '.csv', '.tsv', '.parquet'].join('/')} file, a dataset id found in PEFT_DATA_DIR (${knownDataDirIds().join(', ')}), ` +
    `hf:<owner>/<name>[:<config>], or ${Object.keys(SYNTHETIC).join(' / ')}`
  );
}

/**
 * Loads a dataset by name, normalised to Examples (not yet cleaned or split). Names resolve in
 * this order: `synthetic:*` → the embedded generator; an existing file (or anything with a data
 * file extension) → that file; a dataset id present in the data folder → the local copy; `hf:...`
 * or a known short name (opus_books, cnn_dailymail, xsum) → the Hub's parquet export, cached.
 */
export async function loadDataset(name: string, opts: LoadOptions = {}): Promise<Dataset> {
  const synth = SYNTHETIC[name];
  if (synth) {
    const seed = opts.seed ?? 0;
    const size = Math.min(opts.size ?? (synth === 'translation' ? 2000 : 1000), opts.limit ?? Infinity);
    const examples = synth === 'translation' ? generateTranslationPairs(size, seed) : generateNewsItems(size, seed);
    return {
      name,
      task: synth === 'translation' ? 'translation' : 'summarization',
      schema: 'source_target',
      examples,
      origin: { kind: 'synthetic', generator: synth, seed },
      synthetic: true,
    };
  }

  const isFile = !name.startsWith('hf:') && existsSync(name) && statSync(name).isFile();
  if (isFile || (!name.startsWith('hf:') && isDataFileName(name))) {
    const records = await readRecords(name, opts.limit);
    const { schema, task, examples } = normalizeRecords(records, name, opts);
    return { name, task, schema, examples, origin: { kind: 'file', path: path.resolve(name) }, synthetic: false };
  }

  const dataDir = opts.dataDir === null ? undefined : (opts.dataDir ?? dataDirFromEnv());
  if (dataDir) {
    const file = resolveInDataDir(name, dataDir);
    if (file) {
      const records = await readRecords(file, opts.limit);
      const { schema, task, examples } = normalizeRecords(records, file, opts);
      return { name, task, schema, examples, origin: { kind: 'data-dir', path: file, id: name }, synthetic: false };
    }
  }

  const hubName = name.startsWith('hf:') ? name : HUB_IDS[name];
  if (hubName) {
    const id = parseHubId(hubName);
    const got = await fetchHubParquet(id, opts.hub);
    const records: RawRecord[] = [];
    for (const file of got.files) {
      if (records.length >= (opts.limit ?? Infinity)) break;
      // One at a time: push(...rows) passes every row as an argument and overflows the stack on large shards.
      for (const r of await readParquet(file, (opts.limit ?? Infinity) - records.length)) records.push(r);
    }
    const label = `${hubName} (${got.config}/${got.split})`;
    const { schema, task, examples } = normalizeRecords(records, label, opts);
    return {
      name,
      task,
      schema,
      examples,
      origin: { kind: 'hub', repo: got.repo, config: got.config, split: got.split, files: got.files },
      synthetic: false,
    };
  }

  if (dataDir) throw new UserError(`dataset '${name}': not found in the data folder ${dataDir}; expected ${describeValid()}`);
  throw new UserError(`dataset '${name}': unknown; expected ${describeValid()} (PEFT_DATA_DIR is not set)`);
}

/** The real corpus each task uses when available: the shared folder's names. */
export const DEFAULT_REAL_DATASETS: Record<Task, string> = {
  translation: 'opus_books',
  summarization: 'debian-descriptions',
};

/**
 * The dataset a job uses when the user names none: the real corpus when a local copy exists
 * (PEFT_DATA_DIR, or a complete Hub cache — never a network call), else the embedded synthetic
 * generator, marked `synthetic: true` so that every report says so.
 */
export async function loadDefaultDataset(task: Task, opts: LoadOptions = {}): Promise<Dataset> {
  const real = DEFAULT_REAL_DATASETS[task];
  const dataDir = opts.dataDir === null ? undefined : (opts.dataDir ?? dataDirFromEnv());
  if (dataDir && resolveInDataDir(real, dataDir)) return loadDataset(real, { ...opts, dataDir });
  const hubId = HUB_IDS[real];
  if (hubId) {
    try {
      return await loadDataset(hubId, { ...opts, dataDir: null, hub: { ...opts.hub, offline: true } });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  return loadDataset(task === 'translation' ? 'synthetic:translation' : 'synthetic:summarization', opts);
}
