import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UserError } from '../../util/errors.ts';

export type RawRecord = Record<string, unknown>;

function isRecord(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * JSON Lines: one object per line, blank lines ignored. Streams the file so that `limit` reads
 * only the head of a large corpus.
 */
export async function readJsonl(file: string, limit = Infinity): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  if (limit <= 0) return out;
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new UserError(`${file} line ${lineNo}: not valid JSON (${(e as Error).message}); a .jsonl file needs one JSON object per line`);
      }
      if (!isRecord(value)) throw new UserError(`${file} line ${lineNo}: expected a JSON object per line, got ${describe(value)}`);
      out.push(value);
      if (out.length >= limit) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return out;
}

/** A .json file holding an array of objects, or an object whose `data` field is that array. */
export async function readJson(file: string, limit = Infinity): Promise<RawRecord[]> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const rows = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.data) ? value.data : undefined;
  if (!rows)
    throw new UserError(
      `${file}: expected a JSON array of examples or an object {"data": [...]}, got ${describe(value)}${isRecord(value) ? ` with keys ${Object.keys(value).join(', ') || '(none)'}` : ''}`,
    );
  const out: RawRecord[] = [];
  for (let i = 0; i < rows.length && out.length < limit; i++) {
    const row: unknown = rows[i];
    if (!isRecord(row)) throw new UserError(`${file}: element ${i} of the array is ${describe(row)}; expected an object per example`);
    out.push(row);
  }
  return out;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
