/**
 * Real kills at the system calls that write checkpoints: strace makes the chosen rename(2) or
 * unlink(2) deliver SIGKILL instead of running, during the end-of-run re-save of the last checkpoint
 * (max_steps a multiple of save_steps), once and twice in a row. Every `--resume` afterwards must
 * continue the same loss curve as a run that was never killed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared, skipUnless } from '../helpers/skip.ts';
import { copyTask } from '../helpers/toyTask.ts';

const STRACE = '/usr/bin/strace';
const gpt2Dir = goldenPath('models', 'tiny-gpt2');
const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');

function straceWorks(): boolean {
  if (!existsSync(STRACE)) return false;
  // ptrace can be forbidden (containers without CAP_SYS_PTRACE): try it once.
  return spawnSync(STRACE, ['-qq', '-e', 'trace=none', 'true']).status === 0;
}

const STRACE_OK = straceWorks();

function setup(root: string): string {
  const data = path.join(root, 'rows.jsonl');
  writeFileSync(data, copyTask(32, { vocab: 12, seed: 8 }).map((e) => JSON.stringify(e)).join('\n') + '\n');
  const file = path.join(root, 'experiment.json');
  writeFileSync(
    file,
    JSON.stringify({
      model: gpt2Dir,
      dataset: { pretokenized: data },
      method: 'lora',
      peft_config: { r: 2, lora_alpha: 4, lora_dropout: 0.1 },
      training_args: { output_dir: 'out', max_steps: 4, save_steps: 2, save_total_limit: 2, learning_rate: 5e-3, per_device_train_batch_size: 8, seed: 2 },
    }),
  );
  return file;
}

const curve = (root: string) =>
  readFileSync(path.join(root, 'out', 'loss_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss?: number; learning_rate?: number; grad_norm?: number })
    .filter((e) => e.loss !== undefined)
    .map(({ step, loss, learning_rate, grad_norm }) => ({ step, loss, learning_rate, grad_norm }));

/** Runs `peft-lab train`, killed at the `when`-th call of `syscall` by the main thread when given. */
function train(config: string, resume: boolean, kill?: { syscall: string; when: number }, log?: string) {
  const cli = [process.execPath, CLI, 'train', '--config', config, '--quiet', ...(resume ? ['--resume'] : [])];
  const strace = kill ? ['-qq', '-e', `trace=${kill.syscall}`, '-e', `inject=${kill.syscall}:signal=KILL:when=${kill.when}`, '-o', '/dev/null'] : log ? ['-qq', '-e', 'trace=rename,unlink', '-o', log] : undefined;
  return strace ? spawnSync(STRACE, [...strace, ...cli], { encoding: 'utf8' }) : spawnSync(cli[0]!, cli.slice(1), { encoding: 'utf8' });
}

/** The 1-based number of each rename/unlink call in a traced run's log, with its arguments. */
function calls(log: string, syscall: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${syscall}(`));
}

describe('kills at checkpoint-writing system calls (strace)', needsShared(gpt2Dir), () => {
  it('killed at each rename and unlink of the end-of-run re-save, once or twice, --resume continues the same curve', { ...skipUnless(STRACE_OK, `${STRACE} missing or not permitted to trace`), timeout: 600_000 }, () => {
    const refRoot = mkdtempSync(path.join(os.tmpdir(), 'peft-strace-ref-'));
    const ref = train(setup(refRoot), false, undefined, path.join(refRoot, 'trace.log'));
    expect(ref.status, ref.stderr).toBe(0);
    const reference = curve(refRoot);
    expect(reference).toHaveLength(4);

    // The re-save: from the third checkpoint save (checkpoint-4 a second time) to its last call.
    const log = path.join(refRoot, 'trace.log');
    const kills: { syscall: string; when: number; what: string }[] = [];
    for (const syscall of ['rename', 'unlink']) {
      const all = calls(log, syscall);
      // After checkpoint-4 is first in place, every call that touches it belongs to its re-save.
      const placed = calls(log, 'rename').findIndex((c) => /checkpoint-4\.tmp-\d+", "[^"]*checkpoint-4"\)/.test(c));
      expect(placed, 'checkpoint-4 is renamed into place').toBeGreaterThan(0);
      const after = syscall === 'rename' ? placed + 1 : all.findIndex((c) => /checkpoint-4[^"]*\//.test(c) && !/\.tmp-\d+\//.test(c));
      const picked = all.map((c, i) => ({ c, i })).filter(({ c, i }) => i >= after && after >= 0 && /checkpoint-4[."/]/.test(c));
      // Unlinks: the first two files of the previous copy to go.
      for (const { c, i } of syscall === 'rename' ? picked : picked.slice(0, 2)) kills.push({ syscall, when: i + 1, what: c });
    }
    expect(kills.length).toBeGreaterThan(3);

    for (const [n, k] of kills.entries()) {
      const root = mkdtempSync(path.join(os.tmpdir(), 'peft-strace-kill-'));
      const config = setup(root);
      const killed = train(config, false, k);
      expect(killed.signal ?? killed.status, `kill at ${k.what}`).not.toBe(0);
      // Every other case: kill the resumed run too, at its first call of the same kind (its own re-save).
      if (n % 2 === 1) train(config, true, { syscall: k.syscall, when: 1 });
      const resumed = train(config, true);
      expect(resumed.status, `after a kill at ${k.what}: ${resumed.stderr}`).toBe(0);
      expect((JSON.parse(resumed.stdout) as { resumed_from: string }).resumed_from, k.what).toMatch(/checkpoint-4$/);
      expect(curve(root), k.what).toEqual(reference);
    }
  });
});
