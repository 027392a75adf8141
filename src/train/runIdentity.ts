/**
 * A run owns its output_dir. A fingerprint of everything that decides a run's results (the model and
 * its frozen weights, the method and its config, the training data, the training hyperparameters and
 * seeds) goes into every checkpoint and into output_dir/run_fingerprint.json. Resuming, or starting,
 * in a folder that holds another run's checkpoints is refused with one line, unless
 * overwrite_output_dir asks to start fresh; folders the trainer did not write are never deleted.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tf } from '../engine/tf.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import { UserError } from '../util/errors.ts';
import type { TrainingArguments } from './arguments.ts';
import { checkpointStatus, HF_TRAINER_STATE, recoverCheckpoints, removeCheckpoint, type CheckpointOwner } from './checkpoint.ts';
import type { TrainExample } from './collate.ts';
import { sortedJson, TRAINING_ARGS } from './hfTrainerFiles.ts';

export const RUN_FINGERPRINT = 'run_fingerprint.json';

/** Settings that decide where, how often and how verbosely results are written, not what they are. */
const NOT_IDENTITY: readonly (keyof TrainingArguments)[] = ['output_dir', 'overwrite_output_dir', 'save_steps', 'save_total_limit', 'logging_steps'];

/** Files the trainer writes into output_dir (hfTrainerFiles.ts, the loss log and the fingerprint). */
const TRAINER_FILES = ['loss_log.jsonl', HF_TRAINER_STATE, 'train_results.json', 'eval_results.json', 'all_results.json', TRAINING_ARGS, RUN_FINGERPRINT];

const CHECKPOINT = /^checkpoint-\d+$/;
const LEFTOVER = /^checkpoint-\d+\.(tmp|old|del)-\d+$/;

export interface IdentityOptions {
  /** Training arguments a caller changes between a run and its resumption by design (e.g. a wall-clock schedule's rate). */
  ignore?: readonly (keyof TrainingArguments)[];
  /** What else decides the results that the trainer cannot see (e.g. the seed a method was initialised with). */
  experiment?: Record<string, unknown>;
}

function digestExamples(examples: TrainExample[]): string {
  const h = createHash('sha256');
  for (const e of examples) {
    h.update(new Uint8Array(Int32Array.from([e.input_ids.length, e.labels.length]).buffer));
    h.update(new Uint8Array(Int32Array.from(e.input_ids).buffer));
    h.update(new Uint8Array(Int32Array.from(e.labels).buffer));
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Frozen weights are part of the experiment (a different base model of the same shape gives other
 * results) but are not in checkpoints: a sample of each (its head) tells bases apart without reading
 * every weight of a large model.
 */
function digestFrozen(model: PeftModel): string {
  const trainable = new Set(model.trainableParameters().map(([, v]) => v));
  const h = createHash('sha256');
  for (const [name, p] of model.base.namedParameters()) {
    if (trainable.has(p)) continue;
    h.update(`${name}:${p.shape.join('x')};`);
    const head = tf.tidy(() => tf.slice(tf.reshape(p, [-1]), 0, Math.min(64, p.size)).dataSync());
    h.update(new Uint8Array(Float32Array.from(head).buffer));
  }
  return h.digest('hex').slice(0, 16);
}

/** The fingerprint of a run: what decides its results, and its hash. */
export function runIdentity(
  model: PeftModel,
  args: TrainingArguments,
  train: TrainExample[],
  evalSet: TrainExample[],
  opts: IdentityOptions = {},
): CheckpointOwner {
  const skip = new Set<string>([...NOT_IDENTITY, ...(opts.ignore ?? [])]);
  const training_args = Object.fromEntries(Object.entries(args).filter(([k]) => !skip.has(k)));
  // Where files live is not what they hold: paths are left out so that a moved folder still resumes.
  const { base_model_name_or_path: _base, inference_mode: _mode, ...method_config } = model.adapter.config as unknown as Record<string, unknown>;
  const { _name_or_path: _name, ...config } = model.config as Record<string, unknown>;
  const identity: Record<string, unknown> = {
    training_args,
    method: model.plugin.name,
    method_config,
    model: { config, frozen_weights: digestFrozen(model), trainable: model.trainableParameters().map(([n, v]) => `${n}:${v.shape.join('x')}`) },
    data: { train: digestExamples(train), validation: digestExamples(evalSet) },
    ...(opts.experiment ? { experiment: opts.experiment } : {}),
  };
  const canonical = JSON.parse(sortedJson(identity, 0)) as Record<string, unknown>;
  return { run_fingerprint: createHash('sha256').update(sortedJson(canonical, 0)).digest('hex').slice(0, 16), identity: canonical };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The first field that differs between two identities, as `field: X there, Y here`. */
export function identityDifference(there: unknown, here: unknown, where = ''): string | undefined {
  if (sortedJson(there, 0) === sortedJson(here, 0)) return undefined;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(there) && isObj(here)) {
    for (const k of [...new Set([...Object.keys(there), ...Object.keys(here)])].sort()) {
      const d = identityDifference(there[k], here[k], where ? `${where}.${k}` : k);
      if (d) return d;
    }
  }
  return `${where || 'the run'}: ${show(there) ?? 'unset'} there, ${show(here) ?? 'unset'} here`;
}

interface RecordedRun {
  run_fingerprint: string | null;
  identity?: Record<string, unknown>;
}

function foreign(outputDir: string, what: string, theirs: RecordedRun, ours: CheckpointOwner): UserError {
  const d = theirs.identity ? identityDifference(theirs.identity, ours.identity) : undefined;
  const why = d ?? `fingerprint ${theirs.run_fingerprint} there, ${ours.run_fingerprint} here`;
  return new UserError(`output_dir ${outputDir} holds ${what} of another run (${why}); use another output_dir or --overwrite_output_dir to start fresh`);
}

/**
 * Makes `outputDir` this run's before anything is written: finishes interrupted saves, deletes what
 * the trainer wrote there when `overwrite` is asked for, refuses folders of other runs (and folders
 * named like checkpoints that the trainer did not write), removes this run's incomplete checkpoints,
 * and records the fingerprint. `resume` is a checkpoint folder, true for the newest one, or false.
 */
export function claimOutputDir(outputDir: string, owner: CheckpointOwner, resume: boolean | string, overwrite: boolean): void {
  if (overwrite && resume) throw new UserError(`--resume and overwrite_output_dir contradict each other: resume ${outputDir}'s run, or start it over`);
  mkdirSync(outputDir, { recursive: true });
  recoverCheckpoints(outputDir);
  const entries = readdirSync(outputDir);
  if (overwrite) {
    for (const d of entries) {
      const p = path.join(outputDir, d);
      if (CHECKPOINT.test(d) && checkpointStatus(p).ours) removeCheckpoint(p);
      else if (LEFTOVER.test(d) || TRAINER_FILES.includes(d)) rmSync(p, { recursive: true, force: true });
    }
  }
  const checkpoints = readdirSync(outputDir)
    .filter((d) => CHECKPOINT.test(d))
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
  const unfinished: string[] = [];
  for (const d of checkpoints) {
    const dir = path.join(outputDir, d);
    const s = checkpointStatus(dir);
    if (!s.ours) throw new UserError(`output_dir ${outputDir} holds ${d}, which was not written by peft-lab; move it away or use another output_dir`);
    if (s.run_fingerprint === owner.run_fingerprint) {
      if (!s.complete) unfinished.push(dir);
      continue;
    }
    if (s.run_fingerprint !== null) throw foreign(outputDir, d, { run_fingerprint: s.run_fingerprint, identity: s.run_identity }, owner);
    // Written before checkpoints named their run: it can only be taken on trust, by asking to resume it.
    if (!s.complete || !resume)
      throw new UserError(
        `output_dir ${outputDir} holds ${d} ${s.complete ? 'from a run of an earlier version, which cannot be matched to this experiment' : 'of an unknown run, incomplete'}; ` +
          `${s.complete ? 'resume it with --resume, ' : ''}use another output_dir or --overwrite_output_dir to start fresh`,
      );
  }
  const recorded = path.join(outputDir, RUN_FINGERPRINT);
  if (existsSync(recorded)) {
    let theirs: RecordedRun | undefined;
    try {
      theirs = JSON.parse(readFileSync(recorded, 'utf8')) as RecordedRun;
    } catch {
      throw new UserError(`${recorded} is not valid JSON: it records which run owns ${outputDir}; use another output_dir or --overwrite_output_dir`);
    }
    if (theirs.run_fingerprint !== owner.run_fingerprint) throw foreign(outputDir, `the results (${RUN_FINGERPRINT})`, theirs, owner);
  }
  if (typeof resume === 'string') {
    const s = checkpointStatus(resume);
    if (!s.complete)
      throw new UserError(
        `${resume} is not a complete checkpoint (no ${HF_TRAINER_STATE} with its weights and optimizer state); resume from another checkpoint-N folder`,
      );
    if (s.run_fingerprint !== null && s.run_fingerprint !== owner.run_fingerprint) {
      const d = s.run_identity ? identityDifference(s.run_identity, owner.identity) : `fingerprint ${s.run_fingerprint} there, ${owner.run_fingerprint} here`;
      throw new UserError(`${resume} is a checkpoint of another run (${d}); resume it with the experiment that wrote it, or start fresh in another output_dir`);
    }
  }
  // Only now that the folder is known to be this run's is anything in it removed.
  for (const dir of unfinished) removeCheckpoint(dir);
  writeFileSync(recorded, JSON.stringify({ run_fingerprint: owner.run_fingerprint, identity: owner.identity }, null, 2) + '\n');
}
