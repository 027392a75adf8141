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
import type { DataSpec } from './spec.ts';

export interface ExperimentData {
  train: TrainExample[];
  validation: TrainExample[];
  /** Raw test examples (for generation and scoring) — never seen in training. */
  test: Example[];
  dataset?: Pick<Dataset, 'name' | 'task' | 'synthetic' | 'origin'>;
  cleaning?: CleaningSummary;
  encodeStats?: EncodeStats;
}

/** Our tokenizer without its post-processor: the formatters place BOS/EOS/template tokens themselves. */
export function plainEncoder(tok: Tokenizer): TokenEncoder {
  return { encode: (text) => tok.encode(text, { addSpecialTokens: false }) };
}

/** Reads rows {input_ids, labels} (already tokenized): the format for custom tasks and tests. */
export function readPretokenized(file: string): TrainExample[] {
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
      const r = row as Partial<TrainExample>;
      const ints = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((x) => Number.isInteger(x));
      if (!ints(r.input_ids) || !ints(r.labels))
        throw new UserError(`${file}:${i + 1}: expected {"input_ids": [ints], "labels": [ints]}`);
      return { input_ids: r.input_ids!, labels: r.labels! };
    });
}

/** The decoder-only template's special tokens must already be in the vocabulary (no embedding resize). */
export function checkTemplateTokens(tok: Tokenizer, template: string): void {
  const missing = templateSpecialTokens(template).filter((t) => tok.tokenToId(t) === undefined);
  if (missing.length)
    throw new UserError(`the tokenizer has no ${missing.join(', ')}: the prompt template needs them as single tokens (train the tokenizer with them, or change the template)`);
}

/**
 * Loads, cleans, splits and tokenizes the experiment's dataset for the given architecture:
 * decoder-only rows are prompt + target with the prompt masked; T5 rows are source → target.
 */
export async function buildExperimentData(
  spec: DataSpec,
  opts: { tokenizer?: Tokenizer; encoderDecoder: boolean; eosTokenId?: number },
): Promise<ExperimentData> {
  if (spec.pretokenized) {
    const rows = readPretokenized(spec.name);
    const nEval = Math.round(rows.length * spec.validation_size);
    return { train: rows.slice(nEval, spec.max_train_examples ? nEval + spec.max_train_examples : undefined), validation: rows.slice(0, nEval), test: [] };
  }
  if (!opts.tokenizer) throw new UserError(`dataset '${spec.name}' needs a tokenizer: the model directory has no tokenizer.json`);
  const prepared = await prepareDataset(spec.name, {
    load: { limit: spec.limit ?? undefined, seed: spec.split_seed },
    split: { seed: spec.split_seed, test: spec.test_size, validation: spec.validation_size },
  });
  const { splits } = prepared;
  const cap = <T>(a: T[], n: number | null) => (n ? a.slice(0, n) : a);
  const encoder = plainEncoder(opts.tokenizer);
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
  const train = encode(cap(splits.train, spec.max_train_examples));
  const validation = encode(cap(splits.validation, spec.max_eval_examples));
  if (!train.features.length) throw new UserError(`dataset '${spec.name}': no training example fits max_length=${spec.max_length}`);
  return {
    train: train.features,
    validation: validation.features,
    test: cap(splits.test, spec.max_eval_examples),
    dataset: { name: prepared.dataset.name, task: prepared.dataset.task, synthetic: prepared.dataset.synthetic, origin: prepared.dataset.origin },
    cleaning: prepared.cleaning,
    encodeStats: train.stats,
  };
}
