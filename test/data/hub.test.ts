import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCacheDir, defaultEndpoint, fetchHubParquet, hubOfflineFromEnv, parseHubId } from '../../src/data/hub.ts';
import { loadDataset, loadDefaultDataset } from '../../src/data/load.ts';
import { UserError } from '../../src/util/errors.ts';
import { loopbackServer, tempDir } from './helpers.ts';

/*
 * A stand-in for the Hub on 127.0.0.1 with the same URL scheme:
 *   /api/datasets/<repo>/parquet                      → {config: {split: [urls]}}
 *   /api/datasets/<repo>/parquet/<config>/<split>     → [urls]
 *   /api/datasets/<repo>/parquet/<config>/<split>/<n>.parquet → 302 to
 *   /datasets/<repo>/resolve/refs%2Fconvert%2Fparquet/<config>/<split>/<nnnn>.parquet (Range supported)
 *   /api/datasets/<repo>/tree/refs%2Fconvert%2Fparquet/<config>/<split> → [{path, size, oid, lfs: {oid, size}}]
 * The parquet files are written here with hyparquet-writer.
 */

const articles = Array.from({ length: 60 }, (_, i) => `Article number ${i} about the council budget -LRB- draft -RRB- and its ${i * 7} pages of detail.`);
const CNN = new Uint8Array(
  parquetWriteBuffer({
    columnData: [
      { name: 'article', data: articles },
      { name: 'highlights', data: articles.map((_, i) => `Council publishes budget ${i} .`) },
      { name: 'id', data: articles.map((_, i) => `cnn-${i}`) },
    ],
  }),
);
const opusShard = (from: number, n: number) =>
  new Uint8Array(
    parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'translation', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'en', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'ru', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => String(from + i)) },
        { name: 'translation', data: Array.from({ length: n }, (_, i) => ({ en: `Sentence ${from + i}.`, ru: `Предложение ${from + i}.` })) },
      ],
    }),
  );
const OPUS = [opusShard(0, 5), opusShard(5, 4)];

type Files = Record<string, Record<string, Record<string, Uint8Array[]>>>; // repo → config → split → shards
const DATASETS: Files = {
  'test-org/cnn_tiny': { '3.0.0': { train: [CNN], test: [CNN] } },
  'test-org/opus_tiny': { 'en-ru': { train: OPUS }, 'de-en': { train: OPUS } },
  'test-org/xsum_tiny': { default: { train: [CNN] } },
};

const mode = { cut: 0, corrupt: false, ignoreRange: false, fail500: 0 };
let base = '';

/** What the server sends for a shard (corrupt mode: an error page that the metadata also describes). */
const served = (shard: Uint8Array) => (mode.corrupt ? new TextEncoder().encode('<html>this is an error page, not parquet</html>') : shard);

function serve(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', base);
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  let m = /^\/api\/datasets\/([^/]+\/[^/]+)\/tree\/refs%2Fconvert%2Fparquet\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (m) {
    const config = decodeURIComponent(m[2]!);
    const shards = DATASETS[decodeURIComponent(m[1]!)]?.[config]?.[m[3]!];
    if (!shards) return json(404, { error: 'not found' });
    return json(
      200,
      shards.map((shard, i) => {
        const bytes = served(shard);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        return {
          type: 'file',
          oid: createHash('sha1').update(bytes).digest('hex'),
          size: bytes.length,
          lfs: { oid: sha256, size: bytes.length, pointerSize: 134 },
          path: `${config}/${m![3]}/${String(i).padStart(4, '0')}.parquet`,
        };
      }),
    );
  }
  m = /^\/api\/datasets\/([^/]+\/[^/]+)\/parquet(?:\/([^/]+)\/([^/]+))?$/.exec(url.pathname);
  if (m) {
    const ds = DATASETS[decodeURIComponent(m[1]!)];
    if (!ds) return json(404, { error: 'Repository not found' });
    const shardUrls = (config: string, split: string) =>
      ds[config]![split]!.map((_, i) => `${base}/api/datasets/${m![1]}/parquet/${encodeURIComponent(config)}/${split}/${i}.parquet`);
    if (!m[2])
      return json(
        200,
        Object.fromEntries(Object.entries(ds).map(([c, splits]) => [c, Object.fromEntries(Object.keys(splits).map((s) => [s, shardUrls(c, s)]))])),
      );
    const config = decodeURIComponent(m[2]);
    if (!ds[config]?.[m[3]!]) return json(404, { error: 'not found' });
    return json(200, shardUrls(config, m[3]!));
  }
  m = /^\/api\/datasets\/([^/]+\/[^/]+)\/parquet\/([^/]+)\/([^/]+)\/(\d+)\.parquet$/.exec(url.pathname);
  if (m) {
    res.writeHead(302, { Location: `/datasets/${m[1]}/resolve/refs%2Fconvert%2Fparquet/${m[2]}/${m[3]}/${m[4]!.padStart(4, '0')}.parquet` });
    return res.end();
  }
  m = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/refs%2Fconvert%2Fparquet\/([^/]+)\/([^/]+)\/(\d+)\.parquet$/.exec(url.pathname);
  if (m) {
    if (mode.fail500 > 0) {
      mode.fail500--;
      res.writeHead(500);
      return res.end();
    }
    const shard = DATASETS[m[1]!]?.[decodeURIComponent(m[2]!)]?.[m[3]!]?.[Number(m[4])];
    if (!shard) return json(404, {});
    const bytes = served(shard);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !mode.ignoreRange) {
      const start = Number(range[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` });
        return res.end();
      }
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, 'Content-Length': bytes.length - start });
      return res.end(bytes.subarray(start));
    }
    res.writeHead(200, { 'Content-Length': bytes.length, 'Content-Type': 'application/octet-stream' });
    if (mode.cut > 0) {
      mode.cut--;
      // Send part of the body, let the client read it, then drop the connection: a broken transfer.
      return res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => res.socket?.destroy(), 250));
    }
    return res.end(bytes);
  }
  json(404, { error: 'no route' });
}

let server: Awaited<ReturnType<typeof loopbackServer>>;
let cache: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await loopbackServer((req, res) => serve(req, res));
  base = server.url;
});
afterAll(() => server.close());
beforeEach(() => {
  cache = tempDir('peft-hub-cache-');
  Object.assign(mode, { cut: 0, corrupt: false, ignoreRange: false, fail500: 0 });
  server.log.length = 0;
});
afterEach(() => cache.cleanup());

const hub = (extra: Record<string, unknown> = {}) => ({ endpoint: base, cacheDir: cache.dir, offline: false, retryDelayMs: 5, ...extra });
const shardPath = (repo: string, config: string, split: string, n = 0) =>
  path.join(cache.dir, 'hub', 'datasets', repo.replace('/', '--'), encodeURIComponent(config), split, `${String(n).padStart(4, '0')}.parquet`);

describe('Hugging Face Hub parquet export (loopback server)', () => {
  it('downloads, follows the redirect, normalises the schema, and serves the second load from the cache', async () => {
    const ds = await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub() });
    expect(ds.schema).toBe('cnn_dailymail');
    expect(ds.examples.length).toBe(60);
    expect(ds.examples[3]).toEqual({ id: 'cnn-3', source: articles[3], target: 'Council publishes budget 3 .', task: 'summarization' });
    expect(ds.origin).toMatchObject({ kind: 'hub', repo: 'test-org/cnn_tiny', config: '3.0.0', split: 'train' });
    expect(server.log.map((r) => r.url)).toEqual([
      '/api/datasets/test-org/cnn_tiny/parquet/3.0.0/train',
      '/api/datasets/test-org/cnn_tiny/tree/refs%2Fconvert%2Fparquet/3.0.0/train',
      '/api/datasets/test-org/cnn_tiny/parquet/3.0.0/train/0.parquet',
      '/datasets/test-org/cnn_tiny/resolve/refs%2Fconvert%2Fparquet/3.0.0/train/0000.parquet',
    ]);
    expect(readFileSync(shardPath('test-org/cnn_tiny', '3.0.0', 'train'))).toEqual(Buffer.from(CNN));
    const before = server.log.length;
    const again = await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub() });
    expect(again.examples).toEqual(ds.examples);
    expect(server.log.length).toBe(before); // cache hit: the server is not contacted
  });

  it('reads several shards in order, stops at limit, and picks another split', async () => {
    const ds = await loadDataset('hf:test-org/opus_tiny:en-ru', { dataDir: null, hub: hub() });
    expect(ds.schema).toBe('opus_books');
    expect(ds.examples.map((e) => e.id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect(ds.examples[6]).toMatchObject({ source: 'Sentence 6.', target: 'Предложение 6.' });
    const head = await loadDataset('hf:test-org/opus_tiny:en-ru', { dataDir: null, limit: 3, hub: hub() });
    expect(head.examples.length).toBe(3);
    const test = await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub({ split: 'test' }) });
    expect(test.origin).toMatchObject({ split: 'test' });
  });

  it('without a config, uses the only one (or "default") from the full listing', async () => {
    const got = await fetchHubParquet('hf:test-org/xsum_tiny', hub());
    expect(got.config).toBe('default');
    expect(server.log[0]!.url).toBe('/api/datasets/test-org/xsum_tiny/parquet');
    await expect(fetchHubParquet('hf:test-org/opus_tiny', hub())).rejects.toThrow(
      'hf:test-org/opus_tiny: the dataset has several configs (en-ru, de-en); name one as hf:test-org/opus_tiny:<config>',
    );
  });

  it('resumes a transfer that the connection cut, with a Range request', async () => {
    mode.cut = 1;
    const got = await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub());
    expect(got.downloaded).toBe(1);
    const ranged = server.log.filter((r) => r.range && r.url.includes('/resolve/'));
    expect(ranged.length).toBe(1);
    const start = Number(/bytes=(\d+)-/.exec(ranged[0]!.range!)![1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThanOrEqual(Math.floor(CNN.length / 2));
    expect(readFileSync(got.files[0]!)).toEqual(Buffer.from(CNN));
    expect(existsSync(`${got.files[0]}.part`)).toBe(false);
  });

  it('resumes a .part file left by an earlier run', async () => {
    const dest = shardPath('test-org/cnn_tiny', '3.0.0', 'train');
    mkdirSync(path.dirname(dest), { recursive: true });
    writeFileSync(`${dest}.part`, CNN.subarray(0, 100));
    await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub());
    expect(server.log.find((r) => r.url.includes('resolve'))!.range).toBe('bytes=100-');
    expect(readFileSync(dest)).toEqual(Buffer.from(CNN));
  });

  it('starts over when the server ignores the Range header', async () => {
    mode.cut = 1;
    mode.ignoreRange = true;
    const got = await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub());
    expect(readFileSync(got.files[0]!)).toEqual(Buffer.from(CNN));
  });

  it('retries server errors', async () => {
    mode.fail500 = 2;
    const got = await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub());
    expect(readFileSync(got.files[0]!)).toEqual(Buffer.from(CNN));
  });

  it('keeps the .part and says so when every attempt breaks', async () => {
    mode.cut = 10;
    mode.ignoreRange = true;
    const err = await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub({ retries: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /download of .*0\.parquet failed after 2 attempts \(transfer broke after \d+ bytes.*the partial file .*0000\.parquet\.part is kept and the next run resumes it/,
    );
    const dest = shardPath('test-org/cnn_tiny', '3.0.0', 'train');
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(true);
  });

  it('a dataset with no parquet export (404) is a one-line UserError', async () => {
    const err = await loadDataset('hf:nobody/nothing', { dataDir: null, hub: hub() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `hf:nobody/nothing: no parquet export on the Hub (GET ${base}/api/datasets/nobody/nothing/parquet → HTTP 404); check the dataset id, or use a local file`,
    );
    await expect(loadDataset('hf:nobody/nothing:cfg', { dataDir: null, hub: hub() })).rejects.toThrow(/hf:nobody\/nothing:cfg: no parquet export on the Hub/);
  });

  it('an unknown config or split lists what exists', async () => {
    await expect(fetchHubParquet('hf:test-org/opus_tiny:fr-en', hub())).rejects.toThrow(
      "hf:test-org/opus_tiny:fr-en: no config 'fr-en' in the parquet export; available configs: en-ru, de-en",
    );
    await expect(fetchHubParquet('hf:test-org/opus_tiny:en-ru', hub({ split: 'validation' }))).rejects.toThrow(
      "hf:test-org/opus_tiny:en-ru: config 'en-ru' has no split 'validation' in the parquet export; available: train",
    );
  });

  it('a corrupt download is rejected and never enters the cache', async () => {
    mode.corrupt = true;
    await expect(loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub() })).rejects.toThrow(
      /hf:test-org\/cnn_tiny:3\.0\.0: http:\/\/127\.0\.0\.1:\d+\/api\/datasets\/test-org\/cnn_tiny\/parquet\/3\.0\.0\/train\/0\.parquet: not a parquet file/,
    );
    const dir = path.dirname(shardPath('test-org/cnn_tiny', '3.0.0', 'train'));
    expect(readdirSync(dir).filter((f) => f.includes('.parquet'))).toEqual([]);
    mode.corrupt = false;
    const ds = await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub() });
    expect(ds.examples.length).toBe(60);
  });

  it('offline mode reads the cache and never the network', async () => {
    await expect(loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub({ offline: true }) })).rejects.toThrow(
      /hf:test-org\/cnn_tiny:3\.0\.0: config '3\.0\.0' split 'train' is not in the cache \(.*\) and offline mode is on \(PEFT_OFFLINE \/ HF_HUB_OFFLINE\)/,
    );
    expect(server.log).toEqual([]);
    await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub() });
    const n = server.log.length;
    const ds = await loadDataset('hf:test-org/cnn_tiny:3.0.0', { dataDir: null, hub: hub({ offline: true }) });
    expect(ds.examples.length).toBe(60);
    expect(server.log.length).toBe(n);
  });

  it('sends HF_TOKEN to the endpoint only', async () => {
    await fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', hub({ token: 'hf_secret' }));
    expect(server.log.every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('an unreachable endpoint says so in one line', async () => {
    const gone = await loopbackServer((_req, res) => res.end());
    const url = gone.url;
    await gone.close();
    await expect(fetchHubParquet('hf:test-org/cnn_tiny:3.0.0', { endpoint: url, cacheDir: cache.dir, offline: false })).rejects.toThrow(
      /hf:test-org\/cnn_tiny:3\.0\.0: cannot reach the Hub at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });

  it('the default dataset uses a complete Hub cache offline, and is synthetic otherwise', async () => {
    const empty = await loadDefaultDataset('summarization', { dataDir: null, size: 5, hub: { cacheDir: cache.dir } });
    expect(empty.synthetic).toBe(true);
    expect(empty.examples.every((e) => e.domain === 'synthetic')).toBe(true);
    expect(server.log).toEqual([]);
  });
});

describe('Hub ids and environment', () => {
  it('parses hf:<owner>/<name>[:<config>]', () => {
    expect(parseHubId('hf:Helsinki-NLP/opus_books:en-ru')).toEqual({ repo: 'Helsinki-NLP/opus_books', config: 'en-ru' });
    expect(parseHubId('hf:EdinburghNLP/xsum')).toEqual({ repo: 'EdinburghNLP/xsum' });
    expect(() => parseHubId('hf:a/b/c')).toThrow(/not a Hub dataset id; expected hf:<owner>\/<name>\[:<config>\]/);
    expect(() => parseHubId('hf:a/b:')).toThrow(UserError);
  });

  it('reads offline mode, endpoint and cache folder from the environment', () => {
    expect(hubOfflineFromEnv({ HF_HUB_OFFLINE: '1' })).toBe(true);
    expect(hubOfflineFromEnv({ PEFT_OFFLINE: 'true' })).toBe(true);
    expect(hubOfflineFromEnv({ HF_HUB_OFFLINE: '0' })).toBe(false);
    expect(hubOfflineFromEnv({})).toBe(false);
    expect(defaultEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(defaultEndpoint({})).toBe('https://huggingface.co');
    expect(defaultCacheDir({ PEFT_CACHE_DIR: '/c' })).toBe('/c');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'peft-lab'));
  });
});
