import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeT5 } from '../../src/data/index.ts';
import { plainEncoder } from '../../src/experiment/data.ts';
import type { BaseModel } from '../../src/experiment/baseModels.ts';
import { blockCases, blockCaseSpec, casePeftConfig, mainPlan, type BlockPlan } from '../../src/experiment/blockSpec.ts';
import { methodCases, type MethodCase } from '../../src/experiment/methods.ts';
import { newsAvailable, newsBlocks, newsPlan } from '../../src/experiment/newsBlocks.ts';
import { MAIN_DECODING, PROFILES } from '../../src/experiment/profile.ts';
import { experimentDataDir, loadCorpus } from '../../src/experiment/taskCorpus.ts';
import { loadTokenizer } from '../../src/models/tokenizers/index.ts';
import { experimentKey, type ExperimentRunSpec } from '../../src/experiment/run.ts';
import { FIXTURE_MODELS, isModelDir } from '../../src/experiment/baseModels.ts';
import { templateTokenIds } from '../../src/experiment/templateTokens.ts';

/*
 * The news blocks' specs: which corpus each trains on and which it scores, the article truncation and
 * lengths the profile gives, the ids that keep them apart from the main block, and cache keys that
 * tell a transfer result from a few-shot one. Nothing is trained or loaded: the data folder holds
 * placeholder files under the shared file names.
 */

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'peft-news-spec-'));
for (const f of ['debian-descriptions.jsonl', 'cnn_dailymail-sample.jsonl', 'xsum-sample.jsonl'])
  writeFileSync(path.join(dataDir, f), `{"placeholder": "${f}"}\n`);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const standard = PROFILES.standard;
const model: BaseModel = { family: 'gpt2', dir: FIXTURE_MODELS.gpt2, name: 'gpt2-micro', origin: 'fixture', random_init: false };
const demoCase: MethodCase = { case: 'demo-r2', method: 'demo', label: 'demo r=2', peft_config: { r: 2 }, learning_rate: 1e-3, hyperparameters: { r: 2 } };

/** A case's spec in `plan`; 'base' for the untuned base. */
function spec(plan: BlockPlan, which: MethodCase | 'base' = demoCase): ExperimentRunSpec {
  const c = which === 'base' ? undefined : which;
  return blockCaseSpec({ task: 'summarization', family: 'gpt2', profile: standard, plan, c, order: 1, model, peftConfig: { ...(c?.peft_config ?? {}) } });
}

describe('news blocks', () => {
  it('are the two settings on each dataset, with distinct ids', () => {
    const ids = newsBlocks().map((b) => newsPlan(b, standard, dataDir).block!.id);
    expect(ids).toEqual(['news-transfer-cnn_dailymail', 'news-few_shot-cnn_dailymail', 'news-transfer-xsum', 'news-few_shot-xsum']);
  });

  it('few-shot CNN/DM trains and scores on cnn_dailymail with the news truncation and CNN/DM lengths', () => {
    const plan = newsPlan({ setting: 'few_shot', dataset: 'cnn_dailymail' }, standard, dataDir);
    expect(plan.block).toEqual({
      id: 'news-few_shot-cnn_dailymail',
      title: 'CNN/DailyMail · few-shot',
      setting: 'few_shot',
      train_dataset: 'cnn_dailymail',
      eval_dataset: 'cnn_dailymail',
    });
    expect(plan.data).toEqual({
      name: 'cnn_dailymail',
      dataDir,
      train_examples: 240,
      validation_examples: 16,
      test_examples: 64,
      max_length: 256,
      max_target_length: 128,
    });
    const s = spec(plan);
    expect(s.id).toBe('summarization/gpt2/news-few_shot-cnn_dailymail/demo-r2');
    expect(s.block).toBe(plan.block);
    expect(s.decoding).toEqual({ ...MAIN_DECODING.summarization, max_new_tokens: 96 });
    expect(s.training_args).toMatchObject({ max_steps: 60, per_device_train_batch_size: 16, learning_rate: 1e-3 });
  });

  it('transfer to XSum trains on the Debian corpus with its budget and scores the xsum test split', () => {
    const plan = newsPlan({ setting: 'transfer', dataset: 'xsum' }, standard, dataDir);
    const debian = standard.sizes.summarization;
    expect(plan.block).toMatchObject({ title: 'XSum · transfer from debian-descriptions', train_dataset: 'debian-descriptions', eval_dataset: 'xsum' });
    expect(plan.data).toMatchObject({
      name: 'debian-descriptions',
      eval_name: 'xsum',
      train_examples: debian.train_examples,
      max_length: 256,
      test_examples: 64,
    });
    // T5 is trained on synopses: their target length; decoding writes an XSum-length summary.
    expect(plan.data.max_target_length).toBe(debian.max_target_length);
    expect([plan.max_steps, plan.batch_size, plan.max_new_tokens]).toEqual([debian.max_steps, debian.batch_size, 48]);
  });

  it("transfer scores the Debian block's trained case: the same spec, so the same cache entry", () => {
    const toXsum = newsPlan({ setting: 'transfer', dataset: 'xsum' }, standard, dataDir);
    expect(spec(toXsum).trained_by).toEqual(spec(mainPlan('summarization', standard, dataDir)));
    // The untuned base trains nothing; few-shot trains its own.
    expect(spec(toXsum, 'base').trained_by).toBeUndefined();
    expect(spec(newsPlan({ setting: 'few_shot', dataset: 'xsum' }, standard, dataDir)).trained_by).toBeUndefined();
  });

  it('leave the main block as it was: no block path, no evaluation corpus', () => {
    const s = spec(mainPlan('summarization', standard, dataDir), 'base');
    expect(s.id).toBe('summarization/gpt2/base');
    expect(s.block).toBeUndefined();
    expect(s.data.eval_name).toBeUndefined();
    expect(s.data).toMatchObject({ name: 'debian-descriptions', max_length: standard.sizes.summarization.max_length });
  });

  it('run only where the data folder holds the sample', () => {
    expect(newsAvailable('xsum', dataDir)).toBe(true);
    expect(newsAvailable('xsum', null)).toBe(false);
    expect(newsAvailable('cnn_dailymail', os.tmpdir())).toBe(false);
  });

  it.skipIf(!isModelDir(FIXTURE_MODELS.gpt2))('key the cache on the evaluation corpus and its bytes', async () => {
    const fewShot = spec(newsPlan({ setting: 'few_shot', dataset: 'xsum' }, standard, dataDir));
    const toXsum = spec(newsPlan({ setting: 'transfer', dataset: 'xsum' }, standard, dataDir));
    const toCnn = spec(newsPlan({ setting: 'transfer', dataset: 'cnn_dailymail' }, standard, dataDir));
    const { eval_name: _e, ...onDebian } = toXsum.data;
    const keys = await Promise.all([fewShot, toXsum, toCnn, { ...toXsum, data: onDebian }].map(experimentKey));
    expect(new Set(keys).size).toBe(4);
    // Same spec, other bytes in the evaluation corpus: another key.
    writeFileSync(path.join(dataDir, 'xsum-sample.jsonl'), '{"placeholder": "changed"}\n');
    expect(await experimentKey(toXsum)).not.toBe(keys[1]);
    expect(await experimentKey(toCnn)).toBe(keys[2]);
  });
});

describe('a case peft_config in every block', () => {
  const withTokens: MethodCase = { ...demoCase, train_template_tokens: true };

  it.skipIf(!isModelDir(FIXTURE_MODELS.gpt2))('trains the template tokens on a decoder-only base when the case asks', () => {
    const ids = templateTokenIds(FIXTURE_MODELS.gpt2, null)!;
    expect(ids.length).toBeGreaterThan(0);
    expect(casePeftConfig(withTokens, { dir: FIXTURE_MODELS.gpt2 })).toEqual({ r: 2, trainable_token_indices: ids });
    expect(casePeftConfig(demoCase, { dir: FIXTURE_MODELS.gpt2 })).toEqual({ r: 2 });
    expect(casePeftConfig(undefined, { dir: FIXTURE_MODELS.gpt2 })).toEqual({});
    // The case's own config is not changed.
    expect(withTokens.peft_config).toEqual({ r: 2 });
  });

  it.skipIf(!isModelDir(FIXTURE_MODELS.t5))('leaves an encoder-decoder base without template tokens', () => {
    expect(casePeftConfig(withTokens, { dir: FIXTURE_MODELS.t5 })).toEqual({ r: 2 });
  });

  it('points prompt tuning TEXT init at the base model tokenizer', () => {
    const text: MethodCase = { ...demoCase, peft_config: { prompt_tuning_init: 'TEXT' } };
    expect(casePeftConfig(text, { dir: '/models/x' })).toEqual({ prompt_tuning_init: 'TEXT', tokenizer_name_or_path: '/models/x' });
  });
});

describe('the cases of a news block', () => {
  const smoke = PROFILES.smoke;
  const caseIds = (profile: typeof smoke, plan: BlockPlan) => blockCases('summarization', 't5', profile, plan).map((c) => c.case);

  it('are the reference cases only in the smoke profile (LoRA r=8 α=16 and full fine-tuning), in grid order', () => {
    for (const b of newsBlocks()) {
      const plan = newsPlan(b, smoke, dataDir);
      expect(plan.cases).toBe('reference');
      expect(caseIds(smoke, plan)).toEqual(['lora-r8-a16', 'full']);
    }
  });

  it("are each method's main setting in the standard profile, the whole grid in the full profile and the standard main block", () => {
    const every = methodCases('summarization', 't5', standard, standard.news.few_shot.max_steps);
    const mains = every.filter((c) => !c.grid_point).map((c) => c.case);
    expect(mains.length).toBeGreaterThan(10);
    expect(mains.length).toBeLessThan(every.length);
    const plan = newsPlan({ setting: 'few_shot', dataset: 'xsum' }, standard, dataDir);
    expect(plan.cases).toBe('main');
    expect(caseIds(standard, plan)).toEqual(mains);
    expect(newsPlan({ setting: 'transfer', dataset: 'xsum' }, PROFILES.full, dataDir).cases).toBeUndefined();
    const standardMain = mainPlan('summarization', standard, dataDir);
    expect(caseIds(standard, standardMain)).toEqual(methodCases('summarization', 't5', standard).map((c) => c.case));
  });

  it("are each method's main setting in the smoke profile's main block (CI time)", () => {
    const main = mainPlan('summarization', smoke, dataDir);
    expect(main.cases).toBe('main');
    expect(caseIds(smoke, main)).toEqual(
      methodCases('summarization', 't5', smoke)
        .filter((c) => !c.grid_point)
        .map((c) => c.case),
    );
  });
});

describe('the grid of every method in the standard profile', () => {
  const cases = methodCases('translation', 'gpt2', standard);
  const methods = [...new Set(cases.map((c) => c.method))];

  it('has its main setting and at least one further point, one of them at another learning rate', () => {
    expect(methods).toEqual(expect.arrayContaining(['lora', 'qlora', 'adalora', 'ia3', 'prompt_tuning', 'prefix_tuning', 'p_tuning', 'full']));
    for (const m of methods) {
      const own = cases.filter((c) => c.method === m);
      expect(own.filter((c) => !c.grid_point).length, m).toBeGreaterThan(0);
      expect(own.filter((c) => c.grid_point).length, m).toBeGreaterThan(0);
      expect(new Set(own.map((c) => c.learning_rate)).size, m).toBeGreaterThan(1);
    }
  });

  it('has unique case ids, and a grid point is never a reference case', () => {
    expect(new Set(cases.map((c) => c.case)).size).toBe(cases.length);
    expect(cases.filter((c) => c.grid_point && c.reference)).toEqual([]);
    expect(cases.find((c) => c.case === 'lora-r8-a16-lr2.5e-3')).toMatchObject({ learning_rate: 2.5e-3, hyperparameters: { r: 8, alpha: 16, lr: 2.5e-3 } });
  });

  it('varies the structural setting each method is known by', () => {
    const ids = cases.map((c) => c.case);
    expect(ids).toEqual(
      expect.arrayContaining([
        'qlora-r16-a32',
        'adalora-r6-t4',
        'ia3',
        'ia3-all-tokens',
        'prompt_tuning-10',
        'prompt_tuning-20-random',
        'prefix_tuning-10',
        'p_tuning-10',
      ]),
    );
  });
});

describe('the news summaries T5 is fine-tuned on in few-shot blocks', () => {
  const shared = experimentDataDir();
  const ready = isModelDir(FIXTURE_MODELS.t5) && newsAvailable('cnn_dailymail', shared) && newsAvailable('xsum', shared);

  // T5 drops a pair whose target is longer than max_target_length: too short a length leaves a
  // few-shot block with a handful of training pairs and no held-out loss at all.
  it.skipIf(!ready)('fit max_target_length in every profile: most training pairs and held-out pairs are kept', async () => {
    const tok = loadTokenizer(FIXTURE_MODELS.t5);
    const eos = tok.tokenToId('</s>');
    for (const profile of Object.values(PROFILES))
      for (const dataset of ['cnn_dailymail', 'xsum'] as const) {
        const { data } = newsPlan({ setting: 'few_shot', dataset }, profile, shared);
        const { splits } = await loadCorpus(dataset, shared);
        const encoded = (examples: typeof splits.train) =>
          encodeT5(examples, plainEncoder(tok), { maxSourceLength: data.max_length, maxTargetLength: data.max_target_length, eosTokenId: eos }).stats;
        const train = encoded(splits.train.slice(0, data.train_examples));
        const validation = encoded(splits.validation.slice(0, data.validation_examples));
        const where = `${profile.name} ${dataset}: train ${JSON.stringify(train)}, validation ${JSON.stringify(validation)}`;
        expect(train.encoded, where).toBeGreaterThanOrEqual(0.75 * train.examples);
        expect(validation.encoded, where).toBeGreaterThanOrEqual(0.5 * validation.examples);
      }
  });
});
