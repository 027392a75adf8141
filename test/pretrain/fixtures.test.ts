/**
 * The shipped base models (fixtures/models/*): they load as Hugging Face directories, have the
 * preset's shape and the shared tokenizer's layout, fit the size budget, and still reach the
 * held-out loss that PRETRAINING.md reports (measured again here on the validation split).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { corpusSplits } from '../../src/data/corpusSplit.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { readSafetensorsHeader } from '../../src/models/safetensors.ts';
import { loadTokenizer } from '../../src/models/tokenizers/index.ts';
import { joinDocuments, packCausal } from '../../src/pretrain/packing.ts';
import { meanLoss } from '../../src/pretrain/evaluate.ts';
import type { PretrainResult } from '../../src/pretrain/result.ts';
import { preset } from '../../src/pretrain/presets.ts';
import { buildSpanCorruptionExamples } from '../../src/pretrain/spanCorruption.ts';
import { SPECIAL_TOKENS, sentinelIds } from '../../src/pretrain/sharedTokenizer.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { peftLab } from '../helpers/cli.ts';
import { DATASETS, SHARED } from './helpers.ts';
import { needsShared, skipUnless } from '../helpers/skip.ts';

const ROOT = path.join(REPO_ROOT, 'fixtures/models');
const present = ['gpt2-micro', 't5-micro'].every((p) => existsSync(path.join(ROOT, p, 'model.safetensors')));

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((s, f) => {
    const p = path.join(dir, f);
    return s + (statSync(p).isDirectory() ? dirBytes(p) : statSync(p).size);
  }, 0);
}

describe('shipped base models (fixtures/models)', skipUnless(present, 'the micro base models are missing from fixtures/models'), () => {
  let validationTexts: string[] = [];

  beforeAll(async () => {
    await initBackend();
    // Only the held-out loss check reads the shared corpus.
    if (!SHARED) return;
    const { splits } = await corpusSplits('opus_books', { dataDir: DATASETS });
    validationTexts = splits.validation.slice(0, 300).flatMap((e) => [e.source, e.target]);
  }, 120_000);

  it('fit the 25 MB budget, tokenizers and loss curves included', () => {
    expect(dirBytes(ROOT)).toBeLessThanOrEqual(25 * 1024 * 1024);
  });

  for (const name of ['gpt2-micro', 't5-micro'] as const) {
    it(`${name}: the preset's config, F16 weights, the shared tokenizer layout`, () => {
      const dir = path.join(ROOT, name);
      const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      const expected = preset(name).config;
      for (const k of Object.keys(expected)) expect(config[k], k).toEqual(expected[k]);
      const header = readSafetensorsHeader(path.join(dir, 'model.safetensors'));
      expect(new Set([...header.tensors.values()].map((t) => t.dtype))).toEqual(new Set(['F16']));
      const tok = loadTokenizer(dir);
      expect(tok.vocabSize).toBe(8192);
      SPECIAL_TOKENS.forEach((t, i) => expect(tok.tokenToId(t), t).toBe(i));
      expect(sentinelIds((t) => tok.tokenToId(t))).toEqual(Array.from({ length: 100 }, (_, i) => 8191 - i));
    });

    it(`${name}: reaches the recorded held-out loss, well below the unigram entropy`, { ...needsShared(SHARED), timeout: 120_000 }, () => {
      const dir = path.join(ROOT, name);
      const recorded = JSON.parse(readFileSync(path.join(dir, 'pretrain_result.json'), 'utf8')) as PretrainResult;
      const tok = loadTokenizer(dir);
      const model = loadPretrained(dir);
      const eos = name === 'gpt2-micro' ? 5 : 1;
      const stream = joinDocuments(
        validationTexts.map((t) => tok.encode(t, { addSpecialTokens: false })),
        eos,
      );
      const examples =
        name === 'gpt2-micro'
          ? packCausal(stream, 128).slice(0, 16)
          : buildSpanCorruptionExamples(stream, { inputsLength: 128, sentinelIds: sentinelIds((t) => tok.tokenToId(t)), eosId: 1, seed: 7 }).slice(0, 16);
      const loss = meanLoss(model, examples, 8, 0);
      model.dispose();
      expect(loss).toBeLessThan(recorded.unigram_entropy - 1);
      // opus sentences only (the record mixes in Debian text), so allow some distance; T5's record is
      // per objective of its pretraining mixture, and this checks the span-corruption one
      const reference = recorded.heldout_loss_by_objective?.span_corruption ?? recorded.heldout_loss;
      expect(Math.abs(loss - reference)).toBeLessThan(1.0);
    });
  }

  it('gpt2-micro answers `peft-lab logits`', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'fixture-logits-')), 'input.json');
    writeFileSync(file, JSON.stringify({ input_ids: [[5, 464, 1000]] }));
    const r = peftLab(['logits', '--model', path.join(ROOT, 'gpt2-micro'), '--input', file]);
    expect(r.status, r.stderr).toBe(0);
    const logits = (JSON.parse(r.stdout) as { logits: number[][][] }).logits;
    expect([logits.length, logits[0]!.length, logits[0]![0]!.length]).toEqual([1, 3, 8192]);
  }, 120_000);
});
