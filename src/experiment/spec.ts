import path from 'node:path';
import { ConfigReader } from '../util/configReader.ts';
import { readJsonFile } from '../models/hf/modelDir.ts';
import { parseTrainingArguments, type TrainingArguments } from '../train/arguments.ts';
import { UserError } from '../util/errors.ts';
import { defaultPlugin } from '../peft/plugin.ts';
import { checkDomainWeights } from './selection.ts';

/** How examples are drawn from a dataset and turned into token ids. */
export interface DataSpec {
  /** A dataset name (`opus_books`, `hf:EdinburghNLP/xsum`, a file, `synthetic-translation`), or a JSON Lines file of pre-tokenized rows {input_ids, labels}. */
  name: string;
  pretokenized: boolean;
  /** Rows read from the source at most (the head of a big corpus). */
  limit: number | null;
  max_train_examples: number | null;
  max_eval_examples: number | null;
  test_size: number;
  validation_size: number;
  /** Decoder-only: total tokens (prompt + target); T5: source tokens. */
  max_length: number;
  /** T5: target tokens. */
  max_target_length: number;
  /** Decoder-only prompt template. */
  template: string | null;
  split_seed: number;
  /** Sampling weights by domain prefix, as interleave_datasets' probabilities (src/experiment/selection.ts). */
  domains: Record<string, number> | null;
  /** Training/validation pairs with a side longer than this many tokens are skipped, not cut. */
  max_tokens: number | null;
}

/** One experiment: (dataset, base model, PEFT method + config, training arguments, seed). */
export interface ExperimentSpec {
  model: string;
  data: DataSpec;
  method: string;
  peft_config: Record<string, unknown>;
  training_args: TrainingArguments;
  seed: number;
}

function obj(v: unknown, where: string, field: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new UserError(`${where}: '${field}' must be an object`);
  return v as Record<string, unknown>;
}

/** Validates an experiment object; relative paths resolve against `baseDir` (the config file's folder). */
export function parseExperimentSpec(raw: Record<string, unknown>, where: string, baseDir = process.cwd()): ExperimentSpec {
  const c = new ConfigReader(raw, where);
  const model = c.str('model', null);
  if (!model) throw new UserError(`${where}: 'model' (a Hugging Face model directory) is required`);
  const seed = c.int('seed', 42, 0);
  const method = c.str('method', null) ?? defaultPlugin().name;
  c.ignore('peft_config', 'training_args', 'dataset', 'description');
  c.rejectUnknown();
  const ds = raw.dataset;
  const d = new ConfigReader(typeof ds === 'string' ? { name: ds } : obj(ds, where, 'dataset'), `${where}: dataset`);
  const pretokenizedPath = d.str('pretokenized', null);
  const name = pretokenizedPath ?? d.str('name', null);
  if (!name) throw new UserError(`${where}: 'dataset' needs a 'name' (dataset id or file) or 'pretokenized' (a JSON Lines file)`);
  const data: DataSpec = {
    name: pretokenizedPath || /^[./]/.test(name) ? path.resolve(baseDir, name) : name,
    pretokenized: pretokenizedPath !== null,
    limit: d.has('limit') ? d.int('limit', 0, 1) : (d.ignore('limit'), null),
    max_train_examples: d.has('max_train_examples') ? d.int('max_train_examples', 0, 1) : (d.ignore('max_train_examples'), null),
    max_eval_examples: d.has('max_eval_examples') ? d.int('max_eval_examples', 0, 1) : (d.ignore('max_eval_examples'), null),
    test_size: d.num('test_size', 0.2, { min: 0, max: 0.9 }),
    validation_size: d.num('validation_size', 0, { min: 0, max: 0.5 }),
    max_length: d.int('max_length', 128, 4),
    max_target_length: d.int('max_target_length', 64, 2),
    template: d.str('template', null),
    split_seed: d.int('split_seed', seed, 0),
    domains: d.has('domains')
      ? d.record('domains', (v): v is number => typeof v === 'number', 'a map of domain prefix → sampling weight')
      : (d.ignore('domains'), null),
    max_tokens: d.has('max_tokens') ? d.int('max_tokens', 0, 1) : (d.ignore('max_tokens'), null),
  };
  if (data.domains) checkDomainWeights(data.domains, `${where}: dataset`);
  d.ignore('name');
  d.rejectUnknown();
  const ta = { seed, ...obj(raw.training_args, where, 'training_args') };
  const args = parseTrainingArguments(ta, `${where}: training_args`);
  args.output_dir = path.resolve(baseDir, args.output_dir);
  return {
    model: path.resolve(baseDir, model),
    data,
    method,
    peft_config: obj(raw.peft_config, where, 'peft_config'),
    training_args: args,
    seed,
  };
}

export function readExperimentSpec(file: string): ExperimentSpec {
  const raw = readJsonFile(file, 'experiment config');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${file}: expected a JSON object`);
  return parseExperimentSpec(raw, file, path.dirname(path.resolve(file)));
}
