import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as logits } from '../../src/cli/commands/logits.ts';
import { command as generateCmd } from '../../src/cli/commands/generate.ts';
import { readInputFile } from '../../src/cli/inputs.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generate } from '../../src/generate/generate.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';
import { runInProcess } from '../helpers/cli.ts';
import { TINY_GPT2, TINY_T5, writeTinyModel } from '../models/tinyModels.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let gpt2Dir = '';
let t5Dir = '';
let gpt2: LanguageModel;
beforeAll(async () => {
  await initBackend();
  gpt2Dir = writeTinyModel(path.join(tmp, 'gpt2'), TINY_GPT2); // n_positions 16, vocab 64
  t5Dir = writeTinyModel(path.join(tmp, 't5'), TINY_T5);
  gpt2 = loadPretrained(gpt2Dir);
});

let n = 0;
function input(body: unknown): string {
  const f = path.join(tmp, `in${n++}.json`);
  writeFileSync(f, JSON.stringify(body));
  return f;
}
const row = (len: number, start = 1) => Array.from({ length: len }, (_, i) => (start + i) % 64);

async function userError(p: Promise<unknown> | (() => unknown)): Promise<string> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a UserError').toBeInstanceOf(UserError);
  const msg = (err as Error).message;
  expect(msg).not.toContain('\n');
  return msg;
}

describe('positions of a decoder-only model', () => {
  it('position_ids outside [0, n_positions) are refused where the input file is read', async () => {
    const f = input({ input_ids: [row(3)], position_ids: [[0, 1, 16]] });
    expect(() => readInputFile(f, 64, 16)).toThrow(/position_ids\[0\]\[2\] = 16 is out of range: the model has positions 0\.\.15 \(n_positions=16\)/);
    const neg = input({ input_ids: [row(2)], position_ids: [[-1, 0]] });
    expect(await userError(runInProcess(logits, { model: gpt2Dir, input: neg }))).toMatch(/position_ids\[0\]\[0\] = -1 is out of range/);
  });

  it('an input longer than n_positions is one clear line from logits', async () => {
    const f = input({ input_ids: [row(17)] });
    expect(await userError(runInProcess(logits, { model: gpt2Dir, input: f }))).toMatch(/the rows have 17 tokens but the model has n_positions=16: shorten them to at most 16/);
  });

  it('T5 has relative positions: long inputs are fine', async () => {
    const f = input({ input_ids: [row(40)], decoder_input_ids: [[0, 5]] });
    const out = await runInProcess(logits, { model: t5Dir, input: f });
    expect((out.logits as number[][][])[0]!.length).toBe(2);
  });

  it('generation past n_positions is refused before the first step', async () => {
    expect(await userError(() => generate(gpt2, { inputIds: [row(10)] }, { strategy: 'greedy', maxNewTokens: 8, eosTokenId: [] }))).toMatch(
      /a prompt of 10 tokens plus max_new_tokens=8 runs past the model's n_positions=16: use max_new_tokens <= 7 or a shorter prompt/,
    );
    const ok = generate(gpt2, { inputIds: [row(10)] }, { strategy: 'greedy', maxNewTokens: 7, eosTokenId: [] });
    expect(ok.sequences[0]!.length).toBe(17);
    const f = input({ input_ids: [row(12)] });
    expect(await userError(runInProcess(generateCmd, { model: gpt2Dir, input: f, strategy: 'beam', 'max-new-tokens': '20' }))).toMatch(/runs past the model's n_positions=16/);
  });

  it('the model itself says so in one line when a longer sequence reaches it', async () => {
    const msg = await userError(() => tf.tidy(() => gpt2.forward({ inputIds: tf.tensor2d([row(20)], [1, 20], 'int32') }).logits));
    expect(msg).toMatch(/the sequence needs 20 positions .* but the model has n_positions=16/);
  });
});
