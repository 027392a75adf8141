import { UserError } from '../util/errors.ts';
import { describe, type RawRecord } from './readers/json.ts';
import type { Example, SchemaName, Task } from './types.ts';

export interface SchemaOptions {
  /** Force a schema instead of detecting it from the columns. */
  schema?: SchemaName;
  /** The task for plain source/target columns (the named schemas imply theirs). */
  task?: Task;
  /** Keys inside opus_books `translation` (default en → ru). */
  sourceLang?: string;
  targetLang?: string;
  /** Custom column names for the source_target schema (e.g. {source: 'en', target: 'ru'} in a CSV). */
  columns?: { source: string; target: string };
}

interface SchemaSpec {
  task: Task | undefined;
  /** What a user should see in an error: the columns this schema needs. */
  expected: string;
}

const SPECS: Record<Exclude<SchemaName, 'source_target'>, { task: Task; source: string; target: string }> = {
  cnn_dailymail: { task: 'summarization', source: 'article', target: 'highlights' },
  xsum: { task: 'summarization', source: 'document', target: 'summary' },
  opus_books: { task: 'translation', source: 'translation', target: 'translation' },
};

const ALL_EXPECTED = 'translation{en,ru} (opus_books), article+highlights (cnn_dailymail), document+summary (xsum) or source+target';

function columnsOf(records: RawRecord[]): Set<string> {
  const cols = new Set<string>();
  for (const r of records.slice(0, 50)) for (const k of Object.keys(r)) cols.add(k);
  return cols;
}

function has(cols: Set<string>, name: string): boolean {
  return cols.has(name);
}

/** Which schema the columns follow, or a UserError naming the file, the columns found and the ones expected. */
export function detectSchema(records: RawRecord[], label: string, opts: SchemaOptions = {}): SchemaName {
  const cols = columnsOf(records);
  const found = [...cols].join(', ') || '(none)';
  if (opts.columns) {
    for (const c of [opts.columns.source, opts.columns.target])
      if (!has(cols, c))
        throw new UserError(`${label}: missing column '${c}' (asked for as ${c === opts.columns.source ? 'source' : 'target'}); found columns: ${found}`);
    return 'source_target';
  }
  if (opts.schema) {
    const need = requiredColumns(opts.schema, opts);
    const missing = need.filter((c) => !has(cols, c) && !(c.startsWith('translation.') && has(cols, 'translation')));
    if (missing.length)
      throw new UserError(
        `${label}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for the ${opts.schema} schema (expected ${need.join(', ')}); found columns: ${found}`,
      );
    return opts.schema;
  }
  const src = opts.sourceLang ?? 'en';
  const tgt = opts.targetLang ?? 'ru';
  if (has(cols, 'translation') || (has(cols, `translation.${src}`) && has(cols, `translation.${tgt}`))) return 'opus_books';
  if (has(cols, 'article') && has(cols, 'highlights')) return 'cnn_dailymail';
  if (has(cols, 'document') && has(cols, 'summary')) return 'xsum';
  if (has(cols, 'source') && has(cols, 'target')) return 'source_target';
  throw new UserError(`${label}: unknown schema; expected columns ${ALL_EXPECTED}; found columns: ${found}`);
}

function requiredColumns(schema: SchemaName, opts: SchemaOptions): string[] {
  if (schema === 'opus_books') return [`translation.${opts.sourceLang ?? 'en'}`, `translation.${opts.targetLang ?? 'ru'}`];
  if (schema === 'source_target') return opts.columns ? [opts.columns.source, opts.columns.target] : ['source', 'target'];
  return [SPECS[schema].source, SPECS[schema].target];
}

export function schemaSpec(schema: SchemaName, opts: SchemaOptions = {}): SchemaSpec {
  return { task: schema === 'source_target' ? opts.task : SPECS[schema].task, expected: requiredColumns(schema, opts).join(', ') };
}

/**
 * Normalises raw rows into Examples. Null or absent text becomes '' (cleaning counts and drops
 * it as an empty pair); text of the wrong type (a number, a list) or a row missing a column is
 * a wrong schema and throws, naming the row.
 */
export function normalizeRecords(records: RawRecord[], label: string, opts: SchemaOptions = {}): { schema: SchemaName; task: Task; examples: Example[] } {
  if (records.length === 0) throw new UserError(`${label}: no rows; expected examples with ${ALL_EXPECTED}`);
  const schema = detectSchema(records, label, opts);
  const spec = schemaSpec(schema, opts);
  const task = opts.task ?? spec.task;
  if (!task) throw new UserError(`${label}: plain source/target columns do not say the task; pass task 'translation' or 'summarization'`);
  const src = opts.sourceLang ?? 'en';
  const tgt = opts.targetLang ?? 'ru';
  const seenIds = new Map<string, number>();
  const examples = records.map((rec, i): Example => {
    const where = `${label} row ${i + 1}`;
    let source: string;
    let target: string;
    if (schema === 'opus_books') {
      const tr = rec.translation;
      if (tr !== undefined && tr !== null) {
        if (typeof tr !== 'object' || Array.isArray(tr)) throw new UserError(`${where}: 'translation' must be an object {${src}, ${tgt}}, got ${describe(tr)}`);
        const pair = tr as Record<string, unknown>;
        if (!(src in pair) || !(tgt in pair))
          throw new UserError(`${where}: 'translation' has keys ${Object.keys(pair).join(', ') || '(none)'}; expected ${src} and ${tgt}`);
        source = text(pair[src], `${where}: translation.${src}`);
        target = text(pair[tgt], `${where}: translation.${tgt}`);
      } else if (`translation.${src}` in rec) {
        source = text(rec[`translation.${src}`], `${where}: translation.${src}`);
        target = text(rec[`translation.${tgt}`], `${where}: translation.${tgt}`);
      } else throw new UserError(`${where}: missing 'translation' (opus_books schema: {translation: {${src}, ${tgt}}})`);
    } else {
      const [sCol, tCol] =
        schema === 'source_target'
          ? opts.columns
            ? [opts.columns.source, opts.columns.target]
            : ['source', 'target']
          : [SPECS[schema].source, SPECS[schema].target];
      for (const c of [sCol, tCol]) if (!(c in rec)) throw new UserError(`${where}: missing '${c}' (${schema} schema: ${spec.expected})`);
      source = text(rec[sCol], `${where}: '${sCol}'`);
      target = text(rec[tCol], `${where}: '${tCol}'`);
    }
    const rawId = rec.id ?? rec.idx;
    // Ids are strings or numbers. String() of an object or a list gives "[object Object]" at best, and
    // throws a TypeError for {"toString": 1} (a RangeError for a list nested thousands of levels deep).
    if (typeof rawId === 'object' && rawId !== null)
      throw new UserError(`${where}: '${rec.id === undefined || rec.id === null ? 'idx' : 'id'}' must be a string or a number, got ${describe(rawId)}`);
    let id = rawId === undefined || rawId === null ? String(i) : String(rawId);
    // Ids must be unique for split bookkeeping; some corpora repeat them (Debian package names).
    const k = seenIds.get(id) ?? 0;
    seenIds.set(id, k + 1);
    if (k > 0) id = `${id}#${k + 1}`;
    const ex: Example = { id, source, target, task };
    if (typeof rec.domain === 'string' && rec.domain !== '') ex.domain = rec.domain;
    return ex;
  });
  return { schema, task, examples };
}

function text(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new UserError(`${what} must be text, got ${describe(v)}`);
}
