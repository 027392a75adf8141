import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { savePeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import type { LogEntry } from '../../src/train/checkpoint.ts';
import { flopParameters, hfLogHistory, type RunPlan } from '../../src/train/hfTrainerFiles.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { peftLab } from '../helpers/cli.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { TINY_GPT2, writeTinyModel } from '../models/tinyModels.ts';

const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), p));
const readJson = (...parts: string[]) => JSON.parse(readFileSync(path.join(...parts), 'utf8')) as Record<string, unknown>;

/** The keys of transformers 4.39's TrainerState (trainer_callback.py). */
const TRAINER_STATE_KEYS = [
  'best_metric',
  'best_model_checkpoint',
  'epoch',
  'eval_steps',
  'global_step',
  'is_hyper_param_search',
  'is_local_process_zero',
  'is_world_process_zero',
  'log_history',
  'logging_steps',
  'max_steps',
  'num_input_tokens_seen',
  'num_train_epochs',
  'save_steps',
  'total_flos',
  'train_batch_size',
  'trial_name',
  'trial_params',
];
const TRAIN_KEYS = ['epoch', 'total_flos', 'train_loss', 'train_runtime', 'train_samples', 'train_samples_per_second', 'train_steps_per_second'];
const EVAL_KEYS = ['epoch', 'eval_loss', 'eval_runtime', 'eval_samples', 'eval_samples_per_second', 'eval_steps_per_second'];

let modelDir: string;
beforeAll(async () => {
  await initBackend();
  modelDir = writeTinyModel(path.join(tmp('peft-hf-model-'), 'tiny-gpt2'), TINY_GPT2);
});

const lora = () => getPeftModel(loadPretrained(modelDir), 'lora', { r: 2, lora_alpha: 4, target_modules: ['c_attn'] }, { seed: 1 });

function trainer(outputDir: string) {
  const args = parseTrainingArguments({
    output_dir: outputDir,
    max_steps: 6,
    logging_steps: 2,
    save_steps: 3,
    save_total_limit: 5,
    per_device_train_batch_size: 4,
    learning_rate: 1e-2,
    seed: 3,
  });
  return new Trainer(lora(), args, copyTask(16, { vocab: 12 }), copyTask(4, { seed: 9, vocab: 12 }), [], { quiet: true });
}

describe("transformers' log_history", () => {
  const plan = (logging_steps: number): RunPlan => ({
    args: parseTrainingArguments({ logging_steps, per_device_eval_batch_size: 2 }),
    maxSteps: 5,
    stepsPerEpoch: 5,
    trainExamples: 10,
    evalExamples: 3,
  });
  const step = (s: number, loss: number): LogEntry => ({ step: s, epoch: s / 5, loss, learning_rate: 0.1 * s, grad_norm: s, tokens_per_s: 9 });

  it("has one entry per logging_steps: the mean loss since the last (4 decimals), that step's rate and norm; evaluations as eval_*", () => {
    const history = [step(1, 1), step(2, 2.123456), step(3, 3), step(4, 4), { step: 4, epoch: 0.8, eval_loss: 2.5, eval_runtime: 0.5 }, step(5, 5)];
    expect(hfLogHistory(history, plan(2))).toEqual([
      { loss: 1.5617, grad_norm: 2, learning_rate: 0.2, epoch: 0.4, step: 2 },
      { loss: 3.5, grad_norm: 4, learning_rate: 0.4, epoch: 0.8, step: 4 },
      { eval_loss: 2.5, eval_runtime: 0.5, eval_samples_per_second: 6, eval_steps_per_second: 4, epoch: 0.8, step: 4 },
    ]);
    expect(hfLogHistory(history, plan(1)).filter((e) => 'loss' in e)).toHaveLength(5);
  });
});

describe("transformers' Trainer output files", () => {
  let out: string;
  let t: Trainer;
  beforeAll(async () => {
    out = tmp('peft-hf-files-');
    t = trainer(out);
    await t.fit();
  });

  it("trainer_state.json in output_dir: HF's keys, the logged steps, evaluations and the train metrics last", () => {
    const s = readJson(out, 'trainer_state.json');
    expect(Object.keys(s)).toEqual(TRAINER_STATE_KEYS);
    expect(s).toMatchObject({
      global_step: 6,
      max_steps: 6,
      logging_steps: 2,
      save_steps: 3,
      eval_steps: 0,
      train_batch_size: 4,
      num_train_epochs: 2,
      epoch: 1.5,
    });
    const log = s.log_history as Record<string, number>[];
    expect(log.filter((e) => 'loss' in e).map((e) => [e.step, Object.keys(e).sort()])).toEqual(
      [2, 4, 6].map((n) => [n, ['epoch', 'grad_norm', 'learning_rate', 'loss', 'step']]),
    );
    const evals = log.filter((e) => 'eval_loss' in e);
    expect(evals.map((e) => e.step)).toEqual([6]);
    expect(s.best_metric).toBe(evals[0]!.eval_loss);
    expect(s.best_model_checkpoint).toBe(path.join(out, 'checkpoint-6'));
    expect(Object.keys(log.at(-1)!).sort()).toEqual(['epoch', 'step', ...TRAIN_KEYS.filter((k) => k !== 'epoch' && k !== 'train_samples')].sort());
    expect(s.total_flos).toBeGreaterThan(0);
  });

  it('each checkpoint-N/ has trainer_state.json up to N (no train metrics) and training_args.json', () => {
    const s = readJson(out, 'checkpoint-3', 'trainer_state.json');
    expect(Object.keys(s)).toEqual(TRAINER_STATE_KEYS);
    expect(s.global_step).toBe(3);
    expect((s.log_history as Record<string, number>[]).map((e) => e.step)).toEqual([2]);
    expect(s.best_metric).toBeNull();
    expect(readJson(out, 'checkpoint-3', 'training_args.json')).toEqual(JSON.parse(JSON.stringify(t.args)));
    expect(readJson(out, 'training_args.json')).toEqual(JSON.parse(JSON.stringify(t.args)));
  });

  it("train_results.json, eval_results.json and all_results.json with HF's keys", () => {
    const train = readJson(out, 'train_results.json');
    expect(Object.keys(train)).toEqual(TRAIN_KEYS);
    expect(train).toMatchObject({ epoch: 1.5, train_samples: 16 });
    const evalResults = readJson(out, 'eval_results.json');
    expect(Object.keys(evalResults)).toEqual(EVAL_KEYS);
    expect(evalResults.eval_samples).toBe(4);
    expect(readJson(out, 'all_results.json')).toEqual({ ...train, ...evalResults });
  });

  it('total_flos is 6 × input elements × parameters without embeddings (tied head counted once)', () => {
    const m = t.model;
    // tiny-gpt2: wte 64×8 and wpe 16×8 are the embeddings; lm_head shares wte.
    expect(flopParameters(m)).toBe(m.paramCounts().all_params - 64 * 8 - 16 * 8);
    const flos = readJson(out, 'trainer_state.json').total_flos as number;
    // 6 steps of 4 examples of 9 tokens, equal lengths: no padding.
    expect(flos).toBe(6 * 6 * 4 * 9 * flopParameters(m));
  });

  it("a checkpoint from before trainer_state.json took HF's shape (ours under that name) still resumes exactly", async () => {
    const legacy = tmp('peft-hf-legacy-');
    cpSync(path.join(out, 'checkpoint-3'), path.join(legacy, 'checkpoint-3'), { recursive: true });
    renameSync(path.join(legacy, 'checkpoint-3', 'resume_state.json'), path.join(legacy, 'checkpoint-3', 'trainer_state.json'));
    const resumed = trainer(legacy);
    const r = await resumed.fit(true);
    expect(r.resumed_from).toBe(path.join(legacy, 'checkpoint-3'));
    const curve = (dir: string) =>
      readFileSync(path.join(dir, 'loss_log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogEntry)
        .filter((e) => e.loss !== undefined)
        .map(({ step, loss, learning_rate, grad_norm }) => ({ step, loss, learning_rate, grad_norm }));
    expect(curve(legacy)).toEqual(curve(out));
    expect(existsSync(path.join(legacy, 'checkpoint-6', 'resume_state.json'))).toBe(true);
  });
});

describe('adapter_config.json names its base model', () => {
  it('get_peft_model records where the base was loaded from; a name given in the config is kept', () => {
    const dir = tmp('peft-hf-adapter-');
    savePeftModel(lora(), dir);
    expect(readJson(dir, 'adapter_config.json').base_model_name_or_path).toBe(modelDir);
    const named = getPeftModel(loadPretrained(modelDir), 'ia3', { base_model_name_or_path: 'gpt2' });
    savePeftModel(named, path.join(dir, 'named'));
    expect(readJson(dir, 'named', 'adapter_config.json').base_model_name_or_path).toBe('gpt2');
  });

  it('peft-lab train writes it, with the HF files beside the adapter', () => {
    const dir = tmp('peft-hf-cli-');
    const data = path.join(dir, 'rows.jsonl');
    writeFileSync(
      data,
      copyTask(8, { vocab: 12 })
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n',
    );
    writeFileSync(
      path.join(dir, 'experiment.json'),
      JSON.stringify({
        model: modelDir,
        dataset: { pretokenized: data },
        method: 'lora',
        peft_config: { r: 2, lora_alpha: 4, target_modules: ['c_attn'] },
        training_args: { output_dir: 'out', max_steps: 2, per_device_train_batch_size: 4, logging_steps: 1 },
        seed: 1,
      }),
    );
    const r = peftLab(['train', '--config', path.join(dir, 'experiment.json'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(readJson(dir, 'out', 'adapter', 'adapter_config.json').base_model_name_or_path).toBe(modelDir);
    for (const f of ['trainer_state.json', 'train_results.json', 'all_results.json', 'training_args.json', 'checkpoint-2/trainer_state.json'])
      expect(existsSync(path.join(dir, 'out', f)), f).toBe(true);
  });
});
