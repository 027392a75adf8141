import { readFileSync } from 'node:fs';
import {
  encodeCausal,
  encodeT5,
  prepareDataset,
  templateSpecialTokens,
  DEFAULT_CAUSAL_TEMPLATE,
  type CleaningSummary,
  type Dataset,
  type EncodeStats,
  type Example,
  type TokenEncoder,
} from '../data/index.ts';
import type { Tokenizer } from '../models/tokenizers/index.ts';
import type { TrainExample } from '../train/collate.ts';
import { UserError } from '../util/errors.ts';
import type { SelectionRecord } from './results.ts';
import { selectExamples } from './selection.ts';
import type { DataSpec } from './spec.ts';

export interface ExperimentData {
  train: TrainExample[];
  validation: TrainExample[];
  /** Raw test examples (for generation and scoring) — never seen in training. */
  test: Example[];
  dataset?: Pick<Dataset, 'name' | 'task' | 'synthetic' | 'origin'>;
  cleaning?: CleaningSummary;
  encodeStats?: EncodeStats;
  /** How the examples were chosen (domains, token cap). */
  selection?: Omit<SelectionRecord, 'test_by_domain'>;
}

/** Our tokenizer without its post-processor: the formatters place BOS/EOS/template tokens themselves. */
export function plainEncoder(tok: Tokenizer): TokenEncoder {
  return { encode: (text) => tok.encode(text, { addSpecialTokens: false }) };
}

/** What the model accepts: ids below vocabSize; decoder-only rows at most maxPositions long. */
export interface ModelLimits {
  vocabSize: number;
  encoderDecoder: boolean;
  maxPositions?: number;
}

/** -100 is the loss's ignore index (HF's), allowed in labels only. */
function checkRow(r: TrainExample, where: string, limits: ModelLimits): void {
  const bad = (ids: number[], ignore: boolean) => ids.findIndex((x) => (x < 0 || x >= limits.vocabSize) && !(ignore && x === -100));
  const i = bad(r.input_ids, false);
  if (i >= 0) throw new UserError(`${where}: input_ids[${i}] = ${r.input_ids[i]} is out of range: the vocabulary has ids 0..${limits.vocabSize - 1}`);
  const j = bad(r.labels, true);
  if (j >= 0) throw new UserError(`${where}: labels[${j}] = ${r.labels[j]} is out of range: labels are ids 0..${limits.vocabSize - 1} or -100 (ignored)`);
  if (limits.encoderDecoder) return;
  if (r.labels.length !== r.input_ids.length)
    throw new UserError(
      `${where}: labels has ${r.labels.length} entries but input_ids has ${r.input_ids.length}; a decoder-only row needs one label per input id (-100 where no loss is taken)`,
    );
  if (limits.maxPositions !== undefined && r.input_ids.length > limits.maxPositions)
    throw new UserError(`${where}: the row has ${r.input_ids.length} tokens but the model has n_positions=${limits.maxPositions}`);
}

/**
 * Reads rows {input_ids, labels} (already tokenized): the format for custom tasks and tests. With
 * `limits`, every id and length is checked against the model.
 */
export function readPretokenized(file: string, limits?: ModelLimits): TrainExample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new UserError(`${file}:${i + 1}: not valid JSON`);
      }
      const r = (typeof row === 'object' && row !== null ? row : {}) as Partial<TrainExample>;
      const ints = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((x) => Number.isInteger(x));
      if (!ints(r.input_ids) || !ints(r.labels)) throw new UserError(`${file}:${i + 1}: expected {"input_ids": [ints], "labels": [ints]}`);
      const example = { input_ids: r.input_ids!, labels: r.labels! };
      if (limits) checkRow(example, `${file}:${i + 1}`, limits);
      return example;
    });
}

/** A decoder-only model's max_length (prompt + target) must fit in its positions. */
export function checkMaxLength(spec: Pick<DataSpec, 'max_length'>, maxPositions: number | undefined): void {
  if (maxPositions !== undefined && spec.max_length > maxPositions)
    throw new UserError(`dataset.max_length is ${spec.max_length} but the model has n_positions=${maxPositions}: use max_length <= ${maxPositions}`);
}

/** The decoder-only template's special tokens must already be in the vocabulary (no embedding resize). */
export function checkTemplateTokens(tok: Tokenizer, template: string): void {
  const missing = templateSpecialTokens(template).filter((t) => tok.tokenToId(t) === undefined);
  if (missing.length)
    throw new UserError(
      `the tokenizer has no ${missing.join(', ')}: the prompt template needs them as single tokens (train the tokenizer with them, or change the template)`,
    );
}

/**
 * Loads, cleans, splits and tokenizes the experiment's dataset for the given architecture:
 * decoder-only rows are prompt + target with the prompt masked; T5 rows are source → target.
 */
export async function buildExperimentData(
  spec: DataSpec,
  opts: { tokenizer?: Tokenizer; encoderDecoder: boolean; eosTokenId?: number; vocabSize?: number; maxPositions?: number },
): Promise<ExperimentData> {
  if (spec.pretokenized) {
    const limits =
      opts.vocabSize === undefined ? undefined : { vocabSize: opts.vocabSize, encoderDecoder: opts.encoderDecoder, maxPositions: opts.maxPositions };
    const rows = readPretokenized(spec.name, limits);
    const nEval = Math.round(rows.length * spec.validation_size);
    return { train: rows.slice(nEval, spec.max_train_examples ? nEval + spec.max_train_examples : undefined), validation: rows.slice(0, nEval), test: [] };
  }
  checkMaxLength(spec, opts.maxPositions);
  if (!opts.tokenizer) throw new UserError(`dataset '${spec.name}' needs a tokenizer: the model directory has no tokenizer.json`);
  const prepared = await prepareDataset(spec.name, {
    load: { limit: spec.limit ?? undefined, seed: spec.split_seed },
    split: { seed: spec.split_seed, test: spec.test_size, validation: spec.validation_size },
  });
  const { splits } = prepared;
  const encoder = plainEncoder(opts.tokenizer);
  const maxTokens = spec.max_tokens;
  const fits = maxTokens ? (e: Example) => encoder.encode(e.source).length <= maxTokens && encoder.encode(e.target).length <= maxTokens : undefined;
  const pick = (split: Example[], n: number | null, seed: number, withCap: boolean) =>
    selectExamples(split, n ?? Infinity, { domains: spec.domains, seed, fits: withCap ? fits : undefined });
  const encode = (examples: Example[]) => {
    if (opts.encoderDecoder)
      return encodeT5(examples, encoder, {
        maxSourceLength: spec.max_length,
        maxTargetLength: spec.max_target_length,
        eosTokenId: opts.eosTokenId,
      });
    const template = spec.template ?? DEFAULT_CAUSAL_TEMPLATE;
    checkTemplateTokens(opts.tokenizer!, template);
    return encodeCausal(examples, encoder, { maxLength: spec.max_length, template });
  };
  const trainSel = pick(splits.train, spec.max_train_examples, spec.split_seed, true);
  const train = encode(trainSel.examples);
  const validation = encode(pick(splits.validation, spec.max_eval_examples, spec.split_seed + 1, true).examples);
  if (!train.features.length) throw new UserError(`dataset '${spec.name}': no training example fits max_length=${spec.max_length}`);
  return {
    train: train.features,
    validation: validation.features,
    test: pick(splits.test, spec.max_eval_examples, spec.split_seed + 2, false).examples,
    selection: {
      domains: spec.domains,
      max_tokens: spec.max_tokens,
      train_by_domain: trainSel.by_domain,
      exhausted: trainSel.exhausted,
      too_long: trainSel.too_long,
    },
    dataset: { name: prepared.dataset.name, task: prepared.dataset.task, synthetic: prepared.dataset.synthetic, origin: prepared.dataset.origin },
    cleaning: prepared.cleaning,
    encodeStats: train.stats,
  };
}
