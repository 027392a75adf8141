import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { loadTokenizer } from '../../src/models/tokenizers/index.ts';
import { readSafetensorsHeader } from '../../src/models/safetensors.ts';
import { CORPUS_SPLIT } from '../../src/data/corpusSplit.ts';
import type { PretrainCorpus, PretrainDocument } from '../../src/pretrain/corpus.ts';
import { runPretraining } from '../../src/pretrain/pretrain.ts';
import type { PretrainResult } from '../../src/pretrain/result.ts';
import { WallClockCosine } from '../../src/pretrain/schedule.ts';
import { trainSharedTokenizer, writeTokenizerFiles } from '../../src/pretrain/sharedTokenizer.ts';
import { peftLab } from '../helpers/cli.ts';
import { corpusLines, SHARED } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

const VOCAB = 700;
const GOLDEN = path.join(SHARED ?? '', 'golden/models');
const keysOf = (file: string) => Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort();

function tinyCorpus(): PretrainCorpus {
  const { train, heldOut } = corpusLines(300, 40);
  const docs = (texts: string[]): PretrainDocument[] =>
    texts.map((text, i) => ({ text, lang: i % 2 ? 'ru' : 'en', origin: i % 2 ? 'opus_books:ru' : 'opus_books:en' }));
  return { train: docs(train), validation: docs(heldOut), sources: [], droppedSentences: 0, droppedDocuments: 0, split: CORPUS_SPLIT };
}

describe('peft-lab pretrain on tiny configs', needsShared(SHARED), () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pretrain-'));
  const tokDir = path.join(root, 'tokenizer');
  const corpus = tinyCorpus();
  const common = { tokenizerDir: tokDir, dataDir: root, corpus, maxSteps: 4, batchSize: 4, evalSequences: 4, evalSteps: 2, saveSteps: 2, quiet: true };
  const gpt2Dir = path.join(root, 'gpt2');
  const t5Dir = path.join(root, 't5');
  let gpt2: PretrainResult;
  let t5: PretrainResult;

  beforeAll(async () => {
    await initBackend();
    writeTokenizerFiles(
      tokDir,
      'gpt2',
      trainSharedTokenizer(
        corpus.train.map((d) => d.text),
        { vocabSize: VOCAB },
      ),
      1024,
    );
    gpt2 = await runPretraining({
      ...common,
      preset: 'gpt2-micro',
      outDir: gpt2Dir,
      workDir: path.join(root, 'work-gpt2'),
      configOverrides: { n_layer: 1, n_embd: 32, n_head: 2, vocab_size: VOCAB },
    });
    t5 = await runPretraining({
      ...common,
      preset: 't5-micro',
      outDir: t5Dir,
      workDir: path.join(root, 'work-t5'),
      // Half prefix-LM examples, half span corruption: the mixture of --prefix-lm-rate's default.
      prefixLmRate: 0.5,
      configOverrides: { d_model: 32, d_kv: 8, num_heads: 2, d_ff: 64, num_layers: 1, num_decoder_layers: 1, vocab_size: VOCAB },
    });
  }, 300_000);

  it('writes config.json with the keys transformers writes (golden tiny models), F16 and shipping dropout', () => {
    expect(keysOf(path.join(gpt2Dir, 'config.json'))).toEqual(keysOf(path.join(GOLDEN, 'tiny-gpt2/config.json')));
    expect(keysOf(path.join(t5Dir, 'config.json'))).toEqual(keysOf(path.join(GOLDEN, 'tiny-t5/config.json')));
    expect(keysOf(path.join(gpt2Dir, 'generation_config.json'))).toEqual(keysOf(path.join(GOLDEN, 'tiny-gpt2/generation_config.json')));
    expect(keysOf(path.join(t5Dir, 'generation_config.json'))).toEqual(keysOf(path.join(GOLDEN, 'tiny-t5/generation_config.json')));
    const g = JSON.parse(readFileSync(path.join(gpt2Dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(g).toMatchObject({
      torch_dtype: 'float16',
      vocab_size: VOCAB,
      bos_token_id: 5,
      eos_token_id: 5,
      pad_token_id: 0,
      resid_pdrop: 0.1,
      n_positions: 256,
    });
    const t = JSON.parse(readFileSync(path.join(t5Dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(t).toMatchObject({
      torch_dtype: 'float16',
      vocab_size: VOCAB,
      pad_token_id: 0,
      eos_token_id: 1,
      decoder_start_token_id: 0,
      dropout_rate: 0,
      feed_forward_proj: 'relu',
    });
  });

  it('stores every tensor once, as F16, under its transformers name (tied weights not repeated)', () => {
    const g = readSafetensorsHeader(path.join(gpt2Dir, 'model.safetensors'));
    expect([...g.tensors.values()].every((t) => t.dtype === 'F16')).toBe(true);
    expect(g.metadata).toEqual({ format: 'pt' });
    expect(g.tensors.has('transformer.wte.weight')).toBe(true);
    expect(g.tensors.has('lm_head.weight')).toBe(false);
    const t = readSafetensorsHeader(path.join(t5Dir, 'model.safetensors'));
    expect([...t.tensors.keys()].filter((k) => k.includes('embed_tokens') || k === 'lm_head.weight')).toEqual([]);
    expect(t.tensors.get('shared.weight')!.shape).toEqual([VOCAB, 32]);
  });

  it('trains: the loss falls, the held-out loss is measured on the shipped F16 weights', () => {
    for (const r of [gpt2, t5]) {
      expect(r.steps).toBe(4);
      expect(r.heldout_loss).toBeGreaterThan(0);
    }
    // T5's batches mix two objectives of different difficulty, so its step losses are not comparable.
    expect(gpt2.final_train_loss).toBeLessThan(gpt2.first_loss);
    expect(t5.objective).toMatchObject({ type: 'span_corruption+prefix_lm', prefix_lm_rate: 0.5 });
    expect(gpt2.samples).toHaveLength(4);
    expect(t5.samples).toHaveLength(7); // 4 span fills, 2 prefix-LM continuations, 1 denoised sentence
    expect(Object.keys(t5.heldout_loss_by_objective ?? {}).sort()).toEqual(['prefix_lm', 'span_corruption']);
    const log = readFileSync(path.join(gpt2Dir, 'pretrain_loss.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; loss?: number; eval_loss?: number });
    expect(log.filter((e) => e.loss !== undefined).map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(log.filter((e) => e.eval_loss !== undefined).map((e) => e.step)).toEqual([2, 4]);
  });

  it('loads with loadPretrained + loadTokenizer, and `peft-lab logits` gives the same logits', () => {
    const cases: { dir: string; input: { input_ids: number[][]; decoder_input_ids?: number[][] } }[] = [
      { dir: gpt2Dir, input: { input_ids: [[5, 100, 200, 300]] } },
      { dir: t5Dir, input: { input_ids: [[100, 200, 300, 1]], decoder_input_ids: [[0, VOCAB - 1, 150]] } },
    ];
    for (const { dir, input } of cases) {
      const model = loadPretrained(dir);
      const tok = loadTokenizer(dir);
      expect(tok.vocabSize).toBe(model.vocabSize);
      const ours = tf.tidy(() =>
        model
          .forward({
            inputIds: tf.tensor2d(input.input_ids, undefined, 'int32'),
            decoderInputIds: input.decoder_input_ids ? tf.tensor2d(input.decoder_input_ids, undefined, 'int32') : undefined,
          })
          .logits.arraySync(),
      ) as number[][][];
      model.dispose();
      const file = path.join(root, `${path.basename(dir)}-input.json`);
      writeFileSync(file, JSON.stringify(input));
      const r = peftLab(['logits', '--model', dir, '--input', file]);
      expect(r.status, r.stderr).toBe(0);
      const cli = (JSON.parse(r.stdout) as { logits: number[][][] }).logits;
      const positions = (input.decoder_input_ids ?? input.input_ids)[0]!.length;
      expect([cli.length, cli[0]!.length, cli[0]![0]!.length]).toEqual([1, positions, VOCAB]);
      const flat = (a: number[][][]) => a.flat(2);
      const diff = Math.max(...flat(cli).map((x, i) => Math.abs(x - flat(ours)[i]!)));
      expect(diff).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('--resume reuses the saved plan and continues from the last checkpoint', async () => {
    const again = await runPretraining({
      ...common,
      maxSteps: 99, // ignored: the plan in the work folder wins
      preset: 'gpt2-micro',
      outDir: path.join(root, 'gpt2-again'),
      workDir: path.join(root, 'work-gpt2'),
      configOverrides: { n_layer: 1, n_embd: 32, n_head: 2, vocab_size: VOCAB },
      resume: true,
    });
    expect(again.steps).toBe(4);
    expect(again.resumed_from).toMatch(/checkpoint-4$/);
    expect(again.heldout_loss).toBeCloseTo(gpt2.heldout_loss, 5);
  }, 120_000);

  it('--init-from starts a new stage from a finished model (not from a fresh initialisation)', async () => {
    // With a negligible learning rate the new stage must write back exactly the weights it started from.
    const stage2 = await runPretraining({
      ...common,
      maxSteps: 1,
      learningRate: 1e-12,
      seed: 43,
      preset: 'gpt2-micro',
      outDir: path.join(root, 'gpt2-stage2'),
      workDir: path.join(root, 'work-gpt2-stage2'),
      configOverrides: { n_layer: 1, n_embd: 32, n_head: 2, vocab_size: VOCAB },
      initFrom: gpt2Dir,
    });
    expect(stage2.init_from).toBe(gpt2Dir);
    // Equal as numbers, not as bytes: a weight stored as ±0 that gets a 1e-12 step rounds back to a
    // zero whose sign is that of the step, which depends on the kernel path (AVX-512, AVX2, generic).
    const stage2Bytes = readFileSync(path.join(root, 'gpt2-stage2', 'model.safetensors'));
    const stage1Bytes = readFileSync(path.join(gpt2Dir, 'model.safetensors'));
    expect(stage2Bytes.length).toBe(stage1Bytes.length);
    const differing: number[] = [];
    for (let i = 0; i < stage1Bytes.length; i += 2) {
      const a = stage2Bytes.readUInt16LE(i);
      const b = stage1Bytes.readUInt16LE(i);
      if (a !== b && (a | b) !== 0x8000) differing.push(i);
    }
    expect(differing).toEqual([]);
    expect(stage2.heldout_loss).toBeCloseTo(gpt2.heldout_loss, 6);
    await expect(
      runPretraining({
        ...common,
        preset: 't5-micro',
        outDir: path.join(root, 'bad'),
        workDir: path.join(root, 'work-bad'),
        initFrom: gpt2Dir,
        configOverrides: { d_model: 32, d_kv: 8, num_heads: 2, d_ff: 64, num_layers: 1, num_decoder_layers: 1, vocab_size: VOCAB },
      }),
    ).rejects.toThrow(/--init-from .*no weight 'shared.weight'/);
  }, 120_000);
});

describe('the wall-clock cosine schedule of --minutes', () => {
  it('warms up by steps, then decays with training time to 0 at the budget', () => {
    const s = new WallClockCosine(2e-3, 40, 1000);
    expect(s.lrAt(0, 0)).toBe(0);
    expect(s.lrAt(20, 10)).toBeCloseTo(1e-3, 12);
    expect(s.lrAt(40, 0)).toBeCloseTo(2e-3, 12);
    expect(s.lrAt(500, 500)).toBeCloseTo(1e-3, 12);
    expect(s.lrAt(900, 1000)).toBeCloseTo(0, 12);
    expect(s.lrAt(900, 5000)).toBeCloseTo(0, 12);
  });
});
