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
}

const STATE = 'trainer_state.json';
const WEIGHTS = 'trainable.safetensors';
const OPTIM = 'optimizer.safetensors';

function toSt(tensors: Map<string, Tensor>): Map<string, StTensor> {
  return new Map(
    [...tensors].map(([k, t]) => [k, { dtype: 'F32' as const, shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]),
  );
}

/**
 * Writes checkpoint-<step>/ atomically: everything goes to a temporary folder that is renamed
 * into place only when complete, so a run killed at any moment leaves the previous checkpoint
 * intact. Keeps the newest `keep` checkpoints.
 */
export function saveCheckpoint(
  outputDir: string,
  state: TrainerState,
  weights: Map<string, Tensor>,
  optimizer: Map<string, Tensor>,
  keep: number,
): string {
  mkdirSync(outputDir, { recursive: true });
  const final = path.join(outputDir, `checkpoint-${state.global_step}`);
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeSafetensors(path.join(tmp, WEIGHTS), toSt(weights));
  writeSafetensors(path.join(tmp, OPTIM), toSt(optimizer));
  writeFileSync(path.join(tmp, STATE), JSON.stringify(state));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  for (const old of listCheckpoints(outputDir).slice(0, -keep)) rmSync(old, { recursive: true, force: true });
  return final;
}

/** Completed checkpoints, oldest first. */
export function listCheckpoints(outputDir: string): string[] {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((d) => /^checkpoint-\d+$/.test(d) && existsSync(path.join(outputDir, d, STATE)))
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))
    .map((d) => path.join(outputDir, d));
}

export interface LoadedCheckpoint {
  dir: string;
  state: TrainerState;
  weights: Map<string, Tensor>;
  optimizer: Map<string, Tensor>;
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  if (!existsSync(path.join(dir, STATE))) throw new UserError(`${dir} is not a checkpoint (no ${STATE})`);
  const state = JSON.parse(readFileSync(path.join(dir, STATE), 'utf8')) as TrainerState;
  const read = (f: string) => {
    const st = readSafetensors(path.join(dir, f));
    return new Map([...st.tensors].map(([k, t]) => [k, tf.tensor(toFloat32(t), t.shape, 'float32')]));
  };
  return { dir, state, weights: read(WEIGHTS), optimizer: read(OPTIM) };
}
