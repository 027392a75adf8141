import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExperimentData, readPretokenized } from '../../src/experiment/data.ts';
import { parseExperimentSpec } from '../../src/experiment/spec.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import { UserError } from '../../src/util/errors.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-data-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function jsonl(rows: unknown[]): string {
  const f = path.join(tmp, `rows${n++}.jsonl`);
  writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return f;
}

const gpt2 = { vocabSize: 64, encoderDecoder: false, maxPositions: 16 };
const t5 = { vocabSize: 64, encoderDecoder: true };

describe('pretokenized rows are checked against the model', () => {
  it('ids outside the vocabulary, in input_ids or labels', () => {
    const f = jsonl([
      { input_ids: [1, 2], labels: [1, 2] },
      { input_ids: [1, 64], labels: [1, 2] },
    ]);
    expect(() => readPretokenized(f, gpt2)).toThrow(/rows\d+\.jsonl:2: input_ids\[1\] = 64 is out of range: the vocabulary has ids 0\.\.63/);
    const g = jsonl([{ input_ids: [1, 2], labels: [-100, -5] }]);
    expect(() => readPretokenized(g, t5)).toThrow(/:1: labels\[1\] = -5 is out of range: labels are ids 0\.\.63 or -100 \(ignored\)/);
  });

  it('decoder-only labels shorter than input_ids, and rows longer than n_positions', () => {
    const f = jsonl([{ input_ids: [1, 2, 3], labels: [-100, 2] }]);
    expect(() => readPretokenized(f, gpt2)).toThrow(/:1: labels has 2 entries but input_ids has 3; a decoder-only row needs one label per input id/);
    expect(readPretokenized(f, t5)).toHaveLength(1); // T5 labels are the target: any length
    const long = jsonl([{ input_ids: Array(17).fill(1), labels: Array(17).fill(1) }]);
    expect(() => readPretokenized(long, gpt2)).toThrow(/:1: the row has 17 tokens but the model has n_positions=16/);
  });

  it('the training data path passes the model limits on, and max_length must fit the positions', async () => {
    const f = jsonl([{ input_ids: [1, 99], labels: [1, 2] }]);
    const spec = parseExperimentSpec({ model: 'm', dataset: { pretokenized: f } }, 'exp.json', tmp);
    await expect(buildExperimentData(spec.data, { encoderDecoder: false, vocabSize: 64, maxPositions: 16 })).rejects.toThrow(
      /input_ids\[1\] = 99 is out of range/,
    );
    const named = parseExperimentSpec({ model: 'm', dataset: { name: './missing.jsonl', max_length: 300 } }, 'exp.json', tmp);
    const err = await buildExperimentData(named.data, { encoderDecoder: false, vocabSize: 64, maxPositions: 256 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('dataset.max_length is 300 but the model has n_positions=256: use max_length <= 256');
  });
});

describe('training_args fields are never silently null', () => {
  it('learning_rate: null is an error, not the default', () => {
    expect(() => parseTrainingArguments({ learning_rate: null }, 'exp.json: training_args')).toThrow(
      "exp.json: training_args: 'learning_rate' must be a number >= 0, got null",
    );
    expect(() => parseExperimentSpec({ model: 'm', dataset: 'opus_books', training_args: { max_steps: null } }, 'exp.json', tmp)).toThrow(
      /'max_steps' must be an integer >= -1, got null/,
    );
    expect(parseTrainingArguments({}).learning_rate).toBe(5e-5);
  });
});
