import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchHubParquet, maxShardBytesFromEnv, type HubOptions } from '../../src/data/hub.ts';
import { UserError } from '../../src/util/errors.ts';
import { loopbackServer, tempDir } from './helpers.ts';

// Every readFile call is recorded, to show that a download is vetted without reading it whole.
vi.mock('node:fs/promises', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:fs/promises')>();
  return { ...orig, readFile: vi.fn(orig.readFile) };
});

const PARQUET = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: Array.from({ length: 50 }, (_, i) => `row ${i} `.repeat(20)) }] }));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/*
 * A Hub stand-in on 127.0.0.1 for dataset t/x whose answers each test sets:
 *   /api/datasets/t/x/parquet                          → listing
 *   /api/datasets/t/x/parquet/<config>/<split>         → urls
 *   /api/datasets/t/x/tree/refs%2Fconvert%2Fparquet/…  → tree (the file metadata)
 *   /files/0.parquet                                   → file(res)
 */
interface Scenario {
  listing: unknown;
  urls: unknown;
  tree: unknown;
  file: (res: ServerResponse) => void;
}
let scenario: Scenario;
let base = '';

const sendBytes = (bytes: Uint8Array) => (res: ServerResponse) => {
  res.writeHead(200, { 'Content-Length': bytes.length });
  res.end(bytes);
};
const lfsEntry = (bytes: Uint8Array, file = '0000.parquet') => ({
  type: 'file',
  path: `c/train/${file}`,
  size: 134,
  oid: 'a'.repeat(40),
  lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 134 },
});

function honest(): Scenario {
  const url = `${base}/files/0.parquet`;
  return { listing: { c: { train: [url] } }, urls: [url], tree: [lfsEntry(PARQUET)], file: sendBytes(PARQUET) };
}

function serve(req: IncomingMessage, res: ServerResponse) {
  const p = new URL(req.url ?? '/', base).pathname;
  const json = (body: unknown) => {
    if (typeof body === 'number') {
      res.writeHead(body);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (p === '/api/datasets/t/x/parquet') return json(scenario.listing);
  if (p.startsWith('/api/datasets/t/x/parquet/')) return json(scenario.urls);
  if (p.startsWith('/api/datasets/t/x/tree/refs%2Fconvert%2Fparquet/')) return json(scenario.tree);
  if (p === '/files/0.parquet') return scenario.file(res);
  json(404);
}

let server: Awaited<ReturnType<typeof loopbackServer>>;
let cache: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await loopbackServer(serve);
  base = server.url;
});
afterAll(() => server.close());
beforeEach(() => {
  cache = tempDir('peft-hub-safety-');
  scenario = honest();
  server.log.length = 0;
  vi.mocked(readFile).mockClear();
});
afterEach(() => cache.cleanup());

const hub = (extra: HubOptions = {}): HubOptions => ({ endpoint: base, cacheDir: cache.dir, offline: false, retries: 1, retryDelayMs: 5, token: '', ...extra });
const datasetDir = () => path.join(cache.dir, 'hub', 'datasets', 't--x');

/** Every file under the cache folder, relative to it. */
function cacheFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(cache.dir, p));
    }
  };
  walk(cache.dir);
  return out;
}

const shards = () => cacheFiles().filter((f) => /\.parquet(\.part)?$/.test(f));

describe('Hub downloads are verified against the LFS metadata before caching', () => {
  it('a shard whose size and sha256 match enters the cache, vetted without reading it whole', async () => {
    const got = await fetchHubParquet('hf:t/x:c', hub());
    expect(got.files).toEqual([path.join(datasetDir(), 'c', 'train', '0000.parquet')]);
    expect(shards()).toEqual([path.join('hub', 'datasets', 't--x', 'c', 'train', '0000.parquet')]);
    expect(server.log.map((r) => r.url)).toContain('/api/datasets/t/x/tree/refs%2Fconvert%2Fparquet/c/train');
    const wholeReads = vi.mocked(readFile).mock.calls.filter(([f]) => String(f).includes('.parquet'));
    expect(wholeReads).toEqual([]);
  });

  it('a sha256 mismatch is refused and nothing is cached', async () => {
    const other = PARQUET.slice();
    other[100] = other[100]! ^ 0xff;
    scenario.tree = [lfsEntry(other)]; // same size, different content
    const err = await fetchHubParquet('hf:t/x:c', hub()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      new RegExp(`0\\.parquet: sha256 ${sha256(PARQUET)} does not match the metadata's ${sha256(other)}; the download was discarded`),
    );
    expect(shards()).toEqual([]);
  });

  it('a size mismatch is refused: a short file, and a server that sends more than the metadata says', async () => {
    scenario.tree = [{ ...lfsEntry(PARQUET), lfs: { oid: sha256(PARQUET), size: PARQUET.length + 10 } }];
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(`got ${PARQUET.length} bytes, the metadata says ${PARQUET.length + 10}`);
    expect(shards()).toEqual([]);

    // No Content-Length, 64 MiB streamed: the transfer stops at the declared size instead of filling the disk.
    const declared = PARQUET.subarray(0, 500);
    scenario.tree = [lfsEntry(declared)];
    let sent = 0;
    scenario.file = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = new Uint8Array(1 << 20);
      const pump = () => {
        while (sent < 64 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(
      /0\.parquet: the server sent more than the 500 bytes its metadata gives; the download was discarded/,
    );
    expect(shards()).toEqual([]);
    expect(sent).toBeLessThan(64); // the client stopped reading; the server could not push it all
  });

  it('metadata that is missing or unusable stops the download before it starts', async () => {
    scenario.tree = [lfsEntry(PARQUET, '0001.parquet')];
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(/does not list 0000\.parquet; cannot verify shard .*0\.parquet, so it is not downloaded/);
    scenario.tree = [{ type: 'file', path: 'c/train/0000.parquet', size: 3 }];
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(/cannot verify it: it has neither an lfs entry/);
    scenario.tree = 404;
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(
      /cannot get the file metadata that verifies the shards of c\/train \(GET .*\/tree\/refs%2Fconvert%2Fparquet\/c\/train → HTTP 404\)/,
    );
    expect(server.log.some((r) => r.url.startsWith('/files/'))).toBe(false);
    expect(shards()).toEqual([]);
  });
});

describe('Hub download size limit', () => {
  it('a shard above the limit is refused before downloading, with how to raise the limit', async () => {
    await expect(fetchHubParquet('hf:t/x:c', hub({ maxShardBytes: 500 }))).rejects.toThrow(
      `hf:t/x:c: shard c/train/0000.parquet is ${PARQUET.length} bytes, above the download limit of 500 bytes; raise PEFT_HUB_MAX_BYTES if it is expected`,
    );
    expect(server.log.some((r) => r.url.startsWith('/files/'))).toBe(false);
  });

  it('PEFT_HUB_MAX_BYTES sets the limit, and a bad value is a clear error', () => {
    expect(maxShardBytesFromEnv({ PEFT_HUB_MAX_BYTES: '1000' })).toBe(1000);
    expect(maxShardBytesFromEnv({})).toBe(4 * 2 ** 30);
    expect(() => maxShardBytesFromEnv({ PEFT_HUB_MAX_BYTES: '1e9' })).toThrow("PEFT_HUB_MAX_BYTES must be a positive whole number of bytes, got '1e9'");
    expect(() => maxShardBytesFromEnv({ PEFT_HUB_MAX_BYTES: '0' })).toThrow(UserError);
  });

  it('an oversized JSON answer is refused', async () => {
    scenario.urls = 'x'.repeat(32 * 2 ** 20 + 1); // one JSON string just over the limit
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(/sent more than 33554432 bytes of JSON/);
  });
});

describe('the token never travels over plain http', () => {
  it('refuses before any request to a non-loopback http endpoint', async () => {
    const remote = 'http://hub.example.invalid';
    await expect(fetchHubParquet('hf:t/x:c', hub({ endpoint: remote, token: 'hf_secret' }))).rejects.toThrow(
      'hf:t/x:c: refusing to send HF_TOKEN over plain http to http://hub.example.invalid; use an https:// endpoint (HF_ENDPOINT), or unset HF_TOKEN for a public dataset',
    );
    // Without a token the same endpoint is tried (and is unreachable): the refusal is about the token.
    await expect(fetchHubParquet('hf:t/x:c', hub({ endpoint: remote }))).rejects.toThrow(/cannot reach the Hub at http:\/\/hub\.example\.invalid/);
  });

  it('loopback is exempt: the request does not leave the machine', async () => {
    await fetchHubParquet('hf:t/x:c', hub({ token: 'hf_secret' }));
    expect(server.log.filter((r) => r.url.startsWith('/api/')).every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
  });
});

describe('cache paths stay inside the dataset folder', () => {
  const url = () => `${base}/files/0.parquet`;
  it.each([
    ['..', /config the Hub's listing names must be a plain name .*; got "\.\."/],
    ['../../../escaped', /config the Hub's listing names must be a plain name .*; got "\.\.\/\.\.\/\.\.\/escaped"/],
    ['/tmp/absolute', /must be a plain name .*; got "\/tmp\/absolute"/],
    ['.', /must be a plain name .*; got "\."/],
  ])('a server-chosen config %j is refused', async (config, message) => {
    scenario.listing = { [config]: { train: [url()] } };
    scenario.tree = [{ ...lfsEntry(PARQUET), path: `${config}/train/0000.parquet` }];
    await expect(fetchHubParquet('hf:t/x', hub())).rejects.toThrow(message);
    expect(cacheFiles().every((f) => f.startsWith(path.join('hub', 'datasets', 't--x') + path.sep))).toBe(true);
    expect(shards()).toEqual([]);
  });

  it('a config or split given by the user is held to the same rule', async () => {
    await expect(fetchHubParquet('hf:t/x:..', hub())).rejects.toThrow(/hf:t\/x:\.\.: the config must be a plain name/);
    await expect(fetchHubParquet('hf:t/x:c', hub({ split: '../..' }))).rejects.toThrow(/the split must be a plain name/);
    expect(server.log).toEqual([]);
  });

  it('a shard URL that is not http(s) is refused', async () => {
    scenario.urls = ['file:///etc/passwd'];
    await expect(fetchHubParquet('hf:t/x:c', hub())).rejects.toThrow(
      "hf:t/x:c: shard URL file:///etc/passwd from the Hub's listing is not http(s); refusing it",
    );
  });
});
