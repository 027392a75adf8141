/**
 * Fuzz of the readers of what users hand peft-lab: the JSON input of `logits`/`generate`, the
 * JSONL of `score --jsonl` and `evaluate --predictions`, predict's formatting.json, the experiment
 * file of `train --config` (TrainingArguments included), adapter_config.json, and the JSONL, JSON
 * and CSV/TSV dataset readers. Every reader, on any input, either returns a well-formed value or
 * throws a UserError whose message is one non-empty line naming the file (or the field's `where`);
 * never a TypeError/RangeError/SyntaxError or any other raw error. Well-formed inputs round-trip.
 *
 * Generated inputs per property (fixed seed SEED, so every run tries the same ones):
 *   bad inputs (2,183 in all; 2,740 reader calls, as some inputs go through two or three readers)
 *     logits/generate --input file ............................ 250
 *     score --jsonl file ........................................ 100
 *     evaluate --predictions file ................................ 60
 *     formatting.json (predict) .................................. 200
 *     experiment file (readExperimentSpec) ...................... 250
 *     TrainingArguments object (parseTrainingArguments) ......... 200
 *     adapter_config.json (read, method, parseConfig) ........... 300
 *     adapter_config.json through the QLoRA loader ................ 80
 *     dataset rows (normalizeRecords) ............................ 300
 *     dataset .jsonl (readJsonl, readTaskRows, loadDataset) ..... 120
 *     dataset .json (readJson, readTaskRows) ..................... 120
 *     dataset .csv/.tsv (parseDelimited, readTaskRows) .......... 200
 *     the CLI end to end (peft-lab score --jsonl, spawned) ......... 3
 *   well-formed inputs (580 in all)
 *     logits/generate --input round trip ......................... 100
 *     score --jsonl and evaluate --predictions accepted ........... 20
 *     experiment files accepted with their values ................. 80
 *     adapter_config.json accepted, parse ∘ serialise ∘ parse ... 100
 *     JSONL/JSON round trip and normalisation ..................... 80
 *     CSV/TSV round trip .......................................... 200
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as evaluateCommand } from '../../src/cli/commands/evaluate.ts';
import { command as scoreCommand } from '../../src/cli/commands/score.ts';
import { readInputFile } from '../../src/cli/inputs.ts';
import { parseDelimited } from '../../src/data/readers/csv.ts';
import { readJson, readJsonl } from '../../src/data/readers/json.ts';
import { loadDataset } from '../../src/data/load.ts';
import { normalizeRecords } from '../../src/data/schema.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { FORMATTING_FILE, loadFormatting } from '../../src/experiment/savedFormatting.ts';
import { readTaskRows } from '../../src/experiment/rows.ts';
import { parseExperimentSpec, readExperimentSpec } from '../../src/experiment/spec.ts';
import { modelFamily, type LanguageModel } from '../../src/models/registry.ts';
import { ADAPTER_CONFIG, pluginForAdapterConfig, readAdapterConfig } from '../../src/peft/format.ts';
import { OPTIMIZERS, SCHEDULERS, parseTrainingArguments, type TrainingArguments } from '../../src/train/arguments.ts';
import { UserError } from '../../src/util/errors.ts';
import { loadQloraModel } from '../../plugins/qlora/index.ts';
import { peftLab, runInProcess } from '../helpers/cli.ts';
import { TINY_GPT2, TINY_T5 } from '../models/tinyModels.ts';
import { tempDir } from './helpers.ts';

const SEED = 20_251_204;
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

const tmp = tempDir('peft-fuzz-');
afterAll(tmp.cleanup);

/** Writes one generated input, big values expanded. */
function write(file: string, content: string | Uint8Array): string {
  writeFileSync(file, typeof content === 'string' ? expand(content) : content);
  return file;
}
/** The same in the temporary folder (reusing the name: the readers run one at a time). */
const put = (name: string, content: string | Uint8Array): string => write(path.join(tmp.dir, name), content);

// ---------------------------------------------------------------------------------------------
// What a clean rejection is, and the tally of outcomes (bad inputs that happen to be valid are
// accepted and then checked for well-formedness).

/** Line breaks of any kind: a message with one is not the one line the CLI promises. */
const LINE_BREAK = /[\r\n\u2028\u2029]/;

function expectCleanError(e: unknown, names: string): void {
  if (!(e instanceof UserError)) throw e; // a raw internal error: fast-check reports the input
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.message).not.toMatch(LINE_BREAK);
  expect(e.message).toContain(names);
}

interface Tally {
  tried: number;
  accepted: number;
  rejected: number;
}
const tallies = new Map<string, Tally>();
function tally(name: string): Tally {
  let t = tallies.get(name);
  if (!t) tallies.set(name, (t = { tried: 0, accepted: 0, rejected: 0 }));
  return t;
}

/** Runs a reader on a bad input: its value, or undefined after checking the rejection is clean. */
function attempt<T>(t: Tally, names: string, read: () => T): T | undefined {
  t.tried++;
  let value: T;
  try {
    value = read();
  } catch (e) {
    expectCleanError(e, names);
    t.rejected++;
    return undefined;
  }
  t.accepted++;
  return value;
}

async function attemptAsync<T>(t: Tally, names: string, read: () => Promise<T>): Promise<T | undefined> {
  t.tried++;
  let value: T;
  try {
    value = await read();
  } catch (e) {
    expectCleanError(e, names);
    t.rejected++;
    return undefined;
  }
  t.accepted++;
  return value;
}

// ---------------------------------------------------------------------------------------------
// Generators of bad JSON: values as JSON text, so that 1e400, -0, own "__proto__" keys and deep
// nesting can be written exactly as a file would hold them.

/**
 * Big values go through the generators as short placeholders, so that a counterexample stays
 * readable; put() writes them out in full.
 */
const DEPTH = 20_000; // well past the ~5,000 levels where JSON.stringify and String() overflow the stack
const BIG_VALUES: Record<string, string> = {
  '⟦deep-array⟧': '['.repeat(DEPTH) + ']'.repeat(DEPTH),
  '⟦deep-object⟧': '{"a":'.repeat(DEPTH / 2) + '1' + '}'.repeat(DEPTH / 2),
  '⟦long-string⟧': JSON.stringify('x'.repeat(100_000) + '\n' + 'y'.repeat(1000)),
  '⟦long-array⟧': JSON.stringify(Array.from({ length: 50_000 }, (_, i) => i % 7)),
};
const BIG = Object.keys(BIG_VALUES);
const LONG_LINE = '⟦long-line⟧'; // not JSON at all: 100,000 characters on one line
const expand = (text: string): string => text.replace(/⟦[a-z-]+⟧/g, (m) => (m === LONG_LINE ? 'x'.repeat(100_000) : (BIG_VALUES[m] ?? m)));

/** Right keys, wrong values: numbers out of range or past float64, NaN-like strings, wrong shapes, line breaks. */
// biome-ignore format: one line per kind of value
const RAW_VALUES = [
  '1e400', '-1e400', '1e308', '-1e308', '-0', '0', '0.5', '-1', '-7', '9007199254740993', '4294967296', '2147483648', '1e-400',
  '"NaN"', '"Infinity"', '"-Infinity"', '"-1"', '"1e999"', '"0x10"', '" 8 "', '"8"', '""', 'null', 'true', 'false',
  '[]', '{}', '[[]]', '[[1.5]]', '[["1"]]', '[[-1]]', '[[1e400]]', '[[1],[2,3]]', '{"__proto__":{"polluted":1}}',
  '"a\\nb"', '"line\\r\\nbreak"', '"\\u2028"', '"\\u0000"', '"\\ud800"',
];
/** Values that break String(), template literals and JSON.stringify: no usable toString, or 20,000 deep. */
const HOSTILE_VALUES = ['{"toString":1}', '{"toString":1,"valueOf":1}', '[{"toString":1}]', '[[{"valueOf":1,"toString":{}}]]', '⟦deep-array⟧', '⟦deep-object⟧'];
const arbValueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 7, arbitrary: fc.constantFrom(...RAW_VALUES) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom(...BIG) },
);

/** Key names that break naive code: prototype names, line breaks, empty, very long. */
const EVIL_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'a\nb', 'key\r\nwith crlf', '\u2028', 'x'.repeat(500)];
const arbKey = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.constantFrom(...EVIL_KEYS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  );

/** An object as [key, JSON text of the value] pairs, written in order (duplicates kept as a file may). */
type Entries = [string, string][];
const objectText = (entries: Entries): string => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
const entriesOf = (o: object): Entries =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, JSON.stringify(v)]);

/** Edits to an object: set a key (known or not) to a bad value, or delete it (value null). */
interface Edit {
  key: string;
  value: string | null;
}
const arbEdits = (known: readonly string[]): fc.Arbitrary<Edit[]> =>
  fc.array(fc.record({ key: arbKey(known), value: fc.option(arbValueText, { nil: null, freq: 6 }) }), { minLength: 1, maxLength: 3 });

/** A valid object's entries, edited; its own keys are the likeliest to be hit (right key, wrong value). */
const arbEdited = (valid: fc.Arbitrary<object>, known: readonly string[]): fc.Arbitrary<Entries> =>
  valid.chain((o) => arbEdits([...Object.keys(o), ...Object.keys(o), ...known]).map((edits) => applyEdits(entriesOf(o), edits)));

function applyEdits(entries: Entries, edits: Edit[]): Entries {
  let out = [...entries];
  for (const { key, value } of edits) {
    out = out.filter(([k]) => k !== key);
    if (value !== null) out.push([key, value]);
  }
  return out;
}

/** Damage to a whole file's text: cut short, a BOM, CRLF line breaks, stray characters. */
type Damage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'bom' } | { kind: 'crlf' } | { kind: 'insert'; at: number; text: string };
const arbDamage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Damage>({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at): Damage => ({ kind: 'truncate', at })) },
  { weight: 1, arbitrary: fc.constant<Damage>({ kind: 'bom' }) },
  { weight: 1, arbitrary: fc.constant<Damage>({ kind: 'crlf' }) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        text: fc.oneof(fc.constantFrom('"', ',', '\n', '\r\n', '\t', '}', ']', '\u0000', '\ufeff'), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 })),
      })
      .map((d): Damage => ({ kind: 'insert', ...d })),
  },
);

function applyDamage(text: string, d: Damage): string {
  const pos = (at: number) => Math.min(text.length, Math.floor(at * text.length));
  switch (d.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, pos(d.at));
    case 'bom':
      return '\ufeff' + text;
    case 'crlf':
      return text.replace(/,/g, ',\r\n').replace(/\n(?!\r)/g, '\r\n');
    case 'insert':
      return text.slice(0, pos(d.at)) + d.text + text.slice(pos(d.at));
  }
}

/** Files that are not JSON at all, or JSON of the wrong kind: empty, binary, huge, deep. */
const arbGarbageFile: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', '\ufeff', '\n', '\r\n', ' ', 'null', '[]', '{}', '"x"', '0', 'true', '[{}]', '{"a":\n'),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.uint8Array({ maxLength: 120 }),
  fc.tuple(fc.json({ maxDepth: 3 }), arbDamage).map(([t, d]) => applyDamage(t, d)),
  fc.constantFrom(...BIG, LONG_LINE),
);

/** A valid object made bad: edited entries, then the file's text damaged. */
function arbMutated(valid: fc.Arbitrary<object>, known: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(arbEdited(valid, known), arbDamage).map(([entries, d]) => applyDamage(objectText(entries), d));
}

const arbBadJsonFile = (valid: fc.Arbitrary<object>, known: readonly string[]): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof({ weight: 1, arbitrary: arbGarbageFile }, { weight: 4, arbitrary: arbMutated(valid, known) });

const isInt = (x: unknown, min: number, max = Infinity): boolean => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isIntMatrix = (m: unknown, min: number, max: number): boolean =>
  Array.isArray(m) &&
  m.length > 0 &&
  m.every((r) => Array.isArray(r) && r.length === (m[0] as unknown[]).length && r.length > 0 && r.every((x) => isInt(x, min, max)));

// ---------------------------------------------------------------------------------------------
// 1. CLI inputs: logits/generate --input, score --jsonl, evaluate --predictions, predict's formatting.json

const VOCAB = 50;
const POSITIONS = 16;
const intMatrix = (rows: number, cols: fc.Arbitrary<number>, x: fc.Arbitrary<number>) =>
  cols.chain((T) => fc.array(fc.array(x, { minLength: T, maxLength: T }), { minLength: rows, maxLength: rows }));
const arbInputFile = fc.record({ B: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 6 }) }).chain(({ B, T }) =>
  fc.record(
    {
      input_ids: intMatrix(B, fc.constant(T), fc.integer({ min: 0, max: VOCAB - 1 })),
      attention_mask: intMatrix(B, fc.constant(T), fc.constantFrom(0, 1)),
      position_ids: intMatrix(B, fc.constant(T), fc.integer({ min: 0, max: POSITIONS - 1 })),
      decoder_input_ids: intMatrix(B, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: VOCAB - 1 })),
    },
    { requiredKeys: ['input_ids'] },
  ),
);
const INPUT_KEYS = ['input_ids', 'attention_mask', 'position_ids', 'decoder_input_ids'];

const arbScoreLine = fc.record({
  hypothesis: fc.string({ maxLength: 20 }),
  references: fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 2 }),
});
const arbPredictionLine = fc.record(
  { id: fc.constantFrom('a', 'b'), prediction: fc.string({ maxLength: 20 }), truncated: fc.boolean() },
  { requiredKeys: ['id', 'prediction'] },
);

/** JSONL text: valid lines, edited lines and garbage lines, joined by LF, CRLF or blank lines. */
function arbJsonlFile(valid: fc.Arbitrary<object>, known: readonly string[]): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 3, arbitrary: valid.map((o) => JSON.stringify(o)) },
    { weight: 3, arbitrary: arbEdited(valid, known).map(objectText) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('', '   ', 'null', '[]', '"x"', '{', '{"a":1,}', '\u0000'), fc.string({ unit: 'binary', maxLength: 30 })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...BIG) },
  );
  return fc
    .tuple(fc.array(line, { minLength: 0, maxLength: 5 }), fc.constantFrom('\n', '\r\n', '\n\n'), fc.boolean(), arbDamage)
    .map(([lines, eol, bom, d]) => applyDamage((bom ? '\ufeff' : '') + lines.join(eol), d));
}

const FORMATTING_KEYS = ['task', 'encoder_decoder', 'template', 'prefix', 'max_length', 'max_target_length', 'max_prompt_length', 'max_new_tokens'];
const arbFormatting = fc.record({
  task: fc.constantFrom('translation', 'summarization'),
  encoder_decoder: fc.boolean(),
  template: fc.string({ maxLength: 30 }),
  prefix: fc.string({ maxLength: 30 }),
  max_length: fc.integer({ min: 1, max: 4096 }),
  max_target_length: fc.integer({ min: 1, max: 4096 }),
  max_prompt_length: fc.integer({ min: 1, max: 4096 }),
  max_new_tokens: fc.integer({ min: 1, max: 4096 }),
});

describe('CLI inputs', () => {
  it('logits/generate --input: any file is read or rejected in one line naming it', () => {
    const t = tally('input file');
    fc.assert(
      fc.property(arbBadJsonFile(arbInputFile, INPUT_KEYS), fc.boolean(), (content, decoderOnly) => {
        const file = put('input.json', content);
        const got = attempt(t, file, () => readInputFile(file, VOCAB, decoderOnly ? POSITIONS : undefined));
        if (!got) return;
        expect(isIntMatrix(got.input_ids, 0, VOCAB - 1)).toBe(true);
        const [B, T] = [got.input_ids.length, got.input_ids[0]!.length];
        if (got.attention_mask)
          expect(isIntMatrix(got.attention_mask, 0, 1) && got.attention_mask.length === B && got.attention_mask[0]!.length === T).toBe(true);
        if (got.position_ids)
          expect(isIntMatrix(got.position_ids, -Infinity, Infinity) && got.position_ids.length === B && got.position_ids[0]!.length === T).toBe(true);
        if (decoderOnly && got.position_ids) expect(isIntMatrix(got.position_ids, 0, POSITIONS - 1)).toBe(true);
        if (got.decoder_input_ids) expect(isIntMatrix(got.decoder_input_ids, 0, VOCAB - 1) && got.decoder_input_ids.length === B).toBe(true);
      }),
      runs(250),
    );
  });

  it('logits/generate --input: valid files are read back exactly (with or without a BOM, LF or CRLF)', () => {
    fc.assert(
      fc.property(arbInputFile, fc.boolean(), fc.boolean(), (body, crlf, bom) => {
        const file = put('input-ok.json', (bom ? '\ufeff' : '') + applyDamage(JSON.stringify(body, null, 1), crlf ? { kind: 'crlf' } : { kind: 'none' }));
        expect(readInputFile(file, VOCAB, POSITIONS)).toEqual(JSON.parse(JSON.stringify(body)));
      }),
      runs(100),
    );
  });

  it('score --jsonl: any file is scored or rejected in one line naming it', async () => {
    const t = tally('score --jsonl');
    await fc.assert(
      fc.asyncProperty(arbJsonlFile(arbScoreLine, ['hypothesis', 'references']), async (content) => {
        const file = put('score.jsonl', content);
        const got = await attemptAsync(t, file, () => runInProcess(scoreCommand, { jsonl: file, metrics: 'bleu,chrf' }));
        if (got) expect(typeof (got.bleu as { score: unknown }).score).toBe('number');
      }),
      runs(100),
    );
  });

  it('evaluate --predictions: any file is scored or rejected in one line naming it', async () => {
    const t = tally('evaluate --predictions');
    const refs = put('refs.jsonl', '{"id":"a","source":"the cat","target":"le chat"}\n{"id":"b","source":"a dog","target":"un chien"}\n');
    await fc.assert(
      fc.asyncProperty(arbJsonlFile(arbPredictionLine, ['id', 'prediction', 'truncated']), async (content) => {
        const file = put('predictions.jsonl', content);
        const got = await attemptAsync(t, file, () =>
          runInProcess(evaluateCommand, { predictions: file, references: refs, task: 'translation', bootstrap: '2' }),
        );
        if (got) expect(got.examples).toBeGreaterThan(0);
      }),
      runs(60),
    );
  });

  it('score --jsonl and evaluate --predictions: well-formed files are accepted (with or without a BOM, LF or CRLF)', async () => {
    const refs = put('refs-ok.jsonl', '{"id":"a","source":"the cat","target":"le chat"}\n{"id":"b","source":"a dog","target":"un chien"}\n');
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbScoreLine, { minLength: 1, maxLength: 4 }),
        fc.tuple(arbPredictionLine, arbPredictionLine),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (lines, [p, q], eol, bom) => {
          const jsonl = (rows: object[]) => (bom ? '\ufeff' : '') + rows.map((r) => JSON.stringify(r)).join(eol) + eol;
          const scored = await runInProcess(scoreCommand, { jsonl: put('score-ok.jsonl', jsonl(lines)), metrics: 'bleu' });
          expect(typeof (scored.bleu as { score: unknown }).score).toBe('number');
          const predictions = put(
            'predictions-ok.jsonl',
            jsonl([
              { ...p, id: 'a' },
              { ...q, id: 'b' },
            ]),
          );
          const evaluated = await runInProcess(evaluateCommand, { predictions, references: refs, task: 'translation', bootstrap: '2' });
          expect(evaluated.examples).toBe(2);
        },
      ),
      runs(20),
    );
  });

  it("predict's formatting.json: any file is read or rejected in one line naming it", () => {
    const t = tally('formatting.json');
    const dir = path.join(tmp.dir, 'adapter-formatting');
    mkdirSync(dir, { recursive: true });
    fc.assert(
      fc.property(arbBadJsonFile(arbFormatting, FORMATTING_KEYS), (content) => {
        write(path.join(dir, FORMATTING_FILE), content);
        const got = attempt(t, path.join(dir, FORMATTING_FILE), () => loadFormatting(dir));
        if (!got) return;
        expect(['translation', 'summarization']).toContain(got.task);
        expect(typeof got.encoder_decoder).toBe('boolean');
        expect(typeof got.template === 'string' && typeof got.prefix === 'string').toBe(true);
        for (const k of ['max_length', 'max_target_length', 'max_prompt_length', 'max_new_tokens'] as const) expect(isInt(got[k], 1)).toBe(true);
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The experiment file (train --config) and its TrainingArguments

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const arbTrainingArgs = fc.record(
  {
    output_dir: fc.string({ maxLength: 20 }),
    overwrite_output_dir: fc.boolean(),
    num_train_epochs: finite(1e-3, 100),
    max_steps: fc.integer({ min: -1, max: 1_000_000 }),
    per_device_train_batch_size: fc.integer({ min: 1, max: 256 }),
    per_device_eval_batch_size: fc.integer({ min: 1, max: 256 }),
    gradient_accumulation_steps: fc.integer({ min: 1, max: 64 }),
    learning_rate: finite(0, 1),
    weight_decay: finite(0, 1),
    adam_beta1: finite(0, 1),
    adam_beta2: finite(0, 1),
    adam_epsilon: finite(0, 1e-3),
    max_grad_norm: finite(0, 100),
    lr_scheduler_type: fc.constantFrom(...SCHEDULERS),
    warmup_steps: fc.integer({ min: 0, max: 10_000 }),
    warmup_ratio: finite(0, 1),
    logging_steps: fc.integer({ min: 1, max: 1000 }),
    eval_steps: fc.integer({ min: 0, max: 1000 }),
    save_steps: fc.integer({ min: 0, max: 1000 }),
    save_total_limit: fc.integer({ min: 1, max: 10 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    early_stopping_patience: fc.integer({ min: 0, max: 10 }),
    early_stopping_threshold: finite(0, 1),
    max_seq_length: fc.integer({ min: 2, max: 4096 }),
    group_by_length: fc.boolean(),
    optim: fc.constantFrom(...OPTIMIZERS),
  },
  { requiredKeys: [] },
);
const TRAINING_KEYS = Object.keys(parseTrainingArguments({}));

const arbDomains = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), finite(1e-3, 10), { minKeys: 1, maxKeys: 3 });
const arbDatasetObject = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 20 }),
    limit: fc.integer({ min: 1, max: 1e6 }),
    max_train_examples: fc.integer({ min: 1, max: 1e6 }),
    max_eval_examples: fc.integer({ min: 1, max: 1e6 }),
    test_size: finite(0, 0.9),
    validation_size: finite(0, 0.5),
    max_length: fc.integer({ min: 4, max: 4096 }),
    max_target_length: fc.integer({ min: 2, max: 4096 }),
    template: fc.string({ maxLength: 30 }),
    split_seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    domains: arbDomains,
    max_tokens: fc.integer({ min: 1, max: 4096 }),
  },
  { requiredKeys: ['name'] },
);
const DATASET_KEYS = [
  'name',
  'pretokenized',
  'limit',
  'max_train_examples',
  'max_eval_examples',
  'test_size',
  'validation_size',
  'max_length',
  'max_target_length',
  'template',
  'split_seed',
  'domains',
  'max_tokens',
];
const arbSpec = fc.record(
  {
    model: fc.string({ minLength: 1, maxLength: 20 }),
    method: fc.constantFrom('lora', 'ia3', 'adalora', 'prompt_tuning', 'prefix_tuning', 'p_tuning', 'full'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    dataset: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), arbDatasetObject),
    peft_config: fc.constantFrom({}, { r: 4 }, { num_virtual_tokens: 8 }),
    training_args: arbTrainingArgs,
    description: fc.string({ maxLength: 30 }),
  },
  { requiredKeys: ['model', 'dataset'] },
);
const SPEC_KEYS = ['model', 'method', 'seed', 'dataset', 'peft_config', 'training_args', 'description'];

/** A spec with edits at the top level, in `dataset` or in `training_args`, then the text damaged. */
const arbBadSpecFile: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: arbGarbageFile },
  {
    weight: 5,
    arbitrary: fc
      .tuple(arbSpec, fc.constantFrom('top', 'dataset', 'training_args'), arbEdits(SPEC_KEYS), arbEdits(DATASET_KEYS), arbEdits(TRAINING_KEYS), arbDamage)
      .map(([spec, where, top, ds, ta, d]) => {
        const entries = entriesOf(spec);
        const nested = (key: string, edits: Edit[]): Entries => {
          const v = (spec as Record<string, unknown>)[key];
          const inner = typeof v === 'object' && v !== null ? entriesOf(v) : [];
          return applyEdits(entries, [{ key, value: objectText(applyEdits(inner, edits)) }]);
        };
        const edited = where === 'top' ? applyEdits(entries, top) : where === 'dataset' ? nested('dataset', ds) : nested('training_args', ta);
        return applyDamage(objectText(edited), d);
      }),
  },
);

function checkTrainingArgs(a: TrainingArguments): void {
  expect(Object.keys(a).sort()).toEqual([...TRAINING_KEYS].sort());
  for (const [k, v] of Object.entries(a)) {
    if (k === 'output_dir' || k === 'lr_scheduler_type' || k === 'optim') expect(typeof v).toBe('string');
    else if (k === 'overwrite_output_dir' || k === 'group_by_length') expect(typeof v).toBe('boolean');
    else expect(Number.isFinite(v)).toBe(true);
  }
}

describe('experiment file (train --config)', () => {
  it('any file is read or rejected in one line naming it', () => {
    const t = tally('experiment file');
    fc.assert(
      fc.property(arbBadSpecFile, (content) => {
        const file = put('experiment.json', content);
        const got = attempt(t, file, () => readExperimentSpec(file));
        if (!got) return;
        expect(path.isAbsolute(got.model)).toBe(true);
        expect(typeof got.method).toBe('string');
        expect(isInt(got.seed, 0)).toBe(true);
        expect(got.data.name.length).toBeGreaterThan(0);
        for (const k of ['max_length', 'max_target_length', 'split_seed'] as const) expect(isInt(got.data[k], 0)).toBe(true);
        expect(got.data.test_size >= 0 && got.data.test_size <= 0.9 && got.data.validation_size >= 0 && got.data.validation_size <= 0.5).toBe(true);
        if (got.data.domains) for (const w of Object.values(got.data.domains)) expect(Number.isFinite(w) && w > 0).toBe(true);
        expect(typeof got.peft_config === 'object' && got.peft_config !== null && !Array.isArray(got.peft_config)).toBe(true);
        checkTrainingArgs(got.training_args);
      }),
      runs(250),
    );
  });

  it('TrainingArguments: any object is parsed or rejected in one line naming the field', () => {
    const t = tally('training_args object');
    fc.assert(
      fc.property(fc.tuple(arbTrainingArgs, arbEdits(TRAINING_KEYS)), ([args, edits]) => {
        const raw: unknown = JSON.parse(expand(objectText(applyEdits(entriesOf(args), edits))));
        const got = attempt(t, 'ta-fuzz', () => parseTrainingArguments(raw as Record<string, unknown>, 'ta-fuzz'));
        if (got) checkTrainingArgs(got);
      }),
      runs(200),
    );
  });

  it('valid experiment files are accepted with their values', () => {
    fc.assert(
      fc.property(arbSpec, fc.boolean(), (generated, bom) => {
        const spec = JSON.parse(JSON.stringify(generated)) as typeof generated; // -0 is 0 in a file
        const file = put('experiment-ok.json', (bom ? '\ufeff' : '') + JSON.stringify(spec, null, 2));
        const got = readExperimentSpec(file);
        const base = path.dirname(file);
        expect(got.model).toBe(path.resolve(base, spec.model));
        expect(got.seed).toBe(spec.seed ?? 42);
        expect(got.method).toBe(spec.method ?? 'lora');
        const ds = typeof spec.dataset === 'object' ? spec.dataset : undefined;
        if (ds?.test_size !== undefined) expect(got.data.test_size).toBe(ds.test_size);
        if (ds?.domains) expect(got.data.domains).toEqual(ds.domains);
        for (const [k, v] of Object.entries(spec.training_args ?? {}))
          expect(got.training_args[k as keyof TrainingArguments]).toBe(k === 'output_dir' ? path.resolve(base, v as string) : v);
        // The in-memory parser agrees with the file reader.
        expect(parseExperimentSpec(JSON.parse(JSON.stringify(spec)), file, base)).toEqual(got);
      }),
      runs(80),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 3. adapter_config.json

const bases: Record<'gpt2' | 't5', LanguageModel> = {} as Record<'gpt2' | 't5', LanguageModel>;
beforeAll(async () => {
  await initBackend();
  bases.gpt2 = modelFamily('gpt2', 'fuzz gpt2').create(TINY_GPT2, 'fuzz gpt2');
  bases.t5 = modelFamily('t5', 'fuzz t5').create(TINY_T5, 'fuzz t5');
});
afterAll(() => Object.values(bases).forEach((b) => b.dispose()));

const arbLoraFields = fc.record(
  {
    r: fc.integer({ min: 1, max: 16 }),
    lora_alpha: finite(0.5, 64),
    lora_dropout: finite(0, 1),
    bias: fc.constantFrom('none', 'all', 'lora_only'),
    fan_in_fan_out: fc.boolean(),
    use_rslora: fc.boolean(),
    init_lora_weights: fc.constantFrom(true, false, 'gaussian'),
    layers_to_transform: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 1 }), fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 2 })),
    rank_pattern: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), { maxKeys: 2 }),
    alpha_pattern: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), finite(0.5, 64), { maxKeys: 2 }),
    base_model_name_or_path: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    inference_mode: fc.boolean(),
    task_type: fc.constantFrom('CAUSAL_LM', 'SEQ_2_SEQ_LM', null),
    use_dora: fc.constant(false),
  },
  { requiredKeys: [] },
);
const arbPromptFields = fc.record(
  { num_virtual_tokens: fc.integer({ min: 1, max: 20 }), inference_mode: fc.boolean() },
  { requiredKeys: ['num_virtual_tokens'] },
);
const arbAdapterConfig: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  arbLoraFields.map((f) => ({ peft_type: 'LORA', ...f })),
  fc
    .tuple(
      arbLoraFields,
      fc.record(
        {
          target_r: fc.integer({ min: 1, max: 8 }),
          init_r: fc.integer({ min: 1, max: 12 }),
          tinit: fc.integer({ min: 0, max: 10 }),
          tfinal: fc.integer({ min: 0, max: 10 }),
          deltaT: fc.integer({ min: 1, max: 10 }),
          beta1: finite(0.01, 0.99),
          beta2: finite(0.01, 0.99),
          total_step: fc.integer({ min: 1, max: 1000 }),
        },
        { requiredKeys: [] },
      ),
    )
    // AdaLoRA's rank_pattern is its own (kept triplets per lora_E), not LoRA's ranks.
    .map(([{ rank_pattern: _, ...l }, a]) => ({ peft_type: 'ADALORA', ...l, ...a })),
  fc
    .record({ fan_in_fan_out: fc.boolean(), init_ia3_weights: fc.boolean(), inference_mode: fc.boolean() }, { requiredKeys: [] })
    .map((f) => ({ peft_type: 'IA3', ...f })),
  fc
    .tuple(arbPromptFields, fc.record({ prompt_tuning_init: fc.constantFrom('RANDOM', 'SAMPLE_VOCAB') }, { requiredKeys: [] }))
    .map(([p, f]) => ({ peft_type: 'PROMPT_TUNING', ...p, ...f })),
  fc
    .tuple(arbPromptFields, fc.record({ prefix_projection: fc.boolean(), encoder_hidden_size: fc.integer({ min: 1, max: 32 }) }, { requiredKeys: [] }))
    .map(([p, f]) => ({ peft_type: 'PREFIX_TUNING', ...p, ...f })),
  fc
    .tuple(
      arbPromptFields,
      fc.record(
        {
          encoder_reparameterization_type: fc.constantFrom('MLP', 'LSTM'),
          encoder_hidden_size: fc.integer({ min: 1, max: 32 }),
          encoder_num_layers: fc.integer({ min: 1, max: 3 }),
          encoder_dropout: finite(0, 1),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([p, f]) => ({ peft_type: 'P_TUNING', ...p, ...f })),
);
const ADAPTER_KEYS = [
  'peft_type',
  'method',
  'r',
  'lora_alpha',
  'lora_dropout',
  'target_modules',
  'bias',
  'init_lora_weights',
  'layers_to_transform',
  'rank_pattern',
  'alpha_pattern',
  'modules_to_save',
  'feedforward_modules',
  'target_r',
  'init_r',
  'beta1',
  'deltaT',
  'total_step',
  'num_virtual_tokens',
  'token_dim',
  'num_layers',
  'num_attention_heads',
  'num_transformer_submodules',
  'prompt_tuning_init',
  'tokenizer_kwargs',
  'encoder_hidden_size',
  'encoder_num_layers',
  'encoder_dropout',
  'layer_replication',
  'use_dora',
];

/** The fields that pick the method, with wrong values: they are read before any field is validated. */
const arbBadMethod = fc
  .tuple(fc.constantFrom('peft_type', 'method'), fc.oneof(arbValueText, fc.constantFrom(...HOSTILE_VALUES)))
  .map(([k, v]) => `{${JSON.stringify(k)}:${v},"r":8}`);

/** What loading an adapter does before it allocates anything: read the file, pick the method, parse its config. */
function parseAdapterFile(file: string, base: LanguageModel) {
  const raw = readAdapterConfig(file);
  return pluginForAdapterConfig(raw, file).parseConfig(raw, base, file);
}

describe('adapter_config.json', () => {
  it('any file is parsed or rejected in one line naming it (GPT-2 and T5 bases)', () => {
    const t = tally('adapter_config.json');
    const file = path.join(tmp.dir, ADAPTER_CONFIG);
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: arbBadJsonFile(arbAdapterConfig, ADAPTER_KEYS) }, { weight: 1, arbitrary: arbBadMethod }),
        fc.constantFrom('gpt2', 't5'),
        (content, which) => {
          write(file, content);
          const got = attempt(t, file, () => parseAdapterFile(file, bases[which]));
          if (!got) return;
          expect(typeof got.peft_type).toBe('string');
          // Every size the method allocates from is a positive integer.
          for (const k of ['r', 'init_r', 'num_virtual_tokens', 'token_dim', 'num_layers', 'encoder_hidden_size'])
            if (k in got) expect(isInt((got as unknown as Record<string, unknown>)[k], 1), k).toBe(true);
        },
      ),
      runs(300),
    );
  });

  it('the QLoRA loader rejects non-object and non-LoRA configs in one line naming the file', () => {
    const t = tally('qlora adapter_config.json');
    const dir = path.join(tmp.dir, 'qlora-adapter');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, ADAPTER_CONFIG);
    const notLora = arbGarbageFile.filter((c) => {
      if (typeof c !== 'string') return true;
      try {
        const v: unknown = JSON.parse(c);
        return typeof v !== 'object' || v === null || (v as Record<string, unknown>).peft_type !== 'LORA';
      } catch {
        return true;
      }
    });
    fc.assert(
      fc.property(fc.oneof(notLora, arbBadMethod), (content) => {
        write(file, content);
        expect(attempt(t, file, () => loadQloraModel(bases.gpt2, dir))).toBeUndefined();
      }),
      runs(80),
    );
  });

  it('valid configs are accepted, and what they parse to parses to itself', () => {
    const file = path.join(tmp.dir, 'ok-' + ADAPTER_CONFIG);
    fc.assert(
      fc.property(arbAdapterConfig, fc.constantFrom('gpt2', 't5'), fc.boolean(), (cfg, which, bom) => {
        const base = bases[which];
        const raw = {
          ...cfg,
          task_type: base.isEncoderDecoder ? 'SEQ_2_SEQ_LM' : 'CAUSAL_LM',
          ...(cfg.peft_type === 'PROMPT_TUNING' || cfg.peft_type === 'P_TUNING' || cfg.peft_type === 'PREFIX_TUNING'
            ? { num_transformer_submodules: base.isEncoderDecoder ? 2 : 1 }
            : {}),
        };
        writeFileSync(file, (bom ? '\ufeff' : '') + JSON.stringify(raw, null, 2));
        const got = parseAdapterFile(file, base);
        expect(got.peft_type).toBe(cfg.peft_type);
        for (const k of ['r', 'lora_alpha', 'num_virtual_tokens', 'encoder_hidden_size'])
          if (k in cfg) expect((got as unknown as Record<string, unknown>)[k]).toBe(cfg[k]);
        writeFileSync(file, JSON.stringify(got));
        expect(parseAdapterFile(file, base)).toEqual(got);
      }),
      runs(100),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Dataset readers: JSONL, JSON, CSV/TSV, then schema normalisation

const arbText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', 'a\nb', 'tab\there', 'quote " here', 'comma, here', 'crlf\r\nhere'),
);
const arbId = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }));
const arbRow: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ id: arbId, source: arbText, target: arbText, domain: fc.string({ maxLength: 8 }) }, { requiredKeys: ['source', 'target'] }),
  fc.record({ id: arbId, translation: fc.record({ en: arbText, ru: arbText }) }, { requiredKeys: ['translation'] }),
  fc.record({ id: arbId, article: arbText, highlights: arbText }, { requiredKeys: ['article', 'highlights'] }),
  fc.record({ id: arbId, document: arbText, summary: arbText }, { requiredKeys: ['document', 'summary'] }),
);
const ROW_KEYS = ['id', 'idx', 'source', 'target', 'domain', 'translation', 'article', 'highlights', 'document', 'summary'];

function checkExamples(examples: { id: string; source: string; target: string; task: string }[]): void {
  expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length);
  for (const e of examples) {
    expect(typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string').toBe(true);
    expect(['translation', 'summarization']).toContain(e.task);
  }
}

/** A data file as JSON: an array of rows or {"data": [...]}, rows edited, text damaged. */
const arbBadJsonDataFile: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: arbGarbageFile },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.array(fc.oneof(arbRow.map(entriesOf), arbEdited(arbRow, ROW_KEYS)), { maxLength: 4 }), fc.boolean(), arbDamage)
      .map(([rows, wrapped, d]) => {
        const items = `[${rows.map(objectText).join(',')}]`;
        return applyDamage(wrapped ? `{"data":${items}}` : items, d);
      }),
  },
);

/** CSV/TSV text: a header and rows, then quotes, delimiters and line breaks put where they break it. */
function csvField(s: string, delim: string): string {
  return s === '' || s.includes('"') || s.includes(delim) || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}
const CSV_COLUMNS = [
  'source',
  'target',
  'id',
  'domain',
  'article',
  'highlights',
  'document',
  'summary',
  'translation.en',
  'translation.ru',
  '__proto__',
  'constructor',
  'a,b',
  'q"q',
  'line\nbreak',
  '',
];
const arbTable = fc
  .uniqueArray(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CSV_COLUMNS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((header) =>
    fc.record({ header: fc.constant(header), rows: fc.array(fc.array(arbText, { minLength: header.length, maxLength: header.length }), { maxLength: 5 }) }),
  );
interface CsvCase {
  table: { header: string[]; rows: string[][] };
  delim: ',' | '\t';
  eol: string;
  bom: boolean;
  finalEol: boolean;
}
const arbCsv: fc.Arbitrary<CsvCase> = fc.record({
  table: arbTable,
  delim: fc.constantFrom(',' as const, '\t' as const),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  finalEol: fc.boolean(),
});
function csvText(c: CsvCase): string {
  const lines = [c.table.header, ...c.table.rows].map((r) => r.map((f) => csvField(f, c.delim)).join(c.delim));
  return (c.bom ? '\ufeff' : '') + lines.join(c.eol) + (c.finalEol ? c.eol : '');
}

describe('dataset readers', () => {
  it('schema normalisation: rows of one schema, one edited, are normalised or rejected in one line naming the file', () => {
    const t = tally('normalizeRecords');
    const arbRows = fc
      .tuple(arbRow, fc.nat({ max: 2 }))
      .chain(([first, more]) => fc.tuple(arbEdited(fc.constant(first), ROW_KEYS), fc.array(fc.constant(entriesOf(first)), { maxLength: more }), fc.nat()))
      .map(([edited, others, at]) => {
        const rows = others.map(objectText);
        rows.splice(at % (rows.length + 1), 0, objectText(edited));
        return rows;
      });
    fc.assert(
      fc.property(arbRows, fc.constantFrom('translation', 'summarization'), (rows, task) => {
        const records = rows.map((r) => JSON.parse(expand(r)) as Record<string, unknown>);
        const got = attempt(t, 'rows.jsonl', () => normalizeRecords(records, 'rows.jsonl', { task }));
        if (got) checkExamples(got.examples);
      }),
      runs(300),
    );
  });

  it('JSONL: any file is read (and normalised) or rejected in one line naming it', async () => {
    const t = tally('dataset .jsonl');
    await fc.assert(
      fc.asyncProperty(arbJsonlFile(arbRow, ROW_KEYS), fc.constantFrom('translation', 'summarization'), async (content, task) => {
        const file = put('rows.jsonl', content);
        const records = await attemptAsync(t, file, () => readJsonl(file));
        if (records) for (const r of records) expect(typeof r === 'object' && r !== null && !Array.isArray(r)).toBe(true);
        const rows = await attemptAsync(t, file, () => readTaskRows(file, task, { requireTarget: false }));
        if (rows) checkExamples(rows);
        const ds = await attemptAsync(t, file, () => loadDataset(file, { dataDir: null, task }));
        if (ds) checkExamples(ds.examples);
      }),
      runs(120),
    );
  });

  it('JSON: any file is read (and normalised) or rejected in one line naming it', async () => {
    const t = tally('dataset .json');
    await fc.assert(
      fc.asyncProperty(arbBadJsonDataFile, fc.constantFrom('translation', 'summarization'), async (content, task) => {
        const file = put('rows.json', content);
        const records = await attemptAsync(t, file, () => readJson(file));
        if (records) for (const r of records) expect(typeof r === 'object' && r !== null && !Array.isArray(r)).toBe(true);
        const rows = await attemptAsync(t, file, () => readTaskRows(file, task, { requireTarget: true }));
        if (rows) checkExamples(rows);
      }),
      runs(120),
    );
  });

  it('CSV/TSV: any file is read (and normalised) or rejected in one line naming it', async () => {
    const t = tally('dataset .csv/.tsv');
    const arbBadCsv = fc.oneof(
      { weight: 1, arbitrary: arbGarbageFile.map((c) => ({ content: c, delim: ',' as const })) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(arbCsv, fc.array(arbDamage, { minLength: 1, maxLength: 3 }))
          .map(([c, ds]) => ({ content: ds.reduce(applyDamage, csvText(c)), delim: c.delim })),
      },
    );
    await fc.assert(
      fc.asyncProperty(arbBadCsv, fc.constantFrom('translation', 'summarization'), async ({ content, delim }, task) => {
        const file = put(delim === ',' ? 'rows.csv' : 'rows.tsv', content);
        const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
        const records = attempt(t, file, () => parseDelimited(text, delim, file));
        if (records) for (const r of records) for (const v of Object.values(r)) expect(typeof v).toBe('string');
        const rows = await attemptAsync(t, file, () => readTaskRows(file, task, { requireTarget: false }));
        if (rows) checkExamples(rows);
      }),
      runs(200),
    );
  });

  it('well-formed JSONL, JSON and CSV/TSV files read back exactly, and normalise to their texts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRow, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), async (rows, eol, bom) => {
        const jsonl = put('ok.jsonl', (bom ? '\ufeff' : '') + rows.map((r) => JSON.stringify(r)).join(eol) + eol);
        expect(JSON.stringify(await readJsonl(jsonl))).toBe(JSON.stringify(rows));
        const json = put('ok.json', (bom ? '\ufeff' : '') + JSON.stringify({ data: rows }, null, 2).replace(/\n/g, eol));
        expect(JSON.stringify(await readJson(json))).toBe(JSON.stringify(rows));
        // One schema per file: keep the rows whose columns match the first row's.
        const same = rows.filter(
          (r) =>
            Object.keys(r)
              .filter((k) => k !== 'id')
              .join() ===
            Object.keys(rows[0]!)
              .filter((k) => k !== 'id')
              .join(),
        );
        const { examples } = normalizeRecords(same, 'ok.jsonl', { task: 'translation' });
        checkExamples(examples);
        same.forEach((r, i) => {
          const [s, tg] = r.translation
            ? [(r.translation as Record<string, string>).en, (r.translation as Record<string, string>).ru]
            : r.source !== undefined
              ? [r.source, r.target]
              : r.article !== undefined
                ? [r.article, r.highlights]
                : [r.document, r.summary];
          expect([examples[i]!.source, examples[i]!.target]).toEqual([s, tg]);
        });
      }),
      runs(80),
    );
    fc.assert(
      fc.property(arbCsv, (c) => {
        const want = c.table.rows.map((r) => Object.fromEntries(c.table.header.map((h, i) => [h, r[i]])));
        const got = parseDelimited(csvText(c), c.delim, 'ok.csv');
        // Rows of one empty field are blank lines to the reader when the header has more than one column.
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 5. End to end: the CLI prints the same one line and exits 2 (a few runs: each starts Node).

describe('CLI end to end', () => {
  it('peft-lab score --jsonl on bad files: exit 2, one line on stderr, nothing on stdout', () => {
    fc.assert(
      fc.property(
        arbJsonlFile(arbScoreLine, ['hypothesis', 'references']).filter((c) => c.length < 5000),
        (content) => {
          const file = put('cli.jsonl', content + '\n{"hypothesis": 1}');
          const r = peftLab(['score', '--jsonl', file]);
          expect(r.status).toBe(2);
          expect(r.stdout).toBe('');
          expect(r.stderr).toMatch(/^peft-lab: [^\r\n]+\n$/);
          expect(r.stderr).toContain(file);
        },
      ),
      runs(3),
    );
  });
});

describe('the fuzz itself', () => {
  it("reached every reader's error path: most generated bad inputs were rejected", () => {
    // A generator that drifted into producing only valid inputs would make every property above vacuous.
    for (const [name, t] of tallies) expect(t.rejected, `${name}: ${t.rejected} of ${t.tried} rejected`).toBeGreaterThanOrEqual(0.3 * t.tried);
  });
});
