import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomicAsync } from '../util/atomicWrite.ts';
import { UserError } from '../util/errors.ts';
import { downloadFile, HttpStatusError, type ExpectedFile } from './download.ts';
import { checkParquetFile } from './readers/parquet.ts';

/**
 * The Hugging Face Hub's parquet export. Every public dataset has its rows converted to parquet
 * on the `refs/convert/parquet` branch; the Hub API lists them:
 *   GET {endpoint}/api/datasets/{owner}/{name}/parquet                  → {config: {split: [url, ...]}}
 *   GET {endpoint}/api/datasets/{owner}/{name}/parquet/{config}/{split} → [url, ...]
 * Each url (…/parquet/{config}/{split}/{n}.parquet) redirects to the file on that branch. We
 * download the shards once into an on-disk cache and read them from there ever after.
 *
 * What a server says is not trusted with the disk or the token: every shard is checked against the
 * branch's file metadata (the tree API, GET {endpoint}/api/datasets/{owner}/{name}/tree/
 * refs%2Fconvert%2Fparquet/{config}/{split} → [{path, size, oid, lfs?: {oid: sha256, size}}]) for
 * size and sha256 before it enters the cache, and no shard may exceed a size limit; config and split
 * names must be plain folder names, and every cache path is checked to stay inside the dataset's
 * folder; the token goes to the endpoint's origin only, and never over plain http (except loopback).
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
  /** Largest shard accepted, in bytes (default PEFT_HUB_MAX_BYTES, else DEFAULT_MAX_SHARD_BYTES). */
  maxShardBytes?: number;
}

/** Parquet-export shards are a few hundred MB at most; 4 GiB leaves room and still stops a runaway server. */
export const DEFAULT_MAX_SHARD_BYTES = 4 * 2 ** 30;

/** Listings and metadata are small JSON: anything larger is not the Hub answering. */
const MAX_JSON_BYTES = 32 * 2 ** 20;

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

export function maxShardBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PEFT_HUB_MAX_BYTES;
  if (v === undefined || v === '') return DEFAULT_MAX_SHARD_BYTES;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new UserError(`PEFT_HUB_MAX_BYTES must be a positive whole number of bytes, got '${v}'`);
  return n;
}

/**
 * A config or split name used as a cache folder and a URL path segment: one ordinary name. '.', '..'
 * and names with separators would step out of the dataset's folder (or be rewritten by URL
 * normalisation), and Hub config names never need them.
 */
function checkFolderName(what: string, value: string, name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  if (value === '' || value === '.' || value === '..' || /[/\\\x00-\x1f]/.test(value))
    throw new UserError(`${name}: ${what} must be a plain name without '/', '\\', control characters, '.' or '..'; got ${JSON.stringify(value)}`);
  return value;
}

/** `parts` joined under `root`, refusing anything that resolves outside it. */
function inside(root: string, ...parts: string[]): string {
  const p = path.resolve(root, ...parts);
  const rel = path.relative(path.resolve(root), p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
    throw new UserError(`cache path ${p} would be outside the dataset's cache folder ${root}; refusing to write there`);
  return p;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The file's name in the export branch: `…/{n}.parquet` URLs and resolve URLs both end in it. */
function shardFileName(url: string, index: number): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  const m = /^(\d+)\.parquet$/.exec(last);
  return `${(m ? m[1]! : String(index)).padStart(4, '0')}.parquet`;
}

interface TreeEntry {
  type?: unknown;
  path?: unknown;
  size?: unknown;
  oid?: unknown;
  lfs?: { oid?: unknown; size?: unknown };
}

/** What a tree entry says the file is, or a description of why it cannot be used. */
function expectedFromEntry(e: TreeEntry): ExpectedFile | string {
  const size = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (e.lfs !== undefined) {
    const oid = typeof e.lfs.oid === 'string' ? e.lfs.oid.replace(/^sha256:/, '') : '';
    if (!/^[0-9a-f]{64}$/i.test(oid) || !size(e.lfs.size)) return 'its lfs entry lacks a sha256 oid or a size';
    return { size: e.lfs.size as number, sha256: oid };
  }
  if (typeof e.oid === 'string' && /^[0-9a-f]{40}$/i.test(e.oid) && size(e.size)) return { size: e.size as number, gitSha1: e.oid };
  return 'it has neither an lfs entry (sha256, size) nor a git oid and size';
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

/** Compact (one-space) JSON without a trailing newline: the cache's listing and manifest format. */
async function writeCacheJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomicAsync(file, JSON.stringify(value, null, 1));
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

/** One fetchHubParquet call's settings and cache location, resolved once. */
interface HubSession {
  id: HubId;
  /** The dataset as the user named it, for messages. */
  name: string;
  endpoint: string;
  /** The endpoint's origin: the only one the token is sent to. */
  origin: string;
  offline: boolean;
  split: string;
  token: string | undefined;
  maxShardBytes: number;
  /** The dataset's cache folder. */
  root: string;
  listingFile: string;
  opts: HubOptions;
}

function hubSession(spec: string | HubId, opts: HubOptions): HubSession {
  const id = typeof spec === 'string' ? parseHubId(spec) : spec;
  const name = `hf:${id.repo}${id.config ? `:${id.config}` : ''}`;
  const endpoint = (opts.endpoint ?? defaultEndpoint()).replace(/\/+$/, '');
  const offline = opts.offline ?? hubOfflineFromEnv();
  const split = opts.split ?? 'train';
  const token = opts.token ?? process.env.HF_TOKEN ?? process.env.HUGGING_FACE_HUB_TOKEN;
  const maxShardBytes = opts.maxShardBytes ?? maxShardBytesFromEnv();
  const cacheRoot = path.join(opts.cacheDir ?? defaultCacheDir(), 'hub', 'datasets');
  const root = inside(cacheRoot, id.repo.replace('/', '--'));
  checkFolderName('the split', split, name);
  if (id.config !== undefined) checkFolderName('the config', id.config, name);
  const origin = new URL(endpoint).origin;
  return { id, name, endpoint, origin, offline, split, token, maxShardBytes, root, listingFile: path.join(root, 'listing.json'), opts };
}

/** The token goes to the endpoint's own origin only, and never over plain http off the machine. */
function headersFor(s: HubSession, url: string): Record<string, string> {
  const u = new URL(url);
  if (!s.token || u.origin !== s.origin) return {};
  // Over plain http anyone on the path reads the token; loopback never leaves the machine.
  if (u.protocol !== 'https:' && !LOOPBACK.has(u.hostname))
    throw new UserError(
      `${s.name}: refusing to send HF_TOKEN over plain http to ${s.origin}; use an https:// endpoint (HF_ENDPOINT), or unset HF_TOKEN for a public dataset`,
    );
  return { Authorization: `Bearer ${s.token}` };
}

async function getJson(s: HubSession, url: string): Promise<unknown> {
  const headers = headersFor(s, url);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new UserError(
      `${s.name}: cannot reach the Hub at ${s.endpoint} (${cause ?? (e as Error).message}); set PEFT_DATA_DIR to local copies, or run once online to fill the cache`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpStatusError(url, res.status);
  }
  const text = await readBounded(
    res,
    MAX_JSON_BYTES,
    () => new UserError(`${s.name}: ${url} sent more than ${MAX_JSON_BYTES} bytes of JSON; is ${s.endpoint} a Hugging Face Hub endpoint?`),
  );
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${s.name}: ${url} did not return JSON; is ${s.endpoint} a Hugging Face Hub endpoint?`);
  }
}

function offlineError(s: HubSession, what: string): UserError {
  return new UserError(
    `${s.name}: ${what} is not in the cache (${s.root}) and offline mode is on (PEFT_OFFLINE / HF_HUB_OFFLINE); run once with network access or unset offline mode`,
  );
}

/** Every config and split of the export: from the cache, else from the Hub (and then cached). */
async function fullListing(s: HubSession): Promise<Listing> {
  const cached = s.opts.refresh ? undefined : await readJsonIfExists<Listing>(s.listingFile);
  if (cached) return cached;
  if (s.offline) throw offlineError(s, 'the parquet file listing');
  let listing: unknown;
  try {
    listing = await getJson(s, `${s.endpoint}/api/datasets/${repoPath(s.id.repo)}/parquet`);
  } catch (e) {
    if (e instanceof HttpStatusError) throw noExport(s.name, e);
    throw e;
  }
  if (!isListing(listing)) throw new UserError(`${s.name}: unexpected answer from the Hub's parquet listing; expected {config: {split: [urls]}}`);
  await mkdir(s.root, { recursive: true });
  await writeCacheJson(s.listingFile, listing);
  return listing;
}

/** Without a config named: the dataset's only config or its 'default', and its shard URLs from the listing. */
async function defaultConfig(s: HubSession): Promise<{ config: string; urls: string[] }> {
  const { name, split } = s;
  const listing = await fullListing(s);
  const configs = Object.keys(listing);
  if (configs.length === 0) throw new UserError(`${name}: the Hub lists no parquet files for this dataset (no parquet export)`);
  const config = configs.length === 1 ? configs[0]! : configs.includes('default') ? 'default' : undefined;
  if (config === undefined) throw new UserError(`${name}: the dataset has several configs (${configs.join(', ')}); name one as hf:${s.id.repo}:<config>`);
  checkFolderName("the config the Hub's listing names", config, name);
  const urls = listing[config]![split];
  if (!urls) throw new UserError(`${name}: config '${config}' has no split '${split}'; available: ${Object.keys(listing[config]!).join(', ')}`);
  return { config, urls };
}

/** The shard URLs of a named config: the cached manifest, the cached listing when offline, else the Hub. */
async function configUrls(s: HubSession, config: string, manifestFile: string): Promise<string[]> {
  const { name, split } = s;
  const cached = s.opts.refresh ? undefined : await readJsonIfExists<{ urls: string[] }>(manifestFile);
  const fromListing = s.offline && !cached ? (await readJsonIfExists<Listing>(s.listingFile))?.[config]?.[split] : undefined;
  if (cached && Array.isArray(cached.urls)) return cached.urls;
  if (fromListing) return fromListing;
  if (s.offline) throw offlineError(s, `config '${config}' split '${split}'`);
  try {
    const answer = await getJson(s, `${s.endpoint}/api/datasets/${repoPath(s.id.repo)}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}`);
    if (!Array.isArray(answer) || !answer.every((u) => typeof u === 'string'))
      throw new UserError(`${name}: unexpected answer from the Hub's parquet listing for ${config}/${split}; expected a list of URLs`);
    return answer as string[];
  } catch (e) {
    if (!(e instanceof HttpStatusError)) throw e;
    // Tell a missing dataset from a missing config or split: ask for the full listing.
    const listing = await fullListing(s);
    const splits = listing[config];
    if (!splits) throw new UserError(`${name}: no config '${config}' in the parquet export; available configs: ${Object.keys(listing).join(', ')}`);
    throw new UserError(`${name}: config '${config}' has no split '${split}' in the parquet export; available: ${Object.keys(splits).join(', ')}`);
  }
}

/** The Hub's file metadata (size, LFS sha256) of a split's shards, fetched on first use only. */
function shardMetadataOf(s: HubSession, config: string): { treeUrl: string; get: () => Promise<Map<string, TreeEntry>> } {
  const treeUrl = `${s.endpoint}/api/datasets/${repoPath(s.id.repo)}/tree/${encodeURIComponent('refs/convert/parquet')}/${encodeURIComponent(config)}/${encodeURIComponent(s.split)}`;
  let metadata: Map<string, TreeEntry> | undefined;
  const get = async (): Promise<Map<string, TreeEntry>> => {
    if (metadata) return metadata;
    let answer: unknown;
    try {
      answer = await getJson(s, treeUrl);
    } catch (e) {
      if (e instanceof HttpStatusError)
        throw new UserError(
          `${s.name}: cannot get the file metadata that verifies the shards of ${config}/${s.split} (GET ${treeUrl} → HTTP ${e.status}); try again later`,
        );
      throw e;
    }
    if (!Array.isArray(answer)) throw new UserError(`${s.name}: unexpected answer from ${treeUrl}; expected a list of files with size and lfs oid`);
    metadata = new Map();
    for (const e of answer as TreeEntry[])
      if (e && typeof e === 'object' && e.type !== 'directory' && typeof e.path === 'string') metadata.set(e.path.split('/').pop()!, e);
    return metadata;
  };
  return { treeUrl, get };
}

interface ShardDownload {
  config: string;
  url: string;
  file: string;
  index: number;
  metadata: ReturnType<typeof shardMetadataOf>;
}

/** Downloads one shard, verified against the Hub's size and sha256 and checked to be parquet. */
async function downloadShard(s: HubSession, { config, url, file, index, metadata }: ShardDownload): Promise<void> {
  const { name, split, maxShardBytes } = s;
  const protocol = new URL(url).protocol;
  if (protocol !== 'https:' && protocol !== 'http:') throw new UserError(`${name}: shard URL ${url} from the Hub's listing is not http(s); refusing it`);
  const shard = shardFileName(url, index);
  const entry = (await metadata.get()).get(shard);
  if (!entry)
    throw new UserError(`${name}: the Hub's file metadata (${metadata.treeUrl}) does not list ${shard}; cannot verify shard ${url}, so it is not downloaded`);
  const expected = expectedFromEntry(entry);
  if (typeof expected === 'string') throw new UserError(`${name}: the Hub's metadata for ${config}/${split}/${shard} cannot verify it: ${expected}`);
  if (expected.size > maxShardBytes)
    throw new UserError(
      `${name}: shard ${config}/${split}/${shard} is ${expected.size} bytes, above the download limit of ${maxShardBytes} bytes; raise PEFT_HUB_MAX_BYTES if it is expected`,
    );
  try {
    await downloadFile(url, file, {
      headers: headersFor(s, url),
      retries: s.opts.retries,
      retryDelayMs: s.opts.retryDelayMs,
      expected,
      sizeLimit: { bytes: maxShardBytes, hint: 'raise PEFT_HUB_MAX_BYTES if it is expected' },
      validate: async (part) => {
        await checkParquetFile(part, `${name}: ${url}`);
      },
    });
  } catch (e) {
    if (e instanceof HttpStatusError)
      throw new UserError(`${name}: shard ${url} → HTTP ${e.status}${e.status === 401 || e.status === 403 ? ' (gated or private: set HF_TOKEN)' : ''}`);
    throw e;
  }
}

/**
 * Makes the parquet shards of one config/split available locally and returns their paths.
 * A complete cache (listing + every shard) answers without touching the network.
 */
export async function fetchHubParquet(spec: string | HubId, opts: HubOptions = {}): Promise<HubFiles> {
  const s = hubSession(spec, opts);
  const { id, split } = s;
  // Which config? An explicit one, else the dataset's only config or its 'default'.
  const chosen = id.config === undefined ? await defaultConfig(s) : undefined;
  const config = chosen?.config ?? id.config!;
  const dir = inside(s.root, encodeURIComponent(config), encodeURIComponent(split));
  const manifestFile = path.join(dir, 'manifest.json');
  const urls = chosen?.urls ?? (await configUrls(s, config, manifestFile));
  if (urls.length === 0) throw new UserError(`${s.name}: the parquet export of ${config}/${split} has no files`);

  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  let downloaded = 0;
  const metadata = shardMetadataOf(s, config);
  for (let i = 0; i < urls.length; i++) {
    const url = new URL(urls[i]!, s.endpoint).toString();
    const file = inside(dir, `${String(i).padStart(4, '0')}.parquet`);
    files.push(file);
    if (existsSync(file)) continue;
    if (s.offline) throw offlineError(s, `shard ${i} of ${config}/${split}`);
    await downloadShard(s, { config, url, file, index: i, metadata });
    downloaded++;
  }
  await writeCacheJson(manifestFile, { repo: id.repo, config, split, urls });
  return { repo: id.repo, config, split, urls, files, downloaded };
}

/** The body as text, failing once it passes `limit` bytes instead of holding whatever the server sends. */
async function readBounded(res: Response, limit: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let n = 0;
  if (res.body)
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      n += chunk.byteLength;
      if (n > limit) throw tooLarge();
      chunks.push(chunk);
    }
  return Buffer.concat(chunks).toString('utf8');
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
  if (e.status === 404) return new UserError(`${name}: no parquet export on the Hub (GET ${e.url} → HTTP 404); check the dataset id, or use a local file`);
  return new UserError(`${name}: the Hub's parquet listing failed (GET ${e.url} → HTTP ${e.status}); try again later or set PEFT_OFFLINE=1 to use the cache`);
}
