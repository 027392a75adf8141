import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../util/errors.ts';
import { parseDelimited } from './csv.ts';
import { readJson, readJsonl, type RawRecord } from './json.ts';
import { readParquet } from './parquet.ts';

export const DATA_FILE_EXTENSIONS = ['.jsonl', '.json', '.csv', '.tsv', '.parquet'] as const;

/** True when `file` has one of the extensions readRecords understands. */
export function isDataFileName(file: string): boolean {
  return (DATA_FILE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

/**
 * Raw rows of a local data file, chosen by extension. `limit` caps the number of rows read
 * (JSON Lines and parquet stop early; the others parse the whole file and slice).
 */
export async function readRecords(file: string, limit = Infinity): Promise<RawRecord[]> {
  const ext = path.extname(file).toLowerCase();
  if (!isDataFileName(file))
    throw new UserError(`${file}: unknown data file type '${ext || '(no extension)'}'; expected one of ${DATA_FILE_EXTENSIONS.join(', ')}`);
  let info: Stats;
  try {
    info = await stat(file);
  } catch {
    throw new UserError(`${file}: no such data file`);
  }
  if (!info.isFile()) throw new UserError(`${file}: is not a file; expected a ${DATA_FILE_EXTENSIONS.join('/')} file`);
  switch (ext) {
    case '.jsonl':
      return readJsonl(file, limit);
    case '.json':
      return readJson(file, limit);
    case '.parquet':
      return readParquet(file, limit);
    default: {
      const text = await readFile(file, 'utf8');
      return parseDelimited(text, ext === '.tsv' ? '\t' : ',', file).slice(0, limit);
    }
  }
}
