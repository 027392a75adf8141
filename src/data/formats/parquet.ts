import { readFile } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { parquetMetadata, parquetReadObjects, type Compressors } from 'hyparquet';
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
