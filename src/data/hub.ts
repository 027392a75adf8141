import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../util/errors.ts';
import { downloadFile, HttpStatusError } from './download.ts';
import { checkParquet } from './formats/parquet.ts';

/**
 * The Hugging Face Hub's parquet export. Every public dataset has its rows converted to parquet
 * on the `refs/convert/parquet` branch; the Hub API lists them:
 *   GET {endpoint}/api/datasets/{owner}/{name}/parquet                  → {config: {split: [url, ...]}}
 *   GET {endpoint}/api/datasets/{owner}/{name}/parquet/{config}/{split} → [url, ...]
 * Each url (…/parquet/{config}/{split}/{n}.parquet) redirects to the file on that branch. We
 * download the shards once into an on-disk cache and read them from there ever after.
 */

export interface HubId {
  repo: string;
  config?: string;
}

export interface HubOptions {
  /** Hub base URL (default HF_ENDPOINT or https://huggingface.co). */
  endpoint?: string;
  /** Cache root (default PEFT_CACHE_DIR, else $XDG_CACHE_HOME/peft-lab or ~/.cache/peft-lab). */
  cacheDir?: string;
  /** Cache only, no network (default: PEFT_OFFLINE, HF_HUB_OFFLINE or HF_DATASETS_OFFLINE set to 1). */
  offline?: boolean;
  /** Bearer token for gated datasets (default HF_TOKEN); sent to the endpoint's origin only. */
  token?: string;
  /** Split of the parquet export (default 'train'). */
  split?: string;
  /** Ignore a cached file listing (downloaded shards are still reused). */
  refresh?: boolean;
  retries?: number;
  retryDelayMs?: number;
}

export interface HubFiles {
  repo: string;
  config: string;
  split: string;
  urls: string[];
  /** Local paths of the downloaded shards, in shard order. */
  files: string[];
  /** How many shards were fetched now (0 on a full cache hit). */
  downloaded: number;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

export function hubOfflineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['PEFT_OFFLINE', 'HF_HUB_OFFLINE', 'HF_DATASETS_OFFLINE'].some((k) => TRUE.has((env[k] ?? '').toLowerCase()));
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEFT_CACHE_DIR) return env.PEFT_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'peft-lab');
}

export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** Parses `hf:<owner>/<name>[:<config>]` (the `hf:` prefix is optional here). */
export function parseHubId(spec: string): HubId {
  const body = spec.startsWith('hf:') ? spec.slice(3) : spec;
  const [repo = '', config, ...rest] = body.split(':');
  if (!REPO.test(repo) || rest.length > 0 || config === '')
    throw new UserError(`'${spec}': not a Hub dataset id; expected hf:<owner>/<name>[:<config>], e.g. hf:Helsinki-NLP/opus_books:en-ru`);
  return config === undefined ? { repo } : { repo, config };
}

function repoPath(repo: string): string {
  return repo.split('/').map(encodeURIComponent).join('/');
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 1));
  await rename(tmp, file);
}

async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined; // a damaged listing is re-fetched
  }
}

type Listing = Record<string, Record<string, string[]>>;

/**
 * Makes the parquet shards of one config/split available locally and returns their paths.
 * A complete cache (listing + every shard) answers without touching the network.
 */
export async function fetchHubParquet(spec: string | HubId, opts: HubOptions = {}): Promise<HubFiles> {
  const id = typeof spec === 'string' ? parseHubId(spec) : spec;
  const name = `hf:${id.repo}${id.config ? `:${id.config}` : ''}`;
  const endpoint = (opts.endpoint ?? defaultEndpoint()).replace(/\/+$/, '');
  const offline = opts.offline ?? hubOfflineFromEnv();
  const split = opts.split ?? 'train';
  const token = opts.token ?? process.env.HF_TOKEN ?? process.env.HUGGING_FACE_HUB_TOKEN;
  const root = path.join(opts.cacheDir ?? defaultCacheDir(), 'hub', 'datasets', id.repo.replace('/', '--'));
  const origin = new URL(endpoint).origin;
  const headersFor = (url: string): Record<string, string> =>
    token && new URL(url).origin === origin ? { Authorization: `Bearer ${token}` } : {};

  const getJson = async (url: string): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(url, { headers: headersFor(url), signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new UserError(
        `${name}: cannot reach the Hub at ${endpoint} (${cause ?? (e as Error).message}); set PEFT_DATA_DIR to local copies, or run once online to fill the cache`,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new HttpStatusError(url, res.status);
    }
    try {
      return await res.json();
    } catch {
      throw new UserError(`${name}: ${url} did not return JSON; is ${endpoint} a Hugging Face Hub endpoint?`);
    }
  };

  const offlineError = (what: string) =>
    new UserError(
      `${name}: ${what} is not in the cache (${root}) and offline mode is on (PEFT_OFFLINE / HF_HUB_OFFLINE); run once with network access or unset offline mode`,
    );

  // Which config? An explicit one, else the dataset's only config or its 'default'.
  let config = id.config;
  let urls: string[] | undefined;
  const listingFile = path.join(root, 'listing.json');
  const fullListing = async (): Promise<Listing> => {
    const cached = opts.refresh ? undefined : await readJsonIfExists<Listing>(listingFile);
    if (cached) return cached;
    if (offline) throw offlineError('the parquet file listing');
    let listing: unknown;
    try {
      listing = await getJson(`${endpoint}/api/datasets/${repoPath(id.repo)}/parquet`);
    } catch (e) {
      if (e instanceof HttpStatusError) throw noExport(name, e);
      throw e;
    }
    if (!isListing(listing)) throw new UserError(`${name}: unexpected answer from the Hub's parquet listing; expected {config: {split: [urls]}}`);
    await mkdir(root, { recursive: true });
    await writeJsonAtomic(listingFile, listing);
    return listing;
  };

  if (config === undefined) {
    const listing = await fullListing();
    const configs = Object.keys(listing);
    if (configs.length === 0) throw new UserError(`${name}: the Hub lists no parquet files for this dataset (no parquet export)`);
    config = configs.length === 1 ? configs[0]! : configs.includes('default') ? 'default' : undefined;
    if (config === undefined)
      throw new UserError(`${name}: the dataset has several configs (${configs.join(', ')}); name one as hf:${id.repo}:<config>`);
    urls = listing[config]![split];
    if (!urls) throw new UserError(`${name}: config '${config}' has no split '${split}'; available: ${Object.keys(listing[config]!).join(', ')}`);
  }

  const dir = path.join(root, encodeURIComponent(config), encodeURIComponent(split));
  const manifestFile = path.join(dir, 'manifest.json');
  if (!urls) {
    const cached = opts.refresh ? undefined : await readJsonIfExists<{ urls: string[] }>(manifestFile);
    const fromListing = offline && !cached ? (await readJsonIfExists<Listing>(listingFile))?.[config]?.[split] : undefined;
    if (cached && Array.isArray(cached.urls)) urls = cached.urls;
    else if (fromListing) urls = fromListing;
    else {
      if (offline) throw offlineError(`config '${config}' split '${split}'`);
      try {
        const answer = await getJson(`${endpoint}/api/datasets/${repoPath(id.repo)}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}`);
        if (!Array.isArray(answer) || !answer.every((u) => typeof u === 'string'))
          throw new UserError(`${name}: unexpected answer from the Hub's parquet listing for ${config}/${split}; expected a list of URLs`);
        urls = answer as string[];
      } catch (e) {
        if (!(e instanceof HttpStatusError)) throw e;
        // Tell a missing dataset from a missing config or split: ask for the full listing.
        const listing = await fullListing();
        const splits = listing[config];
        if (!splits) throw new UserError(`${name}: no config '${config}' in the parquet export; available configs: ${Object.keys(listing).join(', ')}`);
        throw new UserError(`${name}: config '${config}' has no split '${split}' in the parquet export; available: ${Object.keys(splits).join(', ')}`);
      }
    }
  }
  if (urls.length === 0) throw new UserError(`${name}: the parquet export of ${config}/${split} has no files`);

  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  let downloaded = 0;
  for (let i = 0; i < urls.length; i++) {
    const url = new URL(urls[i]!, endpoint).toString();
    const file = path.join(dir, `${String(i).padStart(4, '0')}.parquet`);
    files.push(file);
    if (existsSync(file)) continue;
    if (offline) throw offlineError(`shard ${i} of ${config}/${split}`);
    try {
      await downloadFile(url, file, {
        headers: headersFor(url),
        retries: opts.retries,
        retryDelayMs: opts.retryDelayMs,
        validate: async (part) => {
          checkParquet(await readFile(part), `${name}: ${url}`);
        },
      });
    } catch (e) {
      if (e instanceof HttpStatusError)
        throw new UserError(`${name}: shard ${url} → HTTP ${e.status}${e.status === 401 || e.status === 403 ? ' (gated or private: set HF_TOKEN)' : ''}`);
      throw e;
    }
    downloaded++;
  }
  await writeJsonAtomic(manifestFile, { repo: id.repo, config, split, urls });
  return { repo: id.repo, config, split, urls, files, downloaded };
}

function isListing(v: unknown): v is Listing {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every(
      (splits) =>
        typeof splits === 'object' && splits !== null && Object.values(splits).every((u) => Array.isArray(u) && u.every((x) => typeof x === 'string')),
    )
  );
}

function noExport(name: string, e: HttpStatusError): UserError {
  if (e.status === 401 || e.status === 403)
    return new UserError(`${name}: the Hub refused the parquet listing (HTTP ${e.status}); the dataset is gated or private: set HF_TOKEN`);
  if (e.status === 404)
    return new UserError(`${name}: no parquet export on the Hub (GET ${e.url} → HTTP 404); check the dataset id, or use a local file`);
  return new UserError(`${name}: the Hub's parquet listing failed (GET ${e.url} → HTTP ${e.status}); try again later or set PEFT_OFFLINE=1 to use the cache`);
}
