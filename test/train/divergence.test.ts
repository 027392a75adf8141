// biome-ignore-all lint/suspicious/noFocusedTests: `fit` here is the file's own training helper, not Jasmine's focused test
/**
 * What a diverging run says and keeps: the stop message tells the truth about checkpoints and gives
 * advice that helps, no checkpoint holds weights that are worse than a uniform guess, and a run that
 * ends worse than it started or than guessing says so (stderr and the result's `warnings`).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf } from '../../src/engine/tf.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import { listCheckpoints, loadCheckpoint } from '../../src/train/checkpoint.ts';
import { Trainer, TrainingDivergedError, type TrainerCallback, type TrainResult } from '../../src/train/trainer.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { goldenPath } from '../helpers/golden.ts';
import { lmLoss } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { copyTask } from '../helpers/toyTask.ts';

const gpt2Dir = goldenPath('models', 'tiny-gpt2');
const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'peft-diverge-'));
const train = copyTask(32, { vocab: 12, seed: 6 });
/** tiny-gpt2 has 1000 tokens: a uniform guess scores ln(1000). */
const UNIFORM = Math.log(1000);

beforeAll(async () => {
  await initBackend();
});

const lora = () => getPeftModel(loadPretrained(gpt2Dir!), 'lora', { r: 2, lora_alpha: 4 }, { seed: 2 });

async function fit(
  extra: Record<string, unknown>,
  callbacks: (m: PeftModel) => TrainerCallback[] = () => [],
): Promise<{ out: string; result?: TrainResult; error?: Error; stderr: string }> {
  const out = tmp();
  const model = lora();
  const a = parseTrainingArguments({ output_dir: out, max_steps: 6, learning_rate: 1e-3, per_device_train_batch_size: 8, seed: 1, ...extra });
  const trainer = new Trainer(model, a, train, [], callbacks(model), { quiet: true });
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    return { out, result: await trainer.fit(), stderr: writes.join('') };
  } catch (e) {
    return { out, error: e as Error, stderr: writes.join('') };
  } finally {
    spy.mockRestore();
    trainer.dispose();
    model.dispose();
  }
}

/** Poisons a LoRA weight after `step`: the next forward gives NaN. */
const poisonAfter =
  (step: number) =>
  (m: PeftModel): TrainerCallback[] => [
    {
      onStepEnd: (e) => {
        if (e.step === step) {
          const [, v] = m.trainableParameters()[1]!;
          v.assign(tf.fill(v.shape, NaN));
        }
      },
    },
  ];

describe('divergence', needsShared(gpt2Dir), () => {
  it('a NaN stop with no checkpoint saved does not claim one is kept; the advice lowers the rate or clips', async () => {
    const r = await fit({ save_steps: 0 }, poisonAfter(1));
    expect(r.error).toBeInstanceOf(TrainingDivergedError);
    const msg = r.error!.message;
    expect(msg).toMatch(/diverged at step 2: loss is NaN/);
    expect(msg).not.toMatch(/is kept/);
    expect(msg).toMatch(/no checkpoint was saved/);
    expect(msg).toMatch(/lower learning_rate/);
    expect(msg).not.toMatch(/raise max_grad_norm/);
    expect(msg).toMatch(/lower max_grad_norm/);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('without clipping, the advice is to set max_grad_norm', async () => {
    const r = await fit({ save_steps: 0, max_grad_norm: 0 }, poisonAfter(1));
    expect(r.error!.message).toMatch(/set max_grad_norm/);
  });

  it('a NaN stop after a checkpoint names the checkpoint that is kept', async () => {
    const r = await fit({ save_steps: 2 }, poisonAfter(3));
    expect(r.error).toBeInstanceOf(TrainingDivergedError);
    expect(r.error!.message).toContain(`the last good checkpoint, ${path.join(r.out, 'checkpoint-2')}, is kept`);
  });

  it('lr 1e9 with save_steps 1: no checkpoint holds weights that do worse than where training started or a uniform guess', async () => {
    const start = lmLoss(lora(), train);
    const r = await fit({ learning_rate: 1e9, save_steps: 1 });
    const limit = Math.max(UNIFORM, start * 1.1);
    for (const dir of listCheckpoints(r.out)) {
      const model = lora();
      const ck = loadCheckpoint(dir);
      for (const [n, v] of model.trainableParameters()) v.assign(ck.weights.get(n)!);
      const loss = lmLoss(model, train);
      expect(Number.isFinite(loss) && loss <= limit, `${path.basename(dir)} has loss ${loss}`).toBe(true);
      model.dispose();
    }
    // Whatever was or was not saved, the run says so.
    if (r.error) expect(r.error.message).toMatch(/no checkpoint was saved|the last good checkpoint, .*checkpoint-\d+, is kept/);
    else expect(r.result!.warnings.join(' ')).toMatch(/not saved/);
  });

  it('a run that ends above where it started and above the uniform guess warns on stderr and in the result', async () => {
    // Weights thrown far off mid-run: the loss ends well above its start and the uniform guess, yet finite.
    const scramble = (m: PeftModel): TrainerCallback[] => [
      {
        onStepEnd: (e) => {
          if (e.step === 4) for (const [, v] of m.trainableParameters()) v.assign(tf.randomNormal(v.shape, 0, 3, 'float32', 7));
        },
      },
    ];
    const r = await fit({ max_steps: 8, logging_steps: 2 }, scramble);
    expect(r.error, r.error?.message).toBeUndefined();
    const warnings = r.result!.warnings;
    expect(warnings.some((w) => /rose from .* to /.test(w))).toBe(true);
    expect(warnings.some((w) => /above the uniform-guess loss ln\(1000\) = 6\.91/.test(w))).toBe(true);
    for (const w of warnings) expect(r.stderr).toContain(w);
  });

  it('a run that learns gives no warnings', async () => {
    const r = await fit({ learning_rate: 2e-2, max_steps: 30, per_device_train_batch_size: 16 });
    expect(r.result!.final_loss).toBeLessThan(UNIFORM);
    expect(r.result!.warnings).toEqual([]);
  });

  it('peft-lab train: a diverging learning rate is never a silent exit 0', () => {
    const root = tmp();
    const data = path.join(root, 'rows.jsonl');
    writeFileSync(data, train.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const file = path.join(root, 'e.json');
    writeFileSync(
      file,
      JSON.stringify({
        model: gpt2Dir,
        dataset: { pretokenized: data },
        method: 'lora',
        peft_config: { r: 2 },
        training_args: { output_dir: 'out', max_steps: 8, learning_rate: 1e6, per_device_train_batch_size: 8 },
      }),
    );
    const r = spawnSync(process.execPath, [CLI, 'train', '--config', file, '--quiet'], { encoding: 'utf8' });
    if (r.status === 0) {
      expect(r.stderr).toMatch(/^warning: .*uniform-guess/m);
      expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings.length).toBeGreaterThan(0);
    } else {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/diverged/);
    }
  }, 60_000);
});
