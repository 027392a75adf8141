import { readFileSync } from 'node:fs';
import { evaluateOutputs, MAIN_METRIC } from '../../experiment/evaluate.ts';
import { readTaskRows } from '../../experiment/rows.ts';
import { UserError } from '../../util/errors.ts';
import { optInt, printJson, requireString, type Command } from '../command.ts';
import { taskFlag } from './predict.ts';

interface PredictionLine {
  id: string;
  prediction: string;
  truncated?: boolean;
}

function readPredictions(file: string): PredictionLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `evaluate: cannot read --predictions '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  // A UTF-8 byte-order mark is not JSON: skip it, as score --jsonl and the dataset readers do.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: PredictionLine[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw new UserError(`evaluate: ${file} line ${i + 1}: not JSON; expected {"id": ..., "prediction": "..."}`);
    }
    const r = o as Partial<PredictionLine> & { id?: unknown };
    if (typeof r !== 'object' || r === null || (typeof r.id !== 'string' && typeof r.id !== 'number') || typeof r.prediction !== 'string')
      throw new UserError(`evaluate: ${file} line ${i + 1}: expected {"id": ..., "prediction": "..."}`);
    const id = String(r.id);
    if (seen.has(id)) throw new UserError(`evaluate: ${file} line ${i + 1}: id '${id}' appears twice`);
    seen.add(id);
    out.push({ id, prediction: r.prediction, truncated: r.truncated === true });
  });
  if (!out.length) throw new UserError(`evaluate: ${file} has no predictions`);
  return out;
}

/** sacrebleu's default is 1000; far beyond 100,000 the intervals do not move, only the memory does. */
export const MAX_BOOTSTRAP_SAMPLES = 100_000;
/** Each resample holds one index per example (4 bytes): keep the whole set well under a gigabyte. */
const MAX_RESAMPLED_INDICES = 100_000_000;

function checkBootstrapWork(samples: number, examples: number): void {
  if (samples * examples > MAX_RESAMPLED_INDICES)
    throw new UserError(
      `evaluate: --bootstrap ${samples} over ${examples} examples is ${samples * examples} resampled indices; use --bootstrap <= ${Math.floor(MAX_RESAMPLED_INDICES / examples)} for this many examples`,
    );
}

export const command: Command = {
  name: 'evaluate',
  summary: "score predictions against references with the task's metrics and 95% bootstrap intervals",
  usage:
    'peft-lab evaluate --predictions FILE.jsonl --references FILE.jsonl --task translation|summarization [--bootstrap N]\n' +
    '  --predictions: {"id", "prediction"} lines (what peft-lab predict writes); --references: dataset rows with the same ids\n' +
    '  prints {"task", "examples", "main_metric", "metrics": {rouge1, rouge2, rougeL, rougeLsum, bleu, sentence_bleu, chrf, chrfpp:\n' +
    '  {"score", "low", "high"}}, "per_domain", "errors"} (scores 0-100; BLEU/chrF as sacrebleu 2.6, ROUGE as rouge-score 0.1.2)',
  options: { predictions: { type: 'string' }, references: { type: 'string' }, task: { type: 'string' }, bootstrap: { type: 'string' } },
  async run(values) {
    const task = taskFlag(values, 'evaluate');
    const predFile = requireString(values, 'predictions', 'evaluate');
    const refFile = requireString(values, 'references', 'evaluate');
    const nSamples = optInt(values, 'bootstrap', { min: 2, max: MAX_BOOTSTRAP_SAMPLES }) ?? 1000;
    const preds = readPredictions(predFile);
    const refs = await readTaskRows(refFile, task, { requireTarget: true });
    const byId = new Map(refs.map((r) => [r.id, r]));
    const missing = preds.filter((p) => !byId.has(p.id)).map((p) => p.id);
    if (missing.length)
      throw new UserError(
        `evaluate: ${missing.length} prediction id(s) have no reference in ${refFile}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} (ids from ${predFile})`,
      );
    const predIds = new Set(preds.map((p) => p.id));
    const unpredicted = refs.filter((r) => !predIds.has(r.id)).map((r) => r.id);
    if (unpredicted.length)
      throw new UserError(
        `evaluate: ${unpredicted.length} reference(s) have no prediction in ${predFile}: ${unpredicted.slice(0, 5).join(', ')}${unpredicted.length > 5 ? ', …' : ''}`,
      );
    const rows = preds.map((p) => {
      const r = byId.get(p.id)!;
      return { id: p.id, domain: r.domain, source: r.source, reference: r.target, prediction: p.prediction, truncated: p.truncated };
    });
    checkBootstrapWork(nSamples, rows.length);
    const e = evaluateOutputs(task, rows, { bootstrapSamples: nSamples, examplesShown: 0 });
    printJson({ task, examples: rows.length, main_metric: MAIN_METRIC[task], metrics: e.quality, per_domain: e.per_domain, errors: e.errors });
  },
};
