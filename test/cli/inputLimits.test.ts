import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as logits } from '../../src/cli/commands/logits.ts';
import { command as generateCmd } from '../../src/cli/commands/generate.ts';
import { command as scoreCmd } from '../../src/cli/commands/score.ts';
import { readInputFile } from '../../src/cli/inputs.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generate } from '../../src/generate/generate.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { checkAdapterSize } from '../../src/peft/adapterBudget.ts';
import { ADAPTER_CONFIG, loadPeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { getPlugin } from '../../src/peft/plugin.ts';
import { UserError } from '../../src/util/errors.ts';
import { splitExamples } from '../../src/data/split.ts';
import type { Example } from '../../src/data/types.ts';
import { Rng } from '../../src/engine/random.ts';
import { exactMean } from '../../src/metrics/pyNumeric.ts';
import { toReferenceStreams } from '../../src/metrics/sacreMetric.ts';
import { collate } from '../../src/train/collate.ts';
import { lengthGroupedIndices } from '../../src/train/lengthGrouped.ts';
import { loadQloraModel } from '../../plugins/qlora/index.ts';
import { runInProcess } from '../helpers/cli.ts';
import { TINY_GPT2, TINY_T5, writeTinyModel } from '../models/tinyModels.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let gpt2Dir = '';
let t5Dir = '';
let gpt2: LanguageModel;
let t5: LanguageModel;
beforeAll(async () => {
  await initBackend();
  gpt2Dir = writeTinyModel(path.join(tmp, 'gpt2'), TINY_GPT2); // n_positions 16, vocab 64
  t5Dir = writeTinyModel(path.join(tmp, 't5'), TINY_T5);
  gpt2 = loadPretrained(gpt2Dir);
  t5 = loadPretrained(t5Dir);
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
    expect(await userError(runInProcess(logits, { model: gpt2Dir, input: f }))).toMatch(
      /the rows have 17 tokens but the model has n_positions=16: shorten them to at most 16/,
    );
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
    expect(await userError(runInProcess(generateCmd, { model: gpt2Dir, input: f, strategy: 'beam', 'max-new-tokens': '20' }))).toMatch(
      /runs past the model's n_positions=16/,
    );
  });

  it('the model itself says so in one line when a longer sequence reaches it', async () => {
    const msg = await userError(() => tf.tidy(() => gpt2.forward({ inputIds: tf.tensor2d([row(20)], [1, 20], 'int32') }).logits));
    expect(msg).toMatch(/the sequence needs 20 positions .* but the model has n_positions=16/);
  });
});

describe('T5 position_ids', () => {
  it('negative position ids are refused for T5 too (relative positions have no upper bound, but no negatives)', async () => {
    const neg = input({ input_ids: [row(3)], position_ids: [[0, -1, 2]], decoder_input_ids: [[0]] });
    expect(() => readInputFile(neg, 64, undefined)).toThrow(
      /position_ids\[0\]\[1\] = -1 is out of range: positions are 0 or more \(this model has relative positions, with no upper bound\)/,
    );
    expect(await userError(runInProcess(logits, { model: t5Dir, input: neg }))).toMatch(/position_ids\[0\]\[1\] = -1 is out of range/);
    // Large ones are fine: T5 does not look them up.
    const big = input({ input_ids: [row(2)], position_ids: [[0, 5000]], decoder_input_ids: [[0]] });
    expect(readInputFile(big, 64, undefined).position_ids).toEqual([[0, 5000]]);
  });
});

describe('unknown fields show their names cut', () => {
  const long = 'k'.repeat(500);
  it('a 500-character key in an input file is cut, and many keys are counted, not listed', () => {
    const msg = (body: Record<string, unknown>) => {
      try {
        readInputFile(input(body), 64, 16);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('expected a UserError');
    };
    const one = msg({ input_ids: [row(2)], [long]: 1 });
    expect(one).toMatch(/unknown field\(s\) "k+…; valid: input_ids, attention_mask, position_ids, decoder_input_ids$/);
    expect(one).not.toContain('k'.repeat(100));
    const many = msg({ input_ids: [row(2)], ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra${i}`, i])) });
    expect(many).toMatch(/unknown field\(s\) "extra0", "extra1", .*"extra9" and 40 more; valid:/);
  });

  it('the same in adapter configs', async () => {
    const msg = await userError(() => getPeftModel(gpt2, 'lora', { r: 2, [long]: 1 }));
    expect(msg).toMatch(/lora config: unknown field\(s\) "k+…; valid: /);
    expect(msg).not.toContain('k'.repeat(100));
  });
});

describe('score on a corpus of 300,000 segments', () => {
  it('scores it (nothing spreads one argument per segment into a call)', async () => {
    const n = 300_000;
    const hyp = path.join(tmp, 'big.hyp');
    const ref = path.join(tmp, 'big.ref');
    writeFileSync(hyp, 'a b\n'.repeat(n));
    writeFileSync(ref, 'a c\n'.repeat(n));
    const out = await runInProcess(scoreCmd, { metrics: 'bleu', hyp, ref });
    const bleu = out.bleu as { sys_len: number; ref_len: number; counts: number[] };
    expect(bleu.sys_len).toBe(2 * n);
    expect(bleu.ref_len).toBe(2 * n);
    expect(bleu.counts[0]).toBe(n);
  });

  it('the other reductions over data-sized arrays take 300,000 items too', () => {
    const n = 300_000;
    expect(toReferenceStreams(Array.from({ length: n }, () => ['r']))).toHaveLength(1);
    expect(exactMean(Array.from({ length: n }, (_, i) => (i % 2 ? 0.25 : 0.75)))).toBe(0.5);
    // One source text: one group, kept in one split.
    const examples: Example[] = Array.from({ length: n }, (_, i) => ({ id: String(i), source: 's', target: 't', task: 'translation' }));
    const s = splitExamples(examples, { seed: 1 });
    expect(s.train.length + s.test.length).toBe(n);
    expect(
      lengthGroupedIndices(
        Array.from({ length: n }, (_, i) => i % 7),
        1000,
        new Rng(1),
        n / 1000,
      ),
    ).toHaveLength(n);
    expect(
      collate(
        Array.from({ length: n }, () => ({ input_ids: [1], labels: [1] })),
        0,
        false,
      ).inputIds,
    ).toHaveLength(n);
  });
});

describe('adapter sizes are checked before anything is allocated', () => {
  /** An adapter directory holding only adapter_config.json: the check comes before the weights are read. */
  function adapterDir(config: Record<string, unknown>): string {
    const dir = path.join(tmp, `adapter${n++}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, ADAPTER_CONFIG), JSON.stringify(config));
    return dir;
  }

  it('LoRA r = 2^31 from adapter_config.json is one line naming r, its value and the ranks that fit', async () => {
    const dir = adapterDir({ peft_type: 'LORA', r: 2 ** 31, target_modules: ['c_attn'] });
    const msg = await userError(() => loadPeftModel(gpt2, dir));
    // 2 layers of c_attn (8 → 24): 64 parameters per rank; 2^24 / 64 = 262144 ranks fit.
    expect(msg).toMatch(
      /adapter_config\.json: 'r' is 2147483648, which would allocate 1\.37e\+11 adapter parameters \(512\.0 GiB of float32\); the limit is 1\.68e\+7 \(the allowance of any base model; .*\): use 'r' from 1 to 262144$/,
    );
    // The same through the QLoRA loader and getPeftModel (r ≈ 1e8 would ask for gigabytes).
    expect(await userError(() => loadQloraModel(gpt2, dir))).toMatch(/'r' is 2147483648, .*use 'r' from 1 to 262144$/);
    expect(await userError(() => getPeftModel(gpt2, 'lora', { r: 1e8 }))).toMatch(
      /^lora config: 'r' is 100000000, which would allocate 6\.40e\+9 adapter parameters/,
    );
    // The bound is exact: the largest rank it names passes, one more does not (checked without attaching).
    const lora = getPlugin('lora');
    const where = 'x';
    expect(() => checkAdapterSize(lora, lora.parseConfig({ r: 262144 }, gpt2, where), gpt2, where)).not.toThrow();
    expect(() => checkAdapterSize(lora, lora.parseConfig({ r: 262145 }, gpt2, where), gpt2, where)).toThrow(/'r' is 262145/);
  });

  it('a LoRA rank_pattern entry and AdaLoRA init_r are checked the same way', async () => {
    expect(await userError(() => getPeftModel(gpt2, 'lora', { r: 2, rank_pattern: { c_attn: 2 ** 31 } }))).toMatch(
      /'rank_pattern\["c_attn"\]' is 2147483648, which would allocate .*: use 'rank_pattern\["c_attn"\]' from 1 to 262144 \(with the other sizes as they are\)$/,
    );
    const dir = adapterDir({ peft_type: 'ADALORA', init_r: 2 ** 31, target_r: 4, target_modules: ['c_attn'] });
    // 2 layers × (8 + 24 + 1) parameters per rank.
    expect(await userError(() => loadPeftModel(gpt2, dir))).toMatch(/'init_r' is 2147483648, .*use 'init_r' from 0 to 254200$/);
  });

  it('num_virtual_tokens must leave a position for the input on a decoder-only model', async () => {
    const dir = adapterDir({ peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2 ** 40 });
    expect(await userError(() => loadPeftModel(gpt2, dir))).toMatch(
      /adapter_config\.json: 'num_virtual_tokens' is 1099511627776, but the virtual tokens take the model's first positions \(n_positions=16\) and the input needs at least one more: use 'num_virtual_tokens' from 1 to 15$/,
    );
    for (const method of ['prompt_tuning', 'p_tuning', 'prefix_tuning'])
      expect(await userError(() => getPeftModel(gpt2, method, { num_virtual_tokens: 16 })), method).toMatch(/'num_virtual_tokens' is 16, .*from 1 to 15$/);
    const fresh = loadPretrained(gpt2Dir);
    const ok = getPeftModel(fresh, 'prompt_tuning', { num_virtual_tokens: 15 });
    expect(await userError(() => tf.tidy(() => ok.forward({ inputIds: tf.tensor2d([row(2)], [1, 2], 'int32') }).logits))).toMatch(/needs 17 positions/);
    ok.dispose();
    fresh.dispose();
  });

  it('T5 has no position bound, so its virtual tokens meet the parameter bound instead', async () => {
    const dir = adapterDir({ peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2 ** 40 });
    // 2 submodules × d_model 8 = 16 parameters per virtual token; 2^24 / 16 = 1048576 fit.
    expect(await userError(() => loadPeftModel(t5, dir))).toMatch(
      /'num_virtual_tokens' is 1099511627776, which would allocate .*: use 'num_virtual_tokens' from 1 to 1048576$/,
    );
  });

  it('prefix and P-tuning encoder sizes are checked too', async () => {
    expect(await userError(() => getPeftModel(gpt2, 'prefix_tuning', { num_virtual_tokens: 4, num_layers: 2 ** 30 }))).toMatch(
      /'num_layers' is 1073741824, which would allocate .*: use 'num_layers' from 2 to \d+ \(with the other sizes as they are\)$/,
    );
    expect(
      await userError(() => getPeftModel(gpt2, 'prefix_tuning', { num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 2 ** 31 })),
    ).toMatch(/'encoder_hidden_size' is 2147483648, which would allocate/);
    expect(await userError(() => getPeftModel(t5, 'p_tuning', { num_virtual_tokens: 4, encoder_hidden_size: 2 ** 20 }))).toMatch(
      /'encoder_hidden_size' is 1048576, which would allocate .*: use 'encoder_hidden_size' from 1 to \d+/,
    );
    expect(
      await userError(() => getPeftModel(t5, 'p_tuning', { num_virtual_tokens: 4, encoder_reparameterization_type: 'LSTM', encoder_num_layers: 10 ** 6 })),
    ).toMatch(/'encoder_num_layers' is 1000000, which would allocate/);
  });
});
