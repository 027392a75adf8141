/**
 * Rows for `peft-lab predict` / `evaluate`: a data file in any of the dataset schemas (opus_books
 * `{translation: {en, ru}}`, cnn_dailymail `{article, highlights}`, xsum `{document, summary}`, or
 * `{source, target}`), read and normalised exactly as training data, with the same per-text cleaning.
 * Inputs to predict may omit the target (`{"id", "source"}` rows). Row ids are the dataset ids (or
 * the row number), made unique as the loader does, so predictions and references join on them.
 */
import { normalizeRecords, readRecords, type Example, type Task } from '../data/index.ts';
import { UserError } from '../util/errors.ts';
import { cleanText } from './savedFormatting.ts';

export async function readTaskRows(file: string, task: Task, opts: { requireTarget: boolean }): Promise<Example[]> {
  const records = await readRecords(file);
  if (!records.length) throw new UserError(`${file}: no rows`);
  // predict accepts source-only rows: give them an empty target so the schema check passes.
  const sourceOnly = !opts.requireTarget && records.every((r) => 'source' in r && !('target' in r));
  const rows = normalizeRecords(sourceOnly ? records.map((r) => ({ ...r, target: '' })) : records, file, { task });
  if (rows.task !== task) throw new UserError(`${file}: the rows are ${rows.task} data (${rows.schema} schema) but --task is ${task}`);
  return rows.examples.map((e) => ({ ...e, source: cleanText(e.source), target: cleanText(e.target) }));
}
