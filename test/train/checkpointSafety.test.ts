// biome-ignore-all lint/suspicious/noFocusedTests: `fit` here is the file's own training helper, not Jasmine's focused test
/**
 * A run owns its output_dir, and no kill can lose a complete checkpoint.
 *
 * Ownership: a fingerprint of what decides the results goes into every checkpoint and into
 * run_fingerprint.json; resuming or starting into a folder that holds another run's checkpoints fails
 * with one line, `overwrite_output_dir` starts fresh, and pruning only ever touches the run's own
 * checkpoints (an absolute output_dir may hold folders that are none of ours).
 *
 * Kills: node:fs is wrapped so that any mutating call can be made to throw instead of running, which
 * stops the save sequence exactly where a SIGKILL at that system call would (no clean-up runs after
 * it); the next run must then resume from a complete checkpoint.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as realFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { parseTrainingArguments, type TrainingArguments } from '../../src/train/arguments.ts';
import { listCheckpoints, type LogEntry } from '../../src/train/checkpoint.ts';
import { Trainer, type TrainerCallback, type TrainResult } from '../../src/train/trainer.ts';
import { UserError } from '../../src/util/errors.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';
import { copyTask } from '../helpers/toyTask.ts';

/** Which mutating fs call to fail, counted from when `armOn` first matched a call (0 = that call). */
const fault = {
  armOn: null as null | ((op: string, target: string) => boolean),
  armed: false,
  /** Calls seen since arming. */
  seen: 0,
  killAt: -1,
  /** Every call since arming, when recording. */
  log: null as null | string[],
};

class Killed extends Error {}
/** A kill inside a writer that reports its own errors arrives wrapped, with the kill's message. */
const isKill = (e: unknown) => e instanceof Killed || (e instanceof Error && /killed at /.test(e.message));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const watched = [
    'mkdirSync',
    'rmSync',
    'renameSync',
    'writeFileSync',
    'appendFileSync',
    'openSync',
    'writeSync',
    'unlinkSync',
    'fsyncSync',
    'rmdirSync',
  ] as const;
  const wrapped: Record<string, unknown> = {};
  for (const op of watched) {
    const real = fs[op] as (...a: unknown[]) => unknown;
    wrapped[op] = (...a: unknown[]) => {
      const target = typeof a[0] === 'string' ? a[0] : String(a[0]);
      if (!fault.armed && fault.armOn?.(op, target)) fault.armed = true;
      if (fault.armed) {
        const n = fault.seen++;
        fault.log?.push(`${op} ${target}`);
        if (n === fault.killAt) throw new Killed(`killed at ${op} ${target}`);
      }
      return real(...a);
    };
  }
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } };
});

const gpt2Dir = goldenPath('models', 'tiny-gpt2');
const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');
const tmp = (prefix = 'peft-ckpt-') => realFs.mkdtempSync(path.join(os.tmpdir(), prefix));
const train = copyTask(32, { vocab: 12, seed: 4 });

beforeAll(async () => {
  await initBackend();
});

function args(outputDir: string, extra: Record<string, unknown> = {}): TrainingArguments {
  return parseTrainingArguments({
    output_dir: outputDir,
    max_steps: 4,
    save_steps: 2,
    save_total_limit: 2,
    learning_rate: 5e-3,
    per_device_train_batch_size: 8,
    seed: 3,
    ...extra,
  });
}

async function fit(a: TrainingArguments, resume: boolean | string = false, callbacks: TrainerCallback[] = []): Promise<TrainResult> {
  const model = getPeftModel(loadPretrained(gpt2Dir!), 'lora', { r: 2, lora_alpha: 4, lora_dropout: 0.1 }, { seed: 2 });
  const trainer = new Trainer(model, a, train, [], callbacks, { quiet: true });
  try {
    return await trainer.fit(resume);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

const curve = (log: LogEntry[]) =>
  log.filter((e) => e.loss !== undefined).map(({ step, loss, learning_rate, grad_norm }) => ({ step, loss, learning_rate, grad_norm }));
const names = (dir: string) => realFs.readdirSync(dir).sort();
/** Every file under `dir` with its bytes, to show a folder was left exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of realFs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (realFs.statSync(p).isFile()) out[f] = realFs.readFileSync(p).toString('base64');
  }
  return out;
}
const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to fail');
};

describe('a run owns its output_dir', needsShared(gpt2Dir), () => {
  it('every checkpoint and the output_dir record the run fingerprint', async () => {
    const out = tmp();
    await fit(args(out));
    const fp = JSON.parse(realFs.readFileSync(path.join(out, 'run_fingerprint.json'), 'utf8')) as { run_fingerprint: string };
    expect(fp.run_fingerprint).toMatch(/^[0-9a-f]{16,}$/);
    for (const ck of listCheckpoints(out)) {
      const state = JSON.parse(realFs.readFileSync(path.join(ck, 'resume_state.json'), 'utf8')) as { run_fingerprint?: string };
      expect(state.run_fingerprint).toBe(fp.run_fingerprint);
    }
  });

  it("--resume of another run's checkpoints (a different learning rate) fails with one line and touches nothing", async () => {
    const out = tmp();
    await fit(args(out, { learning_rate: 2e-3 }));
    const before = snapshot(out);
    const e = await rejection(fit(args(out, { learning_rate: 5e-4 }), true));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toContain(out);
    expect(e.message).toMatch(/another run/);
    expect(e.message).toMatch(/learning_rate/);
    expect(e.message).toMatch(/another output_dir or --overwrite_output_dir/);
    expect(snapshot(out)).toEqual(before);
  });

  it('resuming a checkpoint folder of another run named explicitly fails too', async () => {
    const a = tmp();
    await fit(args(a, { learning_rate: 2e-3 }));
    const e = await rejection(fit(args(tmp(), { learning_rate: 5e-4 }), path.join(a, 'checkpoint-4')));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toContain(path.join(a, 'checkpoint-4'));
    expect(e.message).toMatch(/another run/);
  });

  it("a new run into a folder holding another run's checkpoints fails, and never prunes them", async () => {
    const out = tmp();
    // The other run saved later steps than the new one will: by step order alone they would be "newer".
    await fit(args(out, { learning_rate: 2e-3, max_steps: 8, save_steps: 4 }));
    const before = snapshot(out);
    const e = await rejection(fit(args(out, { save_total_limit: 1 })));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(new RegExp(`output_dir ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds checkpoint-\\d+ of another run`));
    expect(snapshot(out)).toEqual(before);
  });

  it('the same run resumes in its own folder', async () => {
    const out = tmp();
    const straight = await fit(args(tmp()));
    await fit(args(out), false, [
      {
        onStepEnd: (e) => {
          if (e.step === 3) throw new Killed('kill');
        },
      },
    ]).catch((e: unknown) => {
      if (!(e instanceof Killed)) throw e;
    });
    const resumed = await fit(args(out), true);
    expect(resumed.resumed_from).toBe(path.join(out, 'checkpoint-2'));
    expect(curve(resumed.log_history)).toEqual(curve(straight.log_history));
  });

  it("overwrite_output_dir deletes the other run's checkpoints and trainer files only, then trains from scratch", async () => {
    const out = tmp();
    await fit(args(out, { learning_rate: 2e-3, max_steps: 8, save_steps: 4 }));
    realFs.writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
    realFs.mkdirSync(path.join(out, 'data'));
    const fresh = await fit(args(out, { overwrite_output_dir: true }));
    const reference = await fit(args(tmp()));
    expect(fresh.resumed_from).toBeUndefined();
    expect(curve(fresh.log_history)).toEqual(curve(reference.log_history));
    expect(listCheckpoints(out).map((d) => path.basename(d))).toEqual(['checkpoint-2', 'checkpoint-4']);
    expect(realFs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(realFs.existsSync(path.join(out, 'data'))).toBe(true);
    expect(realFs.existsSync(path.join(out, 'checkpoint-8'))).toBe(false);
    await expect(fit(args(out, { overwrite_output_dir: true }), true)).rejects.toThrow(/--resume.*overwrite_output_dir|overwrite_output_dir.*--resume/);
  });

  it('an absolute output_dir with folders the run did not create: they are never pruned', async () => {
    const out = tmp('peft-elsewhere-');
    // A Python HF run's checkpoint and a user's own folder that happen to carry checkpoint names.
    realFs.mkdirSync(path.join(out, 'checkpoint-1'));
    realFs.writeFileSync(path.join(out, 'checkpoint-1', 'trainer_state.json'), '{"global_step": 1}');
    realFs.writeFileSync(path.join(out, 'checkpoint-1', 'optimizer.pt'), 'torch');
    realFs.mkdirSync(path.join(out, 'checkpoint-3'));
    realFs.writeFileSync(path.join(out, 'checkpoint-3', 'notes.txt'), 'mine');
    const before = snapshot(out);
    const e = await rejection(fit(args(out, { save_total_limit: 1 })));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toMatch(/checkpoint-1.*not written by peft-lab.*another output_dir/);
    expect(snapshot(out)).toEqual(before);
    // overwrite_output_dir only deletes what peft-lab writes: these stay, and the run is still refused.
    await expect(fit(args(out, { overwrite_output_dir: true }))).rejects.toThrow(/not written by peft-lab/);
    expect(snapshot(out)).toEqual(before);
  });

  it('peft-lab train: --overwrite_output_dir, the one-line refusal, and a note for an output_dir outside the experiment folder', () => {
    const root = tmp('peft-ckpt-cli-');
    const data = path.join(root, 'rows.jsonl');
    realFs.writeFileSync(data, train.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const out = path.join(tmp('peft-ckpt-cli-out-'), 'out');
    const experiment = (lr: number) => {
      const file = path.join(root, `e-${lr}.json`);
      realFs.writeFileSync(
        file,
        JSON.stringify({
          model: gpt2Dir,
          dataset: { pretokenized: data },
          method: 'lora',
          peft_config: { r: 2 },
          training_args: { output_dir: out, max_steps: 4, save_steps: 2, learning_rate: lr, per_device_train_batch_size: 8 },
          seed: 1,
        }),
      );
      return file;
    };
    const cli = (...a: string[]) => spawnSync(process.execPath, [CLI, 'train', ...a], { encoding: 'utf8' });
    const first = cli('--config', experiment(2e-3));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`output_dir ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is outside the experiment file's folder`));
    const refused = cli('--config', experiment(5e-4), '--resume', '--quiet');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/another run .*--overwrite_output_dir/);
    const overwritten = cli('--config', experiment(5e-4), '--overwrite_output_dir', '--quiet');
    expect(overwritten.status, overwritten.stderr).toBe(0);
    expect((JSON.parse(overwritten.stdout) as { global_step: number }).global_step).toBe(4);
  }, 120_000);
});

describe('kill-safe checkpoints', needsShared(gpt2Dir), () => {
  /** Runs `body` with the fault armed on the `nth` (1-based) creation of a checkpoint-4 temporary folder. */
  async function withFault<T>(nth: number, killAt: number, body: () => Promise<T>, log?: string[]): Promise<T> {
    let starts = 0;
    Object.assign(fault, {
      armed: false,
      seen: 0,
      killAt,
      log: log ?? null,
      armOn: (op: string, target: string) => op === 'mkdirSync' && /checkpoint-4\.tmp-\d+$/.test(target) && ++starts === nth,
    });
    try {
      return await body();
    } finally {
      Object.assign(fault, { armOn: null, armed: false, seen: 0, killAt: -1, log: null });
    }
  }

  it("a kill at any file-system call of the end-of-run re-save, then another in the resumed run's, still resumes from checkpoint-4 exactly", async () => {
    const reference = await fit(args(tmp()));
    // max_steps 4 is a multiple of save_steps 2: checkpoint-4 is saved in the loop, then again at the end.
    const calls: string[] = [];
    await withFault(2, -1, () => fit(args(tmp())), calls);
    const window = calls.findIndex((c) => /^(writeFileSync|openSync) .*\/(trainer_state|train_results)\.json$/.test(c) && !c.includes('checkpoint-'));
    const resave = window < 0 ? calls.length : window;
    expect(resave).toBeGreaterThan(3);
    for (let k = 0; k < resave; k++) {
      const out = tmp('peft-kill-');
      const first = await rejection(withFault(2, k, () => fit(args(out))));
      expect(isKill(first), `kill at ${calls[k]}: ${first.message}`).toBe(true);
      // The resumed run has no steps left and re-saves checkpoint-4 once more: kill it there too.
      await withFault(1, k, () => fit(args(out), true)).catch((e: unknown) => {
        if (!isKill(e)) throw e;
      });
      const resumed = await fit(args(out), true);
      expect(resumed.resumed_from, `kill at ${calls[k]}`).toBe(path.join(out, 'checkpoint-4'));
      expect(curve(resumed.log_history)).toEqual(curve(reference.log_history));
      expect(
        names(out).filter((f) => f.startsWith('checkpoint-')),
        `kill at ${calls[k]}`,
      ).toEqual(['checkpoint-2', 'checkpoint-4']);
    }
  }, 300_000);

  it('incomplete checkpoints are ignored and orphaned temporary folders of dead processes are removed', async () => {
    const out = tmp();
    await fit(args(out, { max_steps: 4, save_total_limit: 3 }));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    // A save that died before finishing, and a checkpoint folder that lost its optimizer state.
    realFs.cpSync(path.join(out, 'checkpoint-4'), path.join(out, `checkpoint-6.tmp-${dead}`), { recursive: true });
    realFs.rmSync(path.join(out, `checkpoint-6.tmp-${dead}`, 'optimizer.safetensors'));
    realFs.cpSync(path.join(out, 'checkpoint-4'), path.join(out, 'checkpoint-8'), { recursive: true });
    realFs.rmSync(path.join(out, 'checkpoint-8', 'optimizer.safetensors'));
    for (const f of realFs.readdirSync(path.join(out, 'checkpoint-8')))
      if (!/\.(json|safetensors)$/.test(f) || f === 'checkpoint_complete.json') realFs.rmSync(path.join(out, 'checkpoint-8', f));
    expect(listCheckpoints(out).map((d) => path.basename(d))).toEqual(['checkpoint-2', 'checkpoint-4']);
    const resumed = await fit(args(out, { max_steps: 4, save_total_limit: 3 }), true);
    expect(resumed.resumed_from).toBe(path.join(out, 'checkpoint-4'));
    expect(names(out).filter((f) => f.startsWith('checkpoint-'))).toEqual(['checkpoint-2', 'checkpoint-4']);
  });
});
