import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { checkConfigOnlySize } from '../../src/models/hf/configSizes.ts';
import { loadPretrained, modelFromConfig } from '../../src/models/hf/loadPretrained.ts';
import { gpt2Sizes } from '../../src/models/gpt2/config.ts';
import { t5Sizes } from '../../src/models/t5/config.ts';
import { readSafetensors, writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';
import { UserError } from '../../src/util/errors.ts';
import { TINY_GPT2, TINY_T5, writeTinyModel } from './tinyModels.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend();
});

let n = 0;
const fresh = () => path.join(tmp, `m${n++}`);

/** The config says one thing, the weights (built from the true config) another. */
function lying(truth: Record<string, unknown>, lie: Record<string, unknown>): string {
  return writeTinyModel(fresh(), { ...truth, ...lie }, truth);
}

function expectUserError(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a UserError').toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toContain('\n');
}

describe('config.json sizes are checked against the weights before anything is allocated', () => {
  it('loads honest tiny GPT-2 and T5 directories', () => {
    expect(loadPretrained(writeTinyModel(fresh(), TINY_GPT2)).vocabSize).toBe(64);
    expect(loadPretrained(writeTinyModel(fresh(), TINY_T5)).vocabSize).toBe(64);
  });

  it('a vocab_size of 3,000,000 fails at once, naming the field, its value and what the weights say', () => {
    const t0 = performance.now();
    expectUserError(
      () => loadPretrained(lying(TINY_GPT2, { vocab_size: 3_000_000 })),
      /config\.json: vocab_size is 3000000 but the weights in .*model\.safetensors say 64 \('transformer\.wte\.weight' has shape \[64, 8\]\)/,
    );
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('n_layer, n_positions, n_embd and n_inner of GPT-2', () => {
    expectUserError(
      () => loadPretrained(lying(TINY_GPT2, { n_layer: 100_000 })),
      /n_layer is 100000 but the weights in .* have 2 \(layers transformer\.h\.0 … transformer\.h\.1\)/,
    );
    expectUserError(() => loadPretrained(lying(TINY_GPT2, { n_positions: 1024 })), /n_positions is 1024 but the weights .* say 16/);
    expectUserError(() => loadPretrained(lying(TINY_GPT2, { n_embd: 16, n_head: 2 })), /n_embd is 16 but the weights .* say 8/);
    expectUserError(() => loadPretrained(lying(TINY_GPT2, { n_inner: 64 })), /n_inner is 64 but the weights .* say 32/);
  });

  it('every size of T5', () => {
    expectUserError(
      () => loadPretrained(lying(TINY_T5, { d_kv: 64 })),
      /d_kv is 64 but the weights .* say 4 \('encoder\.block\.0\.layer\.0\.SelfAttention\.q\.weight' has shape \[8, 8\]\)/,
    );
    expectUserError(() => loadPretrained(lying(TINY_T5, { d_ff: 4096 })), /d_ff is 4096 but the weights .* say 16/);
    expectUserError(() => loadPretrained(lying(TINY_T5, { num_decoder_layers: 50 })), /num_decoder_layers is 50 but the weights .* have 1/);
    expectUserError(() => loadPretrained(lying(TINY_T5, { num_layers: 7 })), /num_layers is 7 but the weights .* have 2/);
    expectUserError(
      () => loadPretrained(lying(TINY_T5, { relative_attention_num_buckets: 320 })),
      /relative_attention_num_buckets is 320 but the weights .* say 8/,
    );
    expectUserError(() => loadPretrained(lying(TINY_T5, { vocab_size: 250_112 })), /vocab_size is 250112 but the weights .* say 64/);
  });

  it('sizes that are not positive integers, and a config that is not an object', () => {
    expectUserError(() => loadPretrained(lying(TINY_GPT2, { vocab_size: '64' })), /config\.json: vocab_size must be an integer from 1 to \d+, got "64"/);
    expectUserError(() => loadPretrained(lying(TINY_GPT2, { n_layer: -1 })), /n_layer must be an integer from 1 .* got -1/);
    expectUserError(() => loadPretrained(lying(TINY_T5, { num_heads: 2.5 })), /num_heads must be an integer .* got 2\.5/);
    const dir = writeTinyModel(fresh(), TINY_GPT2);
    writeFileSync(path.join(dir, 'config.json'), 'null');
    expectUserError(() => loadPretrained(dir), /config\.json: expected a JSON object with "model_type"/);
  });

  it('config-only loading (params without weights) bounds the sizes, and real configs pass', () => {
    const dir = path.join(fresh());
    writeTinyModel(dir, TINY_GPT2);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...TINY_GPT2, n_embd: 1024, n_head: 8, n_layer: 100_000 }));
    expectUserError(() => modelFromConfig(dir), /config\.json: these sizes make 1\.26e\+12 parameters .*refusing more than 3e\+9 parameters/);
    const gpt2 = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 };
    expect(gpt2Sizes(gpt2).parameters).toBe(124_439_808);
    expect(() => checkConfigOnlySize(gpt2Sizes(gpt2), 'gpt2', 16 * 2 ** 30)).not.toThrow();
    const t5Small = { model_type: 't5', vocab_size: 32128, d_model: 512, d_kv: 64, d_ff: 2048, num_layers: 6, num_heads: 8 };
    expect(t5Sizes(t5Small).parameters).toBe(60_506_624);
    expect(() => checkConfigOnlySize(t5Sizes(t5Small), 't5-small', 16 * 2 ** 30)).not.toThrow();
  });
});

describe('weights must be finite floats', () => {
  /** Rewrites one tensor of `dir`'s weights. */
  function tamper(dir: string, name: string, change: (t: Tensor) => Tensor): void {
    const file = path.join(dir, 'model.safetensors');
    const { tensors } = readSafetensors(file);
    tensors.set(name, change(tensors.get(name)!));
    writeSafetensors(file, tensors);
  }

  it('a NaN is refused at load, naming the file and the tensor', () => {
    const dir = writeTinyModel(fresh(), TINY_GPT2);
    tamper(dir, 'transformer.h.1.attn.c_proj.weight', (t) => {
      const data = Float32Array.from(t.data as Float32Array);
      data[5] = NaN;
      return { ...t, data };
    });
    expectUserError(
      () => loadPretrained(dir),
      /model\.safetensors: tensor 'transformer\.h\.1\.attn\.c_proj\.weight': element 5 is NaN .*weights must be finite/,
    );
  });

  it('an infinite F16 value and an F16 tensor relabelled I16 are refused', () => {
    const dir = writeTinyModel(fresh(), TINY_GPT2);
    tamper(dir, 'transformer.wpe.weight', (t) => ({ dtype: 'F16', shape: t.shape, data: new Uint16Array(t.data.length).fill(0x7c00) }));
    expectUserError(() => loadPretrained(dir), /tensor 'transformer\.wpe\.weight': element 0 is Infinity/);
    tamper(dir, 'transformer.wpe.weight', (t) => ({ dtype: 'I16', shape: t.shape, data: new Int16Array(t.data.length).fill(0x3c00) }));
    expectUserError(() => loadPretrained(dir), /tensor 'transformer\.wpe\.weight': dtype I16 is not a float type; a weight must be F32, F16 or BF16/);
  });

  it('a NaN in an adapter is refused too', async () => {
    const { savePeftModel, loadPeftModel } = await import('../../src/peft/format.ts');
    const { getPeftModel } = await import('../../src/peft/getPeftModel.ts');
    const dir = writeTinyModel(fresh(), TINY_GPT2);
    const adapterDir = path.join(dir, 'adapter');
    savePeftModel(getPeftModel(loadPretrained(dir), 'lora', { r: 2, target_modules: ['c_attn'] }), adapterDir);
    const file = path.join(adapterDir, 'adapter_model.safetensors');
    const { tensors } = readSafetensors(file);
    const [name, t] = [...tensors][0]!;
    const data = Float32Array.from(t.data as Float32Array);
    data[0] = NaN;
    tensors.set(name, { ...t, data });
    writeSafetensors(file, tensors);
    expect(readFileSync(file).length).toBeGreaterThan(0);
    expectUserError(
      () => loadPeftModel(loadPretrained(dir), adapterDir),
      new RegExp(`adapter_model\\.safetensors: tensor '${name.replace(/\./g, '\\.')}': element 0 is NaN`),
    );
  });
});
