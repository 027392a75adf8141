import { open, readFile } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { parquetMetadata, parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type Compressors } from 'hyparquet';
import { UserError } from '../../util/errors.ts';
import type { RawRecord } from './json.ts';

/**
 * hyparquet decodes SNAPPY itself; the other codecs pyarrow commonly writes are handed to
 * Node's zlib so that Hub exports read without extra packages. ZSTD needs a Node with
 * zlib.zstdDecompressSync (22.15+); on older Nodes such files fail with a clear message.
 */
function compressors(): Compressors {
  const c: Compressors = {
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
    BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  };
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
  if (zstd) c.ZSTD = (input) => new Uint8Array(zstd(input));
  return c;
}

function toArrayBuffer(buf: Uint8Array): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/**
 * Checks that `bytes` is a readable parquet file (magic bytes and footer metadata) and returns
 * its row count; throws a UserError naming `label` otherwise. Used to vet downloads before
 * they enter the cache.
 */
export function checkParquet(bytes: Uint8Array, label: string): number {
  const magic = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || magic(0) !== 'PAR1' || magic(bytes.byteLength - 4) !== 'PAR1')
    throw new UserError(`${label}: not a parquet file (no PAR1 magic at start and end; truncated or not parquet)`);
  try {
    return Number(parquetMetadata(toArrayBuffer(bytes)).num_rows);
  } catch (e) {
    throw new UserError(`${label}: unreadable parquet footer (${firstLine(e)})`);
  }
}

/**
 * checkParquet for a file on disk, reading only its first bytes and its footer: a download is vetted
 * without holding the whole shard in memory.
 */
export async function checkParquetFile(file: string, label: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const read = async (start: number, end: number): Promise<ArrayBuffer> => {
      const buf = Buffer.alloc(Math.max(0, end - start));
      await fh.read(buf, 0, buf.length, start);
      return toArrayBuffer(buf);
    };
    const head = new Uint8Array(await read(0, Math.min(4, size)));
    const tail = new Uint8Array(await read(Math.max(0, size - 4), size));
    const magic = (b: Uint8Array) => String.fromCharCode(...b);
    if (size < 12 || magic(head) !== 'PAR1' || magic(tail) !== 'PAR1')
      throw new UserError(`${label}: not a parquet file (no PAR1 magic at start and end; truncated or not parquet)`);
    const asyncBuffer: AsyncBuffer = { byteLength: size, slice: (start, end) => read(start, end ?? size) };
    try {
      return Number((await parquetMetadataAsync(asyncBuffer)).num_rows);
    } catch (e) {
      throw new UserError(`${label}: unreadable parquet footer (${firstLine(e)})`);
    }
  } finally {
    await fh.close();
  }
}

/** Rows of a parquet file as plain objects (nested structs such as opus_books `translation` become objects). */
export async function readParquet(file: string, limit = Infinity): Promise<RawRecord[]> {
  const bytes = await readFile(file);
  checkParquet(bytes, file);
  try {
    const rows = await parquetReadObjects({
      file: toArrayBuffer(bytes),
      compressors: compressors(),
      rowEnd: Number.isFinite(limit) ? limit : undefined,
    });
    return rows as RawRecord[];
  } catch (e) {
    const msg = firstLine(e);
    if (/ZSTD/i.test(msg) && !compressors().ZSTD)
      throw new UserError(`${file}: uses ZSTD compression, which needs Node >= 22.15 (zlib.zstdDecompressSync); re-save it with snappy or gzip`);
    throw new UserError(`${file}: unreadable parquet data (${msg})`);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
