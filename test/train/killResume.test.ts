/**
 * Real kills at the system calls that write checkpoints, for every method: strace makes the chosen
 * rename(2) or unlink(2) deliver SIGKILL instead of running. The run saves checkpoint-2, -4 and -6
 * (pruning checkpoint-2 when -6 arrives) and, as max_steps is a multiple of save_steps, re-saves
 * checkpoint-6 at the end before writing the adapter. Kills land mid-run (while checkpoint-4 is
 * written or checkpoint-2 pruned), in the end-of-run re-save and in the adapter save; some resumed
 * runs are killed once more before the one that finishes. Every `--resume` must continue from the
 * expected checkpoint, log the loss curve of a run that was never killed, and save the same bytes.
 *
 * The CLI is compiled once from the sources under test (bin/build.mjs, as `npm ci` does) instead of
 * run through tsx: a run then takes about 1 s instead of 5, which is what lets every method be
 * killed at this many points (118 runs) in a few minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENTRY } from '../../bin/compiledCli.mjs';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared, skipUnless } from '../helpers/skip.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { resumeMethods } from '../helpers/resumeMethods.ts';

const STRACE = '/usr/bin/strace';
const gpt2Dir = goldenPath('models', 'tiny-gpt2');

function straceWorks(): boolean {
  if (!existsSync(STRACE)) return false;
  // ptrace can be forbidden (containers without CAP_SYS_PTRACE): try it once.
  return spawnSync(STRACE, ['-qq', '-e', 'trace=none', 'true']).status === 0;
}

const STRACE_OK = straceWorks();

const STEPS = 6;
const LAST = `checkpoint-${STEPS}`;

/**
 * The methods' configs of resumeEveryMethod.test.ts, dropout included (its RNG must resume too).
 * AdaLoRA's schedule is squeezed into 6 steps: importance from step 0, masking from step 2, the
 * final allocation at step 4 (total − tfinal), then the fixed pattern; a resume from checkpoint-2
 * needs the running importance averages, one from checkpoint-6 the kept pattern.
 */
const METHODS = resumeMethods({ tinit: 1, tfinal: 2, deltaT: 1 });

type Syscall = 'rename' | 'unlink';

/**
 * Where to kill: the `nth` call of the reference run's trace that starts with `call` (calls written
 * as `rename checkpoint-4.tmp → checkpoint-4`, see normalize()).
 */
interface KillPoint {
  what: string;
  call: string;
  nth?: number;
  /** The checkpoint the finishing run resumes from. */
  from: number;
  /** Kill the resumed run too, at its first call of the same kind, before resuming again. */
  twice?: boolean;
  /** Only for these methods (see LORA_ONLY). */
  only?: string[];
}

/**
 * Points whose recovery does not depend on the method (what is left on disk is the same): LoRA
 * alone is killed there, which keeps the file's time to a few minutes.
 */
const LORA_ONLY = ['lora'];

/**
 * Every method is killed mid-run (resuming from checkpoint-2 and from checkpoint-4, the epoch
 * boundary and, for AdaLoRA, the step before its final allocation), in the re-save at a rename and
 * an unlink, and while the adapter is saved; two of these are followed by a kill of the resumed run.
 */
const KILL_POINTS: KillPoint[] = [
  { what: 'mid-run, checkpoint-4 half written', call: 'rename checkpoint-4.tmp/.optimizer.safetensors.tmp', from: 2, twice: true },
  { what: 'mid-run, checkpoint-4 sealed but not yet in place', call: 'rename checkpoint-4.tmp → checkpoint-4', from: 4 },
  { what: 'mid-run, pruning checkpoint-2', call: 'rename checkpoint-2 → checkpoint-2.del', from: 6, only: LORA_ONLY },
  { what: 'mid-run, checkpoint-2 half deleted', call: 'unlink checkpoint-2.del/', from: 6, twice: true, only: LORA_ONLY },
  { what: 're-save, first weights file', call: `rename ${LAST}.tmp/.trainable.safetensors.tmp`, nth: 2, from: 6, only: LORA_ONLY },
  { what: 're-save, second weights file', call: `rename ${LAST}.tmp/.optimizer.safetensors.tmp`, nth: 2, from: 6, only: LORA_ONLY },
  { what: 're-save, moving the old copy aside', call: `rename ${LAST} → ${LAST}.old`, from: 6, twice: true },
  { what: 're-save, only the old copy aside', call: `rename ${LAST}.tmp → ${LAST}`, nth: 2, from: 6, only: LORA_ONLY },
  { what: 're-save, first file of the old copy deleted', call: `unlink ${LAST}.old/`, from: 6 },
  { what: 're-save, second file of the old copy deleted', call: `unlink ${LAST}.old/`, nth: 2, from: 6, twice: true, only: LORA_ONLY },
  { what: 'saving the adapter', call: 'rename adapter/', from: 6 },
];

/** A compiled copy of the CLI, inside the repository so that its imports resolve in node_modules. */
const BUILD = path.join(REPO_ROOT, 'node_modules', '.cache', `peft-lab-kill-test-${process.pid}`);

beforeAll(() => {
  if (!STRACE_OK || !gpt2Dir) return;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'build.mjs'), '--out', BUILD], { encoding: 'utf8' });
  expect(r.status, `bin/build.mjs: ${r.stderr}${r.stdout}`).toBe(0);
}, 120_000);

afterAll(() => rmSync(BUILD, { recursive: true, force: true }));

/** A run's folder with its experiment file: `method` on the copy task, 2 epochs of 4 batches. */
function setup(method: string, label: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), `peft-strace-${method}-${label}-`));
  writeFileSync(
    path.join(root, 'rows.jsonl'),
    copyTask(32, { vocab: 12, seed: 8 })
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  writeFileSync(
    path.join(root, 'experiment.json'),
    JSON.stringify({
      model: gpt2Dir,
      dataset: { pretokenized: 'rows.jsonl' },
      method,
      peft_config: METHODS[method],
      seed: 5,
      training_args: {
        output_dir: 'out',
        max_steps: STEPS,
        save_steps: 2,
        save_total_limit: 2,
        learning_rate: 1e-2,
        warmup_steps: 2,
        per_device_train_batch_size: 8,
        seed: 11,
      },
    }),
  );
  return root;
}

/**
 * Runs `peft-lab train` in `root` under strace, which logs every rename and unlink to `log`, or
 * (given `kill`) only calls of that kind, killing the process at the `when`-th.
 */
function train(root: string, resume: boolean, log: string, kill?: { syscall: Syscall; when: number }): SpawnSyncReturns<string> {
  const cli = [process.execPath, path.join(BUILD, ENTRY), 'train', '--config', path.join(root, 'experiment.json'), '--quiet', ...(resume ? ['--resume'] : [])];
  const trace = kill ? ['-e', `trace=${kill.syscall}`, '-e', `inject=${kill.syscall}:signal=KILL:when=${kill.when}`] : ['-e', 'trace=rename,unlink'];
  return spawnSync(STRACE, ['-qq', ...trace, '-o', log, ...cli], { encoding: 'utf8' });
}

/**
 * A traced call as `rename checkpoint-6.tmp → checkpoint-6`: paths relative to output_dir, without
 * the process ids and random suffixes of temporary names (they differ from run to run).
 */
function normalize(line: string, outDir: string): string | undefined {
  const m = /^(rename|unlink)\((.*)\) = /.exec(line);
  if (!m) return undefined;
  const paths = [...m[2]!.matchAll(/"([^"]*)"/g)].map((p) =>
    path
      .relative(outDir, p[1]!)
      .replace(/\.(tmp|old|del)-\d+/g, '.$1')
      .replace(/\.\d+\.[0-9a-f]+\.tmp$/, '.tmp'),
  );
  return `${m[1]} ${paths.join(' → ')}`;
}

/** The calls a traced run made, in order; `= ?` marks the one it was killed at. */
function traced(log: string, outDir: string): { call: string; killed: boolean }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((l) => {
      const call = normalize(l, outDir);
      return call ? [{ call, killed: / = \?$/.test(l) }] : [];
    });
}

/** The strace `when` of a kill point: which call of its kind it is in the reference run. */
function locate(reference: string[], k: KillPoint): { syscall: Syscall; when: number; call: string } {
  const syscall = k.call.split(' ')[0] as Syscall;
  const ofKind = reference.filter((c) => c.startsWith(`${syscall} `));
  const matches = ofKind.flatMap((c, i) => (c.startsWith(k.call) ? [i] : []));
  const i = matches[(k.nth ?? 1) - 1];
  if (i === undefined) throw new Error(`the reference run made no call #${k.nth ?? 1} starting with '${k.call}':\n${reference.join('\n')}`);
  return { syscall, when: i + 1, call: ofKind[i]! };
}

type Curve = { step: number; loss?: number; learning_rate?: number; grad_norm?: number }[];

const curve = (outDir: string): Curve =>
  readFileSync(path.join(outDir, 'loss_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Curve[number])
    .filter((e) => e.loss !== undefined)
    .map(({ step, loss, learning_rate, grad_norm }) => ({ step, loss, learning_rate, grad_norm }));

/**
 * The bytes a run leaves to be used: every file of the saved adapter (for `full`, a model
 * directory), and the last checkpoint's tensors (weights, optimizer moments, a method's state).
 */
function savedBytes(outDir: string): Map<string, Buffer> {
  const ckpt = path.join(outDir, LAST);
  const files = [
    ...readdirSync(path.join(outDir, 'adapter')).map((f) => path.join('adapter', f)),
    ...readdirSync(ckpt)
      .filter((f) => f.endsWith('.safetensors'))
      .map((f) => path.join(LAST, f)),
  ];
  return new Map(files.sort().map((f) => [f, readFileSync(path.join(outDir, f))]));
}

/** The killed call, from a killed run's trace (undefined if it was not killed). */
function killedAt(r: SpawnSyncReturns<string>, log: string, outDir: string): string | undefined {
  if (r.signal !== 'SIGKILL' && r.status !== 128 + 9) return undefined;
  return traced(log, outDir).find((c) => c.killed)?.call ?? '(killed at an untraced moment)';
}

interface Reference {
  curve: Curve;
  bytes: Map<string, Buffer>;
  /** Its rename and unlink calls, normalized: where kill points are looked up. */
  calls: string[];
}

/** A run of `method` that is never killed: what every killed and resumed run must end with. */
function referenceRun(method: string): Reference {
  const root = setup(method, 'ref');
  const out = path.join(root, 'out');
  const log = path.join(root, 'trace.log');
  const r = train(root, false, log);
  expect(r.status, `${method}, reference run: ${r.stderr}`).toBe(0);
  const reference = { curve: curve(out), bytes: savedBytes(out), calls: traced(log, out).map((c) => c.call) };
  expect(reference.curve).toHaveLength(STEPS);
  rmSync(root, { recursive: true, force: true });
  return reference;
}

/** Kills a run of `method` at `k` (and its resumption too, when `k.twice`), then checks the run that resumes once more. */
function killAndResume(method: string, k: KillPoint, reference: Reference): void {
  const target = locate(reference.calls, k);
  const root = setup(method, 'kill');
  const out = path.join(root, 'out');
  const log = path.join(root, 'kill.log');
  // strace counts calls: the killed run's own trace shows whether the count hit the intended call.
  expect(killedAt(train(root, false, log, target), log, out), `${method}, ${k.what}: killed at`).toBe(target.call);
  let story = `${method} killed ${k.what} (${target.call})`;
  if (k.twice) {
    const again = killedAt(train(root, true, log, { syscall: target.syscall, when: 1 }), log, out);
    expect(again, `${story}, then resumed: it was not killed again`).toBeDefined();
    story += `, then again at ${again}`;
  }
  const resumed = train(root, true, log);
  expect(resumed.status, `${story}: ${resumed.stderr}`).toBe(0);
  expect(path.basename((JSON.parse(resumed.stdout) as { resumed_from: string }).resumed_from), `${story}: resumed from`).toBe(`checkpoint-${k.from}`);
  expect(curve(out), `${story}: loss curve`).toEqual(reference.curve);
  const bytes = savedBytes(out);
  expect([...bytes.keys()], `${story}: saved files`).toEqual([...reference.bytes.keys()]);
  for (const [f, b] of reference.bytes) expect(bytes.get(f)?.equals(b), `${story}: ${f} differs`).toBe(true);
  rmSync(root, { recursive: true, force: true });
}

describe('kills at checkpoint-writing system calls (strace), every method', {
  ...skipUnless(STRACE_OK, `${STRACE} missing or not permitted to trace`),
  ...needsShared(gpt2Dir),
}, () => {
  it.each(Object.keys(METHODS))(
    '%s: killed mid-run, in the final re-save and the adapter save, once or twice, --resume gives the same curve and bytes',
    { timeout: 300_000 },
    (method) => {
      const reference = referenceRun(method);
      for (const k of KILL_POINTS.filter((p) => !p.only || p.only.includes(method))) killAndResume(method, k, reference);
    },
  );
});
