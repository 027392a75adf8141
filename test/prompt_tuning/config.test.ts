import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { loadTokenizer } from '../../src/models/tokenizers/load.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { UserError } from '../../src/util/errors.ts';
import { sharedDir } from '../../src/util/paths.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { baseModel, NEEDS_TINY_BASES } from './promptGolden.ts';
import { needsShared } from '../helpers/skip.ts';

const bases: Record<string, LanguageModel> = {};
beforeAll(async () => {
  await initBackend();
  bases.gpt2 = baseModel('tiny-gpt2');
  bases.t5 = baseModel('tiny-t5');
});
afterAll(() => Object.values(bases).forEach((b) => b.dispose()));

const tokenizerDir = (name: string) => (sharedDir() ? path.join(sharedDir()!, 'tokenizers', name) : undefined);

/** The prompt table's rows and the word-embedding rows of `ids`. */
function rowsOf(model: ReturnType<typeof getPeftModel>, base: LanguageModel, ids: number[]) {
  const table = model.adapter.stateDict().get('prompt_embeddings')!;
  const [rows, C] = table.shape as [number, number];
  const words = base
    .namedParameters()
    .find(([n]) => n === 'transformer.wte.weight' || n === 'shared.weight')![1]
    .dataSync();
  const want = ids.flatMap((id) => Array.from(words.subarray(id * C, (id + 1) * C)));
  const got = table.dataSync().slice();
  table.dispose();
  return { rows, got, want };
}

describe('prompt tuning initialisation', NEEDS_TINY_BASES, () => {
  it("TEXT (GPT-2 tokenizer): the rows are the embeddings of the text's tokens, repeated to num_virtual_tokens", needsShared(tokenizerDir('gpt2')), () => {
    const dir = tokenizerDir('gpt2')!;
    const text = 'in the of and';
    const ids = loadTokenizer(dir).encode(text);
    expect(ids.every((i) => i < 1000)).toBe(true);
    const model = getPeftModel(bases.gpt2!, 'prompt_tuning', {
      num_virtual_tokens: ids.length + 2,
      prompt_tuning_init: 'TEXT',
      prompt_tuning_init_text: text,
      tokenizer_name_or_path: dir,
    });
    const expected = Array.from({ length: ids.length + 2 }, (_, i) => ids[i % ids.length]!);
    const { got, want } = rowsOf(model, bases.gpt2!, expected);
    expect(maxAbsDiff(got, want)).toBe(0);
    model.adapter.dispose();
  });

  it('TEXT (T5 SentencePiece): tokens include </s>; the table has 2·num_virtual_tokens rows, cut from the text', needsShared(tokenizerDir('t5')), () => {
    const dir = tokenizerDir('t5')!;
    const text = 'in the of and';
    const ids = loadTokenizer(dir).encode(text);
    expect(ids.at(-1)).toBe(1);
    const model = getPeftModel(bases.t5!, 'prompt_tuning', {
      num_virtual_tokens: 2,
      prompt_tuning_init: 'TEXT',
      prompt_tuning_init_text: text,
      tokenizer_name_or_path: dir,
    });
    const { rows, got, want } = rowsOf(model, bases.t5!, ids.slice(0, 4));
    expect(rows).toBe(4);
    expect(maxAbsDiff(got, want)).toBe(0);
    model.adapter.dispose();
  });

  it("TEXT with token ids outside the model's vocabulary is refused", needsShared(tokenizerDir('gpt2')), () => {
    const dir = tokenizerDir('gpt2')!;
    const make = () =>
      getPeftModel(bases.gpt2!, 'prompt_tuning', {
        num_virtual_tokens: 3,
        prompt_tuning_init: 'TEXT',
        prompt_tuning_init_text: 'Hello world, tokenizers',
        tokenizer_name_or_path: dir,
      });
    expect(make).toThrow(UserError);
    expect(make).toThrow(/outside the model's vocabulary of 1000/);
  });

  it('SAMPLE_VOCAB: every row is the embedding of some vocabulary token', () => {
    const model = getPeftModel(bases.gpt2!, 'prompt_tuning', { num_virtual_tokens: 6, prompt_tuning_init: 'SAMPLE_VOCAB' }, { seed: 3 });
    const { rows, got } = rowsOf(model, bases.gpt2!, []);
    const C = got.length / rows;
    const words = bases
      .gpt2!.namedParameters()
      .find(([n]) => n === 'transformer.wte.weight')![1]
      .dataSync();
    for (let r = 0; r < rows; r++) {
      const row = got.subarray(r * C, (r + 1) * C);
      const hit = Array.from({ length: 1000 }, (_, id) => id).find((id) => maxAbsDiff(row, words.subarray(id * C, (id + 1) * C)) === 0);
      expect(hit, `row ${r}`).toBeDefined();
    }
    model.adapter.dispose();
  });

  it("RANDOM: N(0, 1) as torch's nn.Embedding, and seeded", () => {
    const a = getPeftModel(bases.gpt2!, 'prompt_tuning', { num_virtual_tokens: 60 }, { seed: 1 });
    const b = getPeftModel(bases.gpt2!, 'prompt_tuning', { num_virtual_tokens: 60 }, { seed: 1 });
    const va = Array.from(a.trainableParameters()[0]![1].dataSync());
    const vb = b.trainableParameters()[0]![1].dataSync();
    expect(maxAbsDiff(va, vb)).toBe(0);
    const mean = va.reduce((s, v) => s + v, 0) / va.length;
    const std = Math.sqrt(va.reduce((s, v) => s + (v - mean) ** 2, 0) / va.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(std - 1)).toBeLessThan(0.06);
    a.adapter.dispose();
    b.adapter.dispose();
  });
});

describe('config errors name the field and what is valid', NEEDS_TINY_BASES, () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['gpt2', 'prompt_tuning', {}, /'num_virtual_tokens' is required/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 0 }, /'num_virtual_tokens' must be an integer >= 1/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, num_virtual_token: 3 }, /unknown field\(s\) "num_virtual_token"/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, token_dim: 32 }, /'token_dim' must equal the model's hidden size 64/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, num_transformer_submodules: 2 }, /'num_transformer_submodules' must be 1 for the decoder-only/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, prompt_tuning_init: 'text' }, /'prompt_tuning_init' must be one of "RANDOM", "TEXT", "SAMPLE_VOCAB"/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'x' }, /needs 'tokenizer_name_or_path'/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, prompt_tuning_init: 'TEXT', tokenizer_name_or_path: 'gpt2' }, /needs 'prompt_tuning_init_text'/],
    ['gpt2', 'prompt_tuning', { num_virtual_tokens: 4, tokenizer_kwargs: { use_fast: true } }, /'tokenizer_kwargs' is only valid with/],
    ['t5', 'prompt_tuning', { num_virtual_tokens: 4, num_transformer_submodules: 3 }, /must be 1 or 2/],
    ['gpt2', 'prefix_tuning', { num_virtual_tokens: 4, num_attention_heads: 8 }, /'num_attention_heads' must equal the model's 4 attention heads/],
    ['gpt2', 'prefix_tuning', { num_virtual_tokens: 4, num_layers: 1 }, /'num_layers' must be at least the 2 layers that take a prefix/],
    ['t5', 'prefix_tuning', { num_virtual_tokens: 4, num_transformer_submodules: 1 }, /must be 2 for the encoder-decoder/],
    ['gpt2', 'prefix_tuning', { num_virtual_tokens: 4, prefix_projection: 'yes' }, /'prefix_projection' must be true or false/],
    ['gpt2', 'p_tuning', { num_virtual_tokens: 4, encoder_reparameterization_type: 'GRU' }, /must be one of "MLP", "LSTM"/],
    ['gpt2', 'p_tuning', { num_virtual_tokens: 4, encoder_dropout: 2 }, /'encoder_dropout' must be a number >= 0 <= 1/],
  ];
  for (const [base, plugin, config, message] of cases)
    it(`${plugin} ${JSON.stringify(config)}`, () => {
      const make = () => getPeftModel(bases[base]!, plugin, config);
      expect(make).toThrow(UserError);
      expect(make).toThrow(message);
    });
});

describe('loading saved adapters', NEEDS_TINY_BASES, () => {
  it('P-tuning and prefix projection save only the encoder output: loading them as trainable is refused', () => {
    for (const [plugin, config] of [
      ['p_tuning', { num_virtual_tokens: 3, encoder_hidden_size: 8 }],
      ['prefix_tuning', { num_virtual_tokens: 3, prefix_projection: true, encoder_hidden_size: 8 }],
    ] as const) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-prompt-load-'));
      try {
        const model = getPeftModel(bases.gpt2!, plugin, config);
        savePeftModel(model, dir);
        model.adapter.dispose();
        expect(() => loadPeftModel(bases.gpt2!, dir, { isTrainable: true })).toThrow(/holds only its encoder's output/);
        const inference = loadPeftModel(bases.gpt2!, dir);
        expect(inference.trainableParameters().map(([n]) => n)).toEqual(['prompt_encoder.default.embedding.weight']);
        inference.adapter.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('prompt tuning reloads as trainable; a table of the wrong size is refused with both shapes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-prompt-load-'));
    try {
      const model = getPeftModel(bases.gpt2!, 'prompt_tuning', { num_virtual_tokens: 3 }, { seed: 2 });
      savePeftModel(model, dir);
      const again = loadPeftModel(bases.gpt2!, dir, { isTrainable: true });
      expect(maxAbsDiff(again.trainableParameters()[0]![1].dataSync(), model.trainableParameters()[0]![1].dataSync())).toBe(0);
      const other = getPeftModel(bases.gpt2!, 'prompt_tuning', { num_virtual_tokens: 4 });
      expect(() => other.adapter.loadStateDict(model.adapter.stateDict(), 'saved')).toThrow(
        /'prompt_embeddings' has shape \[3,64\], this config expects \[4,64\]/,
      );
      for (const m of [model, again, other]) m.adapter.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
