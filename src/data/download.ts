import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { UserError } from '../util/errors.ts';

/** An HTTP answer that is not a success; `status` lets callers word 404 and 401 their own way. */
export class HttpStatusError extends UserError {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url} → HTTP ${status}`);
  }
}

export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Further attempts after a broken or short transfer; each resumes where the last stopped (default 3). */
  retries?: number;
  retryDelayMs?: number;
  /** Checks the complete file before it is renamed into place; a throw deletes it (a corrupt download never enters the cache). */
  validate?: (partPath: string) => Promise<void> | void;
  /**
   * What the file must be, from metadata the server publishes apart from the file (the Hub's LFS
   * size and sha256, or a git blob's size and sha1): checked before `validate`, and the transfer is
   * stopped as soon as it runs past `size`.
   */
  expected?: ExpectedFile;
  /** The most bytes accepted; `hint` says how to raise it, for the error. */
  sizeLimit?: { bytes: number; hint: string };
}

export interface ExpectedFile {
  size: number;
  /** Hex sha256 of the content (Git LFS oid). */
  sha256?: string;
  /** Hex sha1 of the git blob ("blob <size>\0" + content): files the Hub stores in git, not LFS. */
  gitSha1?: string;
}

export interface DownloadResult {
  bytes: number;
  attempts: number;
  /** Byte offsets that later attempts resumed from (empty when the first attempt finished). */
  resumedFrom: number[];
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An attempt that should be repeated, and why (for the final error). */
interface Retry {
  retry: string;
}

/** An answer whose body is the file from `offset` on; `total` is the whole file's size, when known. */
interface Transfer {
  res: Response;
  offset: number;
  total?: number;
}

const discard = (part: string) => unlink(part).catch(() => {});

/** Asks for the file, from where the .part file ends; a retry on failures worth repeating. */
async function openTransfer(url: string, part: string, opts: DownloadOptions, result: DownloadResult): Promise<Transfer | Retry> {
  const start = await sizeOf(part);
  const headers: Record<string, string> = { ...opts.headers };
  if (start > 0) headers.Range = `bytes=${start}-`;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow' });
  } catch (e) {
    return { retry: describeFetchError(e) };
  }
  if (res.status === 416 && start > 0) {
    // The server has no bytes past our .part: it is stale (the file changed) or oversized. Start over.
    await res.body?.cancel();
    await discard(part);
    return { retry: `HTTP 416 resuming at byte ${start}` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status >= 500 || res.status === 429) return { retry: `HTTP ${res.status}` };
    throw new HttpStatusError(url, res.status);
  }
  if (res.status !== 206) {
    const len = res.headers.get('content-length');
    return { res, offset: 0, total: len !== null ? Number(len) : undefined };
  }
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  if (!m || Number(m[1]) !== start) {
    // A range we did not ask for: do not guess, fetch the whole file again next attempt.
    await res.body?.cancel();
    await discard(part);
    return { retry: `unexpected Content-Range '${res.headers.get('content-range')}'` };
  }
  result.resumedFrom.push(start);
  return { res, offset: start, total: m[3] !== '*' ? Number(m[3]) : undefined };
}

/** Appends the body to the .part file, never past the size limits; a retry when the transfer breaks or ends short. */
async function receive(url: string, { res, offset, total }: Transfer, part: string, opts: DownloadOptions): Promise<{ written: number } | Retry> {
  const tooLarge = (bytes: number) => tooLargeError(url, bytes, opts);
  if (total !== undefined && tooLarge(total)) {
    await res.body?.cancel();
    await discard(part);
    throw tooLarge(total)!;
  }
  const fh = await open(part, offset > 0 ? 'a' : 'w');
  let written = offset;
  let overrun: UserError | undefined;
  try {
    if (res.body)
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        // Checked before writing: a server that sends more than it should cannot fill the disk.
        overrun = tooLarge(written + chunk.byteLength);
        if (overrun) break;
        await fh.write(chunk);
        written += chunk.byteLength;
      }
  } catch (e) {
    return { retry: `transfer broke after ${written} bytes (${describeFetchError(e)})` };
  } finally {
    await fh.close();
  }
  if (overrun) {
    await discard(part);
    throw overrun;
  }
  if (total !== undefined && written !== total) return { retry: `transfer ended after ${written} of ${total} bytes` };
  return { written };
}

/**
 * Checks the complete .part file against the expected size and hashes, then `validate`; a bad file
 * is deleted. A mismatch is retried (`mayRetry`) only when resumed bytes may be to blame.
 */
async function verify(url: string, part: string, written: number, opts: DownloadOptions, mayRetry: boolean): Promise<Retry | undefined> {
  if (opts.expected) {
    const mismatch = await checkExpected(part, written, opts.expected);
    if (mismatch) {
      await discard(part);
      // Bytes resumed from an earlier .part may belong to an older version of the file: one
      // fresh transfer settles that; a fresh transfer that mismatches is not retried.
      if (mayRetry) return { retry: mismatch };
      throw new UserError(`${url}: ${mismatch}; the download was discarded (corrupt or tampered); try again, and report it if it persists`);
    }
  }
  if (opts.validate) {
    try {
      await opts.validate(part);
    } catch (e) {
      await discard(part);
      throw e;
    }
  }
  return undefined;
}

/**
 * Downloads `url` to `dest` through `dest.part`: bytes land in the .part file, an interrupted
 * transfer is resumed with an HTTP Range request (here or on a later run, which finds the
 * .part file), the finished file is validated and only then renamed into place, so `dest`
 * either does not exist or is complete.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${dest}.part`;
  const retries = opts.retries ?? 3;
  const result: DownloadResult = { bytes: 0, attempts: 0, resumedFrom: [] };
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep((opts.retryDelayMs ?? 500) * attempt);
    result.attempts++;
    const transfer = await openTransfer(url, part, opts, result);
    if ('retry' in transfer) {
      lastError = transfer.retry;
      continue;
    }
    const got = await receive(url, transfer, part, opts);
    if ('retry' in got) {
      lastError = got.retry;
      continue;
    }
    const bad = await verify(url, part, got.written, opts, result.resumedFrom.length > 0 && attempt < retries);
    if (bad) {
      result.resumedFrom = [];
      lastError = bad.retry;
      continue;
    }
    await rename(part, dest);
    result.bytes = got.written;
    return result;
  }
  throw new UserError(
    `download of ${url} failed after ${result.attempts} attempt${result.attempts > 1 ? 's' : ''} (${lastError}); ` +
      `the partial file ${part} is kept and the next run resumes it`,
  );
}

function tooLargeError(url: string, bytes: number, opts: DownloadOptions): UserError | undefined {
  if (opts.expected && bytes > opts.expected.size)
    return new UserError(`${url}: the server sent more than the ${opts.expected.size} bytes its metadata gives; the download was discarded`);
  if (opts.sizeLimit && bytes > opts.sizeLimit.bytes)
    return new UserError(
      `${url}: the file is larger than the download limit of ${opts.sizeLimit.bytes} bytes; the download was discarded (${opts.sizeLimit.hint})`,
    );
  return undefined;
}

/** Size, then the hash read back in chunks (never the whole file in memory); a description of the first mismatch. */
async function checkExpected(file: string, size: number, expected: ExpectedFile): Promise<string | undefined> {
  if (size !== expected.size) return `got ${size} bytes, the metadata says ${expected.size}`;
  const checks: Array<[string, string, string | undefined]> = [
    ['sha256', 'sha256', expected.sha256],
    ['sha1', 'git blob sha1', expected.gitSha1],
  ];
  for (const [algorithm, label, want] of checks) {
    if (want === undefined) continue;
    const hash = createHash(algorithm);
    if (algorithm === 'sha1') hash.update(`blob ${size}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const got = hash.digest('hex');
    if (got !== want.toLowerCase()) return `${label} ${got} does not match the metadata's ${want}`;
  }
  return undefined;
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message}: ${cause}` : err.message;
}
