/**
 * The decoding-strategy comparison: the best adapters of a (task, model) block decode the same test
 * examples with the main tables' decoding, greedy search (plain, with no-repeat-ngram, with a
 * repetition penalty), beam search and nucleus sampling; quality and speed per strategy.
 * Cached on disk next to the experiment it reuses (keyed by that experiment and the strategies).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../data/index.ts';
import { loadTokenizer } from '../models/tokenizers/index.ts';
import { writeJsonAtomic } from '../util/atomicWrite.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { mainMetricWithCi, scoreQuality } from './evaluate.ts';
import { loadTrainedModel } from './loadTrained.ts';
import { loadFormatting } from './savedFormatting.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { predictTexts, type DecodingSpec } from './predict.ts';
import type { DecodingRow } from './results.ts';
import type { ExperimentOutcome, ExperimentRunSpec } from './run.ts';

/**
 * The settings compared (transformers' names), the main tables' own first, so every other row is
 * measured against what the tables report: greedy; greedy with each of the two repetition guards,
 * which target the loops small fine-tuned models fall into (no_repeat_ngram_size 3, and
 * repetition_penalty 1.2, the CTRL paper's value); beam search (4 beams); nucleus sampling. A setting
 * equal to the main one is not decoded twice.
 */
export function decodingStrategies(main: DecodingSpec, seed: number): DecodingSpec[] {
  const n = main.max_new_tokens;
  const variants: DecodingSpec[] = [
    { strategy: 'greedy', max_new_tokens: n },
    { strategy: 'greedy', max_new_tokens: n, no_repeat_ngram_size: 3 },
    { strategy: 'greedy', max_new_tokens: n, repetition_penalty: 1.2 },
    { strategy: 'beam', max_new_tokens: n, num_beams: 4, length_penalty: 1 },
    { strategy: 'sample', max_new_tokens: n, temperature: 0.7, top_p: 0.9, seed },
  ];
  return [main, ...variants.filter((v) => canonicalJson(v) !== canonicalJson(main))];
}

export interface DecodingInput {
  spec: ExperimentRunSpec;
  outcome: ExperimentOutcome;
  /** Test examples to decode (the first n of the test split). */
  sources: string[];
  references: string[];
  strategies: DecodingSpec[];
  batchSize: number;
  bootstrapSamples: number;
}

/** Runs (or reads from the cache) every strategy on one trained experiment. */
export function compareDecoding(task: Task, input: DecodingInput): DecodingRow[] {
  const { spec, outcome } = input;
  const key = sha256(canonicalJson({ experiment: outcome.result.key, strategies: input.strategies, n: input.sources.length, bs: input.bootstrapSamples }));
  const file = path.join(outcome.dir, `decoding-${key.slice(0, 16)}.json`);
  if (existsSync(file)) {
    try {
      // The key covers n, so rows cached before `examples` was recorded decoded exactly these sources.
      return (JSON.parse(readFileSync(file, 'utf8')) as DecodingRow[]).map((r) => ({ ...r, label: outcome.result.label, examples: input.sources.length }));
    } catch {
      // recompute below
    }
  }
  if (!outcome.result.adapter_dir) throw new Error(`${spec.id}: no saved adapter to decode with`);
  const adapterDir = path.resolve(REPO_ROOT, outcome.result.adapter_dir);
  const formatting = loadFormatting(adapterDir)!;
  const tokenizer = loadTokenizer(spec.model.dir);
  const model = loadTrainedModel(spec.model.dir, adapterDir, spec.method, spec.peft_config);
  const rows: DecodingRow[] = [];
  try {
    for (const d of input.strategies) {
      const run = predictTexts(model, tokenizer, formatting, input.sources, { decoding: d, batchSize: input.batchSize });
      const hyps = run.predictions.map((p) => p.prediction);
      const q = scoreQuality(task, hyps, input.references, input.bootstrapSamples);
      rows.push({
        experiment_id: spec.id,
        label: outcome.result.label,
        strategy: d.strategy,
        options: { ...d },
        main: mainMetricWithCi(task, hyps, input.references, input.bootstrapSamples),
        bleu: q.bleu,
        chrf: q.chrf,
        rougeL: q.rougeL,
        tokens_per_s: run.tokens_per_s,
        seconds: run.seconds,
        examples: input.sources.length,
        main_decoding: canonicalJson(d) === canonicalJson(spec.decoding),
      });
    }
  } finally {
    model.dispose();
  }
  writeJsonAtomic(file, rows);
  return rows;
}
