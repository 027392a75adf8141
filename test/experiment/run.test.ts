import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { buildSmokeModel, type BaseModel } from '../../src/experiment/baseModels.ts';
import { loadCorpus } from '../../src/experiment/taskCorpus.ts';
import { PROFILES, type Profile } from '../../src/experiment/profile.ts';
import { experimentKey, runExperiment, type ExperimentRunSpec } from '../../src/experiment/run.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { peftLab } from '../helpers/cli.ts';
import { taskFlag } from '../../src/cli/commands/predict.ts';

/*
 * runExperiment end to end on tiny random-init models built from the presets (synthetic data, a few
 * steps): what it records, the cache (hit, fresh, key), determinism, the saved adapter, and that
 * `peft-lab predict` on the saved adapter reproduces the experiment's outputs exactly and
 * `peft-lab evaluate` its scores.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-exp-'));
const TINY: Profile = { ...PROFILES.smoke, smoke_model: { vocab_size: 400, layers: 1, width: 32, heads: 2, tokenizer_texts: 400 } };
const models: Record<'gpt2' | 't5', BaseModel> = {} as never;

beforeAll(async () => {
  await initBackend();
  for (const family of ['gpt2', 't5'] as const) {
    const dir = await buildSmokeModel(family, TINY, null, path.join(tmp, 'models'));
    models[family] = { family, dir, name: path.basename(dir), origin: 'built', random_init: true };
  }
}, 120_000);

function spec(family: 'gpt2' | 't5', method: string, peft: Record<string, unknown> = {}): ExperimentRunSpec {
  return {
    id: `translation/${family}/${method}`,
    order: 1,
    label: method,
    hyperparameters: {},
    task: 'translation',
    profile: 'test',
    model: models[family],
    data: { name: 'synthetic:translation', dataDir: null, train_examples: 32, validation_examples: 4, test_examples: 6, max_length: 48, max_target_length: 24 },
    method,
    peft_config: peft,
    training_args: { max_steps: 3, per_device_train_batch_size: 4, learning_rate: 5e-3, logging_steps: 1 },
    seed: 7,
    decoding: { strategy: 'greedy', max_new_tokens: 6 },
    evaluation: { bootstrap_samples: 50, examples_shown: 2, generation_batch_size: 8 },
  };
}

const runsDir = path.join(tmp, 'runs');

describe('runExperiment', () => {
  it('records params, training, inference, quality with CIs, errors and examples; saves the adapter', async () => {
    const base = await runExperiment(spec('gpt2', 'base'), { runsDir });
    const o = await runExperiment(spec('gpt2', 'lora', { r: 4, lora_alpha: 8 }), { runsDir, baseline: base });
    const r = o.result;
    expect(r.cached).toBe(false);
    expect(r.params.trainable).toBe(r.params.expected_trainable);
    expect(r.params.trainable).toBe(4 * (32 + 96)); // one c_attn layer: r·(d_in + d_out)
    expect(r.training!.steps).toBe(3);
    expect(r.training!.loss_curve).toHaveLength(3);
    expect(r.training!.batch_size).toBe(4);
    expect(r.training!.peak_tensor_mb).toBeGreaterThan(0);
    // The peak by part: AdamW's two moments per trainable float32 weight, and parts that add up to the peak.
    const memory = r.training!.memory!;
    expect(memory.peak_mb).toBe(r.training!.peak_tensor_mb);
    expect(memory.optimizer_mb * 2 ** 20).toBe(2 * 4 * r.params.trainable);
    expect(memory.weights_mb + memory.optimizer_mb + memory.other_mb + memory.activations_mb).toBeCloseTo(memory.peak_mb, 9);
    expect(r.training!.eval_loss).not.toBeNull();
    expect(r.training!.eval_loss_before).not.toBeNull();
    expect(r.inference.new_tokens).toBeGreaterThan(0);
    expect(r.inference.tokens_per_s).toBeGreaterThan(0);
    // What else used the CPU while each was timed, for the report to tell idle-machine speeds apart.
    for (const m of [r.training!.machine_load!, r.inference.machine_load!]) {
      expect(m.cores).toBe(os.cpus().length);
      expect(m.others_cpu_share).toBeGreaterThanOrEqual(0);
      expect(m.others_cpu_share).toBeLessThanOrEqual(1);
      expect(m.load_1m_start).toBeGreaterThanOrEqual(0);
    }
    expect(r.inference.peak_tensor_mb).toBeGreaterThan(0);
    expect(r.data).toMatchObject({ dataset: 'synthetic:translation', synthetic: true, test_examples: 6 });
    expect(r.data.validation_examples).toBeGreaterThan(0);
    expect(r.errors.outputs).toBe(6);
    expect(r.examples).toHaveLength(2);
    for (const q of Object.values(r.quality)) expect(q.low).toBeLessThanOrEqual(q.high);
    expect(r.vs_base).toMatchObject({ against: 'base', metric: 'chrf' });
    expect(o.predictions).toHaveLength(6);
    const adapter = path.join(REPO_ROOT, r.adapter_dir!);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'formatting.json']) expect(existsSync(path.join(adapter, f)), f).toBe(true);
    // peft's AutoPeftModel loads the base from here.
    expect(JSON.parse(readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8')).base_model_name_or_path).toBe(models.gpt2.dir);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain JSON: it travels through vitest's RPC and blob files
  });

  it('reuses the cache, recomputes identically with fresh, and keys on what matters', async () => {
    const s = spec('gpt2', 'lora', { r: 4, lora_alpha: 8 });
    const first = await runExperiment(s, { runsDir });
    expect(first.result.cached).toBe(true);
    const fresh = await runExperiment(s, { runsDir, fresh: true });
    expect(fresh.result.cached).toBe(false);
    expect(fresh.predictions).toEqual(first.predictions);
    expect(fresh.result.training!.loss_curve).toEqual(first.result.training!.loss_curve);
    expect(await experimentKey(spec('gpt2', 'lora', { lora_alpha: 8, r: 4 }))).toBe(first.result.key);
    expect(await experimentKey(spec('gpt2', 'lora', { r: 8, lora_alpha: 8 }))).not.toBe(first.result.key);
    expect(await experimentKey({ ...s, label: 'renamed', order: 9 })).toBe(first.result.key);
    expect(await experimentKey({ ...s, seed: 8 })).not.toBe(first.result.key);
    // A decoding option enters the key only when set: results cached before it existed keep theirs.
    expect(await experimentKey({ ...s, decoding: { ...s.decoding, repetition_penalty: undefined } })).toBe(first.result.key);
    expect(await experimentKey({ ...s, decoding: { ...s.decoding, repetition_penalty: 1.2 } })).not.toBe(first.result.key);
  });

  it('peft-lab predict on the saved adapter reproduces the outputs; evaluate reproduces the scores', async () => {
    for (const [family, method] of [
      ['gpt2', 'lora'],
      ['t5', 'full'],
    ] as const) {
      const o = await runExperiment(spec(family, method, method === 'lora' ? { r: 4, lora_alpha: 8 } : {}), { runsDir });
      const { splits } = await loadCorpus('synthetic:translation', null);
      const rows = splits.test.slice(0, 6);
      const input = path.join(tmp, `${family}-in.jsonl`);
      const output = path.join(tmp, `${family}-out.jsonl`);
      writeFileSync(input, rows.map((e) => JSON.stringify({ id: e.id, domain: e.domain, source: e.source, target: e.target }) + '\n').join(''));
      const adapter = path.join(REPO_ROOT, o.result.adapter_dir!);
      // Full fine-tuning saves a whole model: it is the --model.
      const args = method === 'full' ? ['--model', adapter] : ['--model', models[family].dir, '--adapter', adapter];
      const p = peftLab(['predict', ...args, '--task', 'translation', '--input', input, '--output', output, '--quiet']);
      expect(p.stderr).toBe('');
      expect(p.status).toBe(0);
      expect(JSON.parse(p.stdout)).toMatchObject({ rows: 6, formatting: path.join(adapter, 'formatting.json') });
      const lines = readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; prediction: string });
      expect(lines.map((l) => l.id)).toEqual(rows.map((e) => e.id));
      expect(lines.map((l) => l.prediction)).toEqual(o.predictions);
      const e = peftLab(['evaluate', '--predictions', output, '--references', input, '--task', 'translation', '--bootstrap', '50']);
      expect(e.status).toBe(0);
      const scores = JSON.parse(e.stdout) as { metrics: Record<string, { score: number; low: number; high: number }>; examples: number };
      expect(scores.examples).toBe(6);
      expect(scores.metrics.chrf).toEqual(o.result.quality.chrf);
      expect(scores.metrics.rougeL).toEqual(o.result.quality.rougeL);
    }
  }, 180_000);

  it("scores another experiment's trained model: trained once, under that experiment's id", async () => {
    for (const [family, method] of [
      ['gpt2', 'lora'],
      ['t5', 'full'],
    ] as const) {
      const trainedBy = spec(family, method, method === 'lora' ? { r: 4, lora_alpha: 8 } : {});
      const scoring: ExperimentRunSpec = {
        ...trainedBy,
        id: `translation/${family}/elsewhere/${method}`,
        data: { ...trainedBy.data, test_examples: 4 },
        trained_by: trainedBy,
      };
      const o = await runExperiment(scoring, { runsDir });
      const trainer = await runExperiment(trainedBy, { runsDir });
      expect(trainer.result.cached).toBe(true);
      expect(o.result.cached).toBe(false);
      expect(o.result.training).toEqual(trainer.result.training);
      expect(o.result.params).toEqual(trainer.result.params);
      expect(o.result.adapter_dir).toBe(trainer.result.adapter_dir);
      expect(o.result.data.train_examples).toBe(trainer.result.data.train_examples);
      // The training side of its data record is the trainer's (its own training split is not even encoded).
      expect(o.result.data.encode).toEqual(trainer.result.data.encode);
      expect(o.result.data.selection?.train_by_domain).toEqual(trainer.result.data.selection?.train_by_domain);
      expect(o.result.data.test_examples).toBe(4);
      // The reloaded model is the trained one: the same outputs on the test examples both score.
      expect(o.predictions).toEqual(trainer.predictions.slice(0, 4));
      expect((await runExperiment(scoring, { runsDir })).result.cached).toBe(true);
      // What trained it is part of the key.
      const otherRate = { ...trainedBy, training_args: { ...trainedBy.training_args, learning_rate: 1e-3 } };
      expect(await experimentKey({ ...scoring, trained_by: otherRate })).not.toBe(o.result.key);
    }
    const base = spec('gpt2', 'base');
    await expect(runExperiment({ ...base, id: 'translation/gpt2/elsewhere/base', trained_by: base }, { runsDir })).rejects.toThrow(
      'trained_by translation/gpt2/base: it trains nothing',
    );
  }, 180_000);

  it('runs an experiment that two callers need at once only once', async () => {
    const s = spec('gpt2', 'lora', { r: 2, lora_alpha: 4 });
    const [a, b] = await Promise.all([runExperiment(s, { runsDir, quiet: true }), runExperiment(s, { runsDir, quiet: true })]);
    expect([a.result.cached, b.result.cached].sort()).toEqual([false, true]);
    expect(b.predictions).toEqual(a.predictions);
    expect(existsSync(`${a.dir}.lock`)).toBe(false);
  }, 120_000);
});

describe('progress while an experiment runs', () => {
  it('names the experiment on every train and generate line, with step/total, loss, tokens/s and ETA', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await runExperiment(spec('gpt2', 'ia3'), { runsDir, fresh: true, quiet: false });
    } finally {
      process.stderr.write = write;
    }
    const text = lines.join('');
    expect(text).toMatch(/translation\/gpt2\/ia3 train 3\/3 loss [\d.]+ lr \S+ \d+ tok\/s elapsed \S+ eta \S+/);
    expect(text).toMatch(/translation\/gpt2\/ia3 generate 6\/6 outputs elapsed \S+ eta \S+/);
    expect(text).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
  }, 120_000);
});

describe('predict / evaluate input errors', () => {
  it('name the bad input and what is valid', () => {
    const f = path.join(tmp, 'refs.jsonl');
    writeFileSync(f, '{"id": "a", "source": "x", "target": "y"}\n');
    const p = path.join(tmp, 'p.jsonl');
    writeFileSync(p, '{"id": "b", "prediction": "x"}\n');
    const missing = peftLab(['evaluate', '--predictions', p, '--references', f, '--task', 'translation']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('1 prediction id(s) have no reference');
    expect(() => taskFlag({ task: 'poetry' }, 'evaluate')).toThrow("evaluate: --task 'poetry' is not valid; valid: translation, summarization");
    const schema = path.join(tmp, 'bad.jsonl');
    writeFileSync(schema, '{"id": "a", "text": "x"}\n');
    const bad = peftLab(['predict', '--model', models.gpt2.dir, '--task', 'translation', '--input', schema, '--output', path.join(tmp, 'o.jsonl')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown schema');
  });
});
