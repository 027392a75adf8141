import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../engine/tf.ts';
import { readSafetensors, toFloat32, writeSafetensors, type Tensor as StTensor } from '../models/safetensors.ts';
import { atomicTempName } from '../util/atomicWrite.ts';
import { UserError } from '../util/errors.ts';
import { writerAlive } from '../util/leftovers.ts';

export interface LogEntry {
  step: number;
  epoch: number;
  loss?: number;
  eval_loss?: number;
  /** Seconds the evaluation took. */
  eval_runtime?: number;
  learning_rate?: number;
  grad_norm?: number;
  tokens_per_s?: number;
  elapsed_s?: number;
}

/** Everything besides tensors that a resumed run needs to continue the same loss curve. */
export interface TrainerState {
  global_step: number;
  epoch: number;
  /** Micro-batches of the current epoch already consumed. */
  batch_in_epoch: number;
  dropout_rng_state: number;
  log_history: LogEntry[];
  best_eval_loss: number | null;
  evals_without_improvement: number;
  train_seconds: number;
  /** The step of the best evaluation so far (absent in checkpoints written before it was kept). */
  best_eval_step?: number | null;
  /** HF's floating-point operation estimate, summed over the steps taken. */
  total_flos?: number;
}

/** Hugging Face's name: every checkpoint has one, so it marks a completed checkpoint. */
export const HF_TRAINER_STATE = 'trainer_state.json';
/** Ours: everything a resumed run needs (HF's trainer_state.json has neither the RNG nor the batch position). */
const RESUME_STATE = 'resume_state.json';
const WEIGHTS = 'trainable.safetensors';
const OPTIM = 'optimizer.safetensors';

function toSt(tensors: Map<string, Tensor>): Map<string, StTensor> {
  return new Map([...tensors].map(([k, t]) => [k, { dtype: 'F32' as const, shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]));
}

export function checkpointDir(outputDir: string, step: number): string {
  return path.join(outputDir, `checkpoint-${step}`);
}

/**
 * Written last into a checkpoint, after every other file is on disk: a checkpoint is complete only
 * when it exists. It names the run the checkpoint belongs to and the files and sizes it was written with.
 */
export const CHECKPOINT_COMPLETE = 'checkpoint_complete.json';

/** What the completion marker holds. */
export interface CheckpointMarker {
  global_step: number;
  /** The fingerprint of the run that wrote it (runIdentity.ts); null when none was given. */
  run_fingerprint: string | null;
  /** What the fingerprint was made of, so a refusal can say what differs. */
  run_identity?: Record<string, unknown>;
  files: Record<string, number>;
}

/** The run a checkpoint is written for. */
export interface CheckpointOwner {
  run_fingerprint: string;
  identity: Record<string, unknown>;
}

/** Files only our trainer writes into a checkpoint: a folder with one of them is one of ours. */
const OUR_FILES = [CHECKPOINT_COMPLETE, RESUME_STATE, WEIGHTS, OPTIM];
/** Leftovers of an interrupted save or prune: `checkpoint-N.<kind>-<pid>`. */
const LEFTOVER = /^(checkpoint-\d+)\.(tmp|old|del)-(\d+)$/;

function fsyncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file and forces it to disk, so a marker written after it can vouch for it. */
function writeDurable(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Deletes a checkpoint so that no kill leaves it looking like one: renamed away first, then removed. */
export function removeCheckpoint(dir: string): void {
  const doomed = `${dir}.del-${process.pid}`;
  rmSync(doomed, { recursive: true, force: true });
  renameSync(dir, doomed);
  rmSync(doomed, { recursive: true, force: true });
}

/**
 * Writes checkpoint-<step>/ so that no kill at any moment loses a complete checkpoint: everything
 * goes to a temporary folder, is forced to disk, and is sealed by the completion marker written last;
 * only then is a previous checkpoint of the same step moved aside (not deleted), the new one renamed
 * into place, and the old one removed. recoverCheckpoints() finishes or undoes whatever a kill
 * interrupted. Keeps the newest `keep` checkpoints of `owner`'s run and never touches another's.
 * `documents` are further files (name → text or bytes, e.g. a method's training state), among them
 * HF's trainer_state.json, which must be one of them.
 */
export function saveCheckpoint(
  outputDir: string,
  state: TrainerState,
  weights: Map<string, Tensor>,
  optimizer: Map<string, Tensor>,
  keep: number,
  documents: Record<string, string | Uint8Array>,
  owner?: CheckpointOwner,
): string {
  if (!(HF_TRAINER_STATE in documents)) throw new Error(`saveCheckpoint: ${HF_TRAINER_STATE} is missing from the documents`);
  mkdirSync(outputDir, { recursive: true });
  const final = checkpointDir(outputDir, state.global_step);
  const tmp = atomicTempName(final);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeSafetensors(path.join(tmp, WEIGHTS), toSt(weights));
  writeSafetensors(path.join(tmp, OPTIM), toSt(optimizer));
  const fingerprint = owner?.run_fingerprint ?? null;
  writeDurable(path.join(tmp, RESUME_STATE), JSON.stringify({ ...state, run_fingerprint: fingerprint }));
  for (const [name, data] of Object.entries(documents)) writeDurable(path.join(tmp, name), data);
  const files = Object.fromEntries(readdirSync(tmp).map((f) => [f, statSync(path.join(tmp, f)).size]));
  const marker: CheckpointMarker = { global_step: state.global_step, run_fingerprint: fingerprint, run_identity: owner?.identity, files };
  writeDurable(path.join(tmp, CHECKPOINT_COMPLETE), JSON.stringify(marker));
  fsyncPath(tmp);
  if (existsSync(final)) {
    // The end-of-run save repeats the last in-loop one: the complete copy stays until the new one is in place.
    const aside = `${final}.old-${process.pid}`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(final, aside);
    renameSync(tmp, final);
    fsyncPath(outputDir);
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(tmp, final);
    fsyncPath(outputDir);
  }
  const own = listCheckpoints(outputDir).filter((d) => checkpointStatus(d).run_fingerprint === fingerprint);
  for (const old of own.slice(0, -keep)) if (old !== final) removeCheckpoint(old);
  return final;
}

/** What a checkpoint-N folder is. */
export interface CheckpointStatus {
  /** Resumable: sealed by its marker, or a complete one from before markers existed. */
  complete: boolean;
  /** Written by our trainer (holds one of the files only it writes). */
  ours: boolean;
  run_fingerprint: string | null;
  run_identity?: Record<string, unknown>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

export function checkpointStatus(dir: string): CheckpointStatus {
  const has = (f: string) => existsSync(path.join(dir, f));
  const ours = OUR_FILES.some(has);
  const marker = readJson(path.join(dir, CHECKPOINT_COMPLETE)) as CheckpointMarker | undefined;
  if (marker && typeof marker === 'object' && marker.files) {
    // Either state file will do: checkpoints from before HF's trainer_state.json kept ours under that name.
    const stateFiles = [RESUME_STATE, HF_TRAINER_STATE];
    const intact = Object.entries(marker.files).every(([f, size]) => stateFiles.includes(f) || sizeOf(path.join(dir, f)) === size);
    return { complete: intact && stateFiles.some(has), ours, run_fingerprint: marker.run_fingerprint ?? null, run_identity: marker.run_identity };
  }
  const state = readJson(path.join(dir, RESUME_STATE)) as { run_fingerprint?: string | null } | undefined;
  const fingerprint = state?.run_fingerprint ?? null;
  // Without a marker, only a checkpoint written before markers existed (no fingerprint) can be complete.
  const complete = fingerprint === null && has(WEIGHTS) && has(OPTIM) && (has(RESUME_STATE) || has(HF_TRAINER_STATE));
  return { complete, ours, run_fingerprint: fingerprint };
}

/** Complete checkpoints, oldest first (incomplete ones, and folders that are not ours, are left out). */
export function listCheckpoints(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((d) => /^checkpoint-\d+$/.test(d) && checkpointStatus(path.join(outputDir, d)).complete)
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))
    .map((d) => path.join(outputDir, d));
}

/**
 * Finishes what a killed save or prune left in `outputDir`: a complete checkpoint moved aside whose
 * replacement never arrived is put back (a complete temporary copy if nothing was moved aside), and
 * the other leftovers of processes that are no longer running are removed. Only names our trainer
 * creates (`checkpoint-N.tmp|old|del-PID`) are touched.
 */
export function recoverCheckpoints(outputDir: string): void {
  if (!existsSync(outputDir)) return;
  const leftovers = readdirSync(outputDir)
    .map((d) => ({ d, m: LEFTOVER.exec(d) }))
    .filter((x): x is { d: string; m: RegExpExecArray } => x.m !== null && !writerAlive(Number(x.m[3])))
    // What was a committed checkpoint (old) is preferred to a copy that never was (tmp).
    .sort((a, b) => ['old', 'tmp', 'del'].indexOf(a.m[2]!) - ['old', 'tmp', 'del'].indexOf(b.m[2]!));
  for (const { d, m } of leftovers) {
    const leftover = path.join(outputDir, d);
    const final = path.join(outputDir, m[1]!);
    if (m[2] !== 'del' && !existsSync(final) && checkpointStatus(leftover).complete) renameSync(leftover, final);
    else rmSync(leftover, { recursive: true, force: true });
  }
}

export interface LoadedCheckpoint {
  dir: string;
  state: TrainerState;
  weights: Map<string, Tensor>;
  optimizer: Map<string, Tensor>;
}

/**
 * The resume state of a checkpoint. Checkpoints written before HF's trainer_state.json was added
 * kept our state under that name, and still resume.
 */
export function readCheckpointState(dir: string): TrainerState {
  for (const name of [RESUME_STATE, HF_TRAINER_STATE]) {
    const file = path.join(dir, name);
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as TrainerState & { run_fingerprint?: string | null };
      // The owner is checked by runIdentity.ts; a resumed state must not carry it into the next save.
      delete state.run_fingerprint;
      return state;
    }
  }
  throw new UserError(`${dir} is not a checkpoint (no ${HF_TRAINER_STATE})`);
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const state = readCheckpointState(dir);
  const read = (f: string) => {
    const st = readSafetensors(path.join(dir, f));
    return new Map([...st.tensors].map(([k, t]) => [k, tf.tensor(toFloat32(t), t.shape, 'float32')]));
  };
  return { dir, state, weights: read(WEIGHTS), optimizer: read(OPTIM) };
}
