import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../engine/tf.ts';
import { readSafetensors, toFloat32, writeSafetensors, type Tensor as StTensor } from '../models/safetensors.ts';
import { UserError } from '../util/errors.ts';

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
  return new Map(
    [...tensors].map(([k, t]) => [k, { dtype: 'F32' as const, shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]),
  );
}

export function checkpointDir(outputDir: string, step: number): string {
  return path.join(outputDir, `checkpoint-${step}`);
}

/**
 * Writes checkpoint-<step>/ atomically: everything goes to a temporary folder that is renamed
 * into place only when complete, so a run killed at any moment leaves the previous checkpoint
 * intact. Keeps the newest `keep` checkpoints. `documents` are further files (name → text), among
 * them HF's trainer_state.json, which must be one of them.
 */
export function saveCheckpoint(
  outputDir: string,
  state: TrainerState,
  weights: Map<string, Tensor>,
  optimizer: Map<string, Tensor>,
  keep: number,
  documents: Record<string, string>,
): string {
  if (!(HF_TRAINER_STATE in documents)) throw new Error(`saveCheckpoint: ${HF_TRAINER_STATE} is missing from the documents`);
  mkdirSync(outputDir, { recursive: true });
  const final = checkpointDir(outputDir, state.global_step);
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeSafetensors(path.join(tmp, WEIGHTS), toSt(weights));
  writeSafetensors(path.join(tmp, OPTIM), toSt(optimizer));
  writeFileSync(path.join(tmp, RESUME_STATE), JSON.stringify(state));
  for (const [name, text] of Object.entries(documents)) writeFileSync(path.join(tmp, name), text);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  for (const old of listCheckpoints(outputDir).slice(0, -keep)) rmSync(old, { recursive: true, force: true });
  return final;
}

/** Completed checkpoints, oldest first. */
export function listCheckpoints(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((d) => /^checkpoint-\d+$/.test(d) && existsSync(path.join(outputDir, d, HF_TRAINER_STATE)))
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))
    .map((d) => path.join(outputDir, d));
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
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as TrainerState;
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
