import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { goldenPath } from '../helpers/golden.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { needsShared } from '../helpers/skip.ts';

const gpt2Dir = goldenPath('models', 'tiny-gpt2');
const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');

function experiment(dir: string, data: string): string {
  const file = path.join(dir, 'experiment.json');
  writeFileSync(
    file,
    JSON.stringify({
      model: gpt2Dir,
      dataset: { pretokenized: data },
      method: 'lora',
      peft_config: { r: 4, lora_alpha: 8, lora_dropout: 0.1 },
      // tiny-gpt2 keeps dropout 0.1 in training: the resumed run must restore the dropout RNG too.
      training_args: {
        output_dir: path.join(dir, 'out'),
        max_steps: 24,
        save_steps: 4,
        learning_rate: 5e-3,
        per_device_train_batch_size: 8,
        warmup_steps: 3,
        seed: 5,
      },
      seed: 5,
    }),
  );
  return file;
}

const losses = (dir: string) =>
  readFileSync(path.join(dir, 'out', 'loss_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; epoch: number; loss?: number; learning_rate?: number; grad_norm?: number })
    .filter((e) => e.loss !== undefined)
    // Timings differ between runs; everything the optimisation produced must not.
    .map(({ step, epoch, loss, learning_rate, grad_norm }) => ({ step, epoch, loss, learning_rate, grad_norm }));

describe('peft-lab train: kill and --resume', needsShared(gpt2Dir), () => {
  it('a run killed mid-way resumes from its last checkpoint and continues the same loss curve', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'peft-resume-'));
    const data = path.join(root, 'data.jsonl');
    writeFileSync(
      data,
      copyTask(96)
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n',
    );
    const refDir = path.join(root, 'ref');
    const runDir = path.join(root, 'run');
    for (const d of [refDir, runDir]) spawnSync('mkdir', ['-p', d]);

    const ref = spawnSync(process.execPath, [CLI, 'train', '--config', experiment(refDir, data), '--quiet'], { encoding: 'utf8' });
    expect(ref.status, ref.stderr).toBe(0);
    const result = JSON.parse(ref.stdout) as { global_step: number; trainable_params: number };
    expect(result.global_step).toBe(24);
    expect(existsSync(path.join(refDir, 'out', 'adapter', 'adapter_model.safetensors'))).toBe(true);

    // Kill the second run (SIGKILL: no clean-up) once it has passed step 13.
    const cfg = experiment(runDir, data);
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'train', '--config', cfg, '--quiet'], { stdio: 'ignore' });
      const timer = setInterval(() => {
        const log = path.join(runDir, 'out', 'loss_log.jsonl');
        if (existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length >= 13) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
    });
    const before = losses(runDir).length;
    expect(before).toBeGreaterThanOrEqual(13);
    expect(before).toBeLessThan(24);

    const resumed = spawnSync(process.execPath, [CLI, 'train', '--config', cfg, '--resume', '--quiet'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const r = JSON.parse(resumed.stdout) as { resumed_from: string };
    expect(r.resumed_from).toMatch(/checkpoint-(12|16|20)$/);
    expect(losses(runDir)).toEqual(losses(refDir));
  });

  it('bad experiment files fail with one clear line', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'peft-bad-'));
    const file = path.join(root, 'e.json');
    writeFileSync(file, JSON.stringify({ model: gpt2Dir, dataset: { pretokenized: '/nonexistent.jsonl' }, method: 'lora', peft_config: { lora_aplha: 8 } }));
    const r = spawnSync(process.execPath, [CLI, 'train', '--config', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read \/nonexistent.jsonl|lora_aplha/);
  });
});
