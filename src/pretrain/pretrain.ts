/**
 * `peft-lab pretrain`: trains the shared tokenizer, and pretrains the micro presets from scratch
 * with the project's Trainer (the `full` plugin: every parameter trained, AdamW, cosine schedule
 * with warmup, clipping, atomic checkpoints, exact resume).
 *
 * - gpt2-micro: causal LM on packed 128-token blocks (documents separated by <|endoftext|>);
 * - t5-micro: span corruption (15% noise, mean span 3, sentinels), 128 input / 29 target tokens.
 *
 * Choices (see fixtures/models/PRETRAINING.md for the numbers):
 * - lr 2e-3, AdamW betas (0.9, 0.98), weight decay 0.01, 5% warmup then cosine to 0, clip 1.0,
 *   batch 16: the range small transformers train well in, and a small batch gives more updates
 *   in the few thousand steps two CPU cores allow.
 * - dropout 0 while pretraining: the run sees well under one epoch, so there is nothing to
 *   regularise and dropout only slows learning; config.json ships the preset's fine-tuning dropout
 *   (SHIPPED_DROPOUT: GPT-2 0.1, the HF default; t5-micro 0, which its fine-tunes measured better).
 * - `--minutes N`: the cosine schedule runs on the wall clock, not on a step count: after a linear
 *   warmup of 40 steps the learning rate is peak · ½(1 + cos(π · t / T)), t the training time so
 *   far and T the training budget, and training stops at T. On a shared machine whose speed
 *   changes by 2-3x while it runs, a step count fixed in advance would either stop before the
 *   rate has decayed or finish early and leave the budget unused. `--max-steps N` uses the
 *   Trainer's own step-based cosine schedule instead. The plan (budget, schedule) is saved in the
 *   work folder, so `--resume` continues the same schedule.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPretrained } from '../models/hf/loadPretrained.ts';
import { modelFamily, type LanguageModel } from '../models/registry.ts';
import { loadTokenizer, type HfTokenizer, type TokenizerJson } from '../models/tokenizers/index.ts';
import { getPeftModel } from '../peft/getPeftModel.ts';
import { baselineMethod } from '../peft/methodInfo.ts';
import type { TrainingArguments } from '../train/arguments.ts';
import { listCheckpoints, readCheckpointState, type LogEntry } from '../train/checkpoint.ts';
import { Trainer, type TrainResult } from '../train/trainer.ts';
import { UserError } from '../util/errors.ts';
import { preparePretrainData, type PretrainData } from './data.ts';
import { meanLoss, sampleGenerations } from './evaluate.ts';
import { saveHfModel } from './export.ts';
import { initWeights } from './init.ts';
import type { Log, PretrainOptions } from './options.ts';
import { loadOrMakePlan, RESERVE_S, type PretrainPlan } from './plan.ts';
import { preset as getPreset, SHIPPED_DROPOUT, type PresetName } from './presets.ts';
import type { T5Objective } from './prefixLm.ts';
import { buildPretrainResult, type ExportEvaluation, type PretrainResult } from './result.ts';
import { WallClockCosine } from './schedule.ts';
import { writeTokenizerFiles } from './sharedTokenizer.ts';

type Flavor = 'gpt2' | 't5';
type Preset = ReturnType<typeof getPreset>;

const flavorOf = (p: PresetName) => (p === 'gpt2-micro' ? 'gpt2' : 't5') as Flavor;

interface SharedTokenizer {
  json: TokenizerJson;
  tok: HfTokenizer;
}

function loadSharedTokenizer(tokenizerDir: string): SharedTokenizer {
  const tokJsonPath = path.join(tokenizerDir, 'tokenizer.json');
  if (!existsSync(tokJsonPath))
    throw new UserError(`${tokenizerDir} has no tokenizer.json: run 'peft-lab pretrain --preset tokenizer --out ${tokenizerDir}' first`);
  const json = JSON.parse(readFileSync(tokJsonPath, 'utf8')) as TokenizerJson;
  return { json, tok: loadTokenizer(tokenizerDir) };
}

/** The preset's config with the test overrides, checked against the tokenizer. */
function modelConfig(opts: PretrainOptions, base: Preset, tok: HfTokenizer): Record<string, unknown> {
  const config = { ...base.config, ...opts.configOverrides };
  if (config.vocab_size !== tok.vocabSize)
    throw new UserError(`the tokenizer in ${opts.tokenizerDir} has ${tok.vocabSize} tokens but ${opts.preset} expects vocab_size ${String(config.vocab_size)}`);
  return config;
}

/** A freshly initialised model, or one continuing from `--init-from`'s weights. */
function createModel(opts: PretrainOptions, config: Record<string, unknown>, seed: number, log: Log): LanguageModel {
  const model = modelFamily(config.model_type, opts.preset).create(config, opts.preset);
  initWeights(model, seed);
  if (!opts.initFrom) return model;
  const source = loadPretrained(opts.initFrom);
  const weights = new Map(source.namedParameters());
  for (const [name, p] of model.namedParameters()) {
    const w = weights.get(name);
    if (!w || w.shape.join(',') !== p.shape.join(','))
      throw new UserError(`--init-from ${opts.initFrom}: no weight '${name}' of shape [${p.shape}] (a different preset or config?)`);
    p.assign(w);
  }
  source.dispose();
  log(`${opts.preset}: initialised from ${opts.initFrom}`);
  return model;
}

/**
 * When the command must stop (performance.now() ms): its --minutes less the export reserve; a resumed
 * run gets a fresh wall-clock budget of its own, on top of the plan's. Infinity without --minutes.
 */
function commandDeadline(opts: PretrainOptions, wallStart: number): number {
  return opts.minutes ? wallStart + (opts.minutes * 60 - RESERVE_S) * 1000 : Infinity;
}

/** The wall-clock schedule (when the plan has one) and the stop at the command's own deadline. */
function trainerCallbacks(opts: PretrainOptions, plan: PretrainPlan, args: TrainingArguments, wallStart: number, log: Log) {
  const callbacks = [];
  if (plan.schedule === 'minutes') {
    const clock = new WallClockCosine(plan.peak_learning_rate, plan.warmup_steps, plan.train_seconds_budget!);
    const last = opts.resume ? listCheckpoints(opts.workDir).at(-1) : undefined;
    const state = last ? readCheckpointState(last) : undefined;
    args.learning_rate = clock.lrAt(state?.global_step ?? 0, state?.train_seconds ?? 0);
    callbacks.push(clock.callback(args));
    log(`${opts.preset}: wall-clock cosine schedule over ${plan.train_seconds_budget!.toFixed(0)} s of training`);
  }
  const deadline = commandDeadline(opts, wallStart);
  callbacks.push({
    onStepEnd(_e: LogEntry, t: Trainer) {
      if (performance.now() > deadline) t.requestStop();
    },
  });
  return callbacks;
}

function compactLog(entries: readonly LogEntry[]): string {
  const r = (x: number | undefined, d = 5) => (x === undefined ? undefined : Number(x.toPrecision(d)));
  return (
    entries
      .map((e) =>
        JSON.stringify(
          e.eval_loss !== undefined
            ? { step: e.step, eval_loss: r(e.eval_loss) }
            : {
                step: e.step,
                loss: r(e.loss),
                lr: r(e.learning_rate, 3),
                grad_norm: r(e.grad_norm, 3),
                tokens_per_s: Math.round(e.tokens_per_s ?? 0),
                elapsed_s: Math.round(e.elapsed_s ?? 0),
              },
        ),
      )
      .join('\n') + '\n'
  );
}

interface ExportInput {
  opts: PretrainOptions;
  flavor: Flavor;
  base: Preset;
  config: Record<string, unknown>;
  sharedJson: TokenizerJson;
  fit: TrainResult;
}

/** Export: the preset's config with the fine-tuning dropout, F16 weights, the tokenizer, the loss curve. */
function exportModel(model: LanguageModel, { opts, flavor, base, config, sharedJson, fit }: ExportInput): void {
  const dropoutKeys = flavor === 'gpt2' ? ['attn_pdrop', 'embd_pdrop', 'resid_pdrop'] : ['dropout_rate'];
  const configDropout = opts.configDropout ?? SHIPPED_DROPOUT[opts.preset];
  const shipped = { ...config };
  for (const k of dropoutKeys) shipped[k] = configDropout;
  saveHfModel(model, opts.outDir, { config: shipped, generationConfig: base.generationConfig });
  writeTokenizerFiles(opts.outDir, flavor, sharedJson, flavor === 'gpt2' ? (config.n_positions as number) : 512);
  writeFileSync(path.join(opts.outDir, 'pretrain_loss.jsonl'), compactLog(fit.log_history));
}

/** The shipped files, reloaded: held-out loss (per T5 objective too) and samples. */
function evaluateExport(opts: PretrainOptions, flavor: Flavor, data: PretrainData, batch: number): ExportEvaluation {
  const evalN = opts.evalSequences ?? 64;
  const { validExamples, validObjectives } = data;
  const exported = loadPretrained(opts.outDir);
  const heldout = validExamples.slice(0, evalN * 4);
  const heldoutLoss = meanLoss(exported, heldout, batch, 0);
  const byObjective: Partial<Record<T5Objective, number>> = {};
  if (validObjectives)
    for (const o of new Set(validObjectives)) {
      const picked = validExamples.filter((_, i) => validObjectives[i] === o).slice(0, evalN * 4);
      byObjective[o] = meanLoss(exported, picked, batch, 0);
    }
  const samples = sampleGenerations(exported, loadTokenizer(opts.outDir), flavor);
  exported.dispose();
  return { heldoutLoss, byObjective: validObjectives ? byObjective : undefined, heldoutSequences: heldout.length, samples };
}

export async function runPretraining(opts: PretrainOptions): Promise<PretrainResult> {
  const wallStart = performance.now();
  const log = opts.log ?? (() => {});
  const flavor = flavorOf(opts.preset);
  const seed = opts.seed ?? 42;
  const pretrainDropout = opts.pretrainDropout ?? 0;
  const batch = opts.batchSize ?? 16;
  mkdirSync(opts.workDir, { recursive: true });

  const { json: sharedJson, tok } = loadSharedTokenizer(opts.tokenizerDir);
  const base = getPreset(opts.preset, { dropout: pretrainDropout });
  const config = modelConfig(opts, base, tok);
  const seqLen = base.sequenceLength;
  const data = await preparePretrainData({ opts, flavor, tok, seqLen, seed, log });
  const evalSet = data.validExamples.slice(0, opts.evalSequences ?? 64);
  const model = createModel(opts, config, seed, log);
  // Every parameter trains: the baseline method (full fine-tuning) does that, checkpoints included.
  const peft = getPeftModel(model, baselineMethod().name, {});

  const plan = loadOrMakePlan({ opts, flavor, config, seed, batch, wallStart, log });
  // The work folder is this command's own: a new plan replaces whatever an earlier one left there.
  const args: TrainingArguments = { ...plan.training_args, output_dir: opts.workDir, overwrite_output_dir: opts.resume !== true };
  const callbacks = trainerCallbacks(opts, plan, args, wallStart, log);
  // The wall-clock schedule sets the rate from the resumed state, so the rate is not what identifies the run.
  const identity = { ignore: plan.schedule === 'minutes' ? (['learning_rate'] as const) : [] };
  // The progress line counts down to the deadline trainerCallbacks stops at.
  const deadline = commandDeadline(opts, wallStart);
  const trainer = new Trainer(peft, args, data.trainExamples, evalSet, callbacks, {
    quiet: opts.quiet,
    padTokenId: 0,
    identity,
    ...(Number.isFinite(deadline) ? { timeBudgetSeconds: (deadline - performance.now()) / 1000 } : {}),
  });
  const fit = await trainer.fit(opts.resume === true);
  trainer.dispose();

  exportModel(model, { opts, flavor, base, config, sharedJson, fit });
  const parameters = model.numParameters();
  model.dispose();
  const evaluation = evaluateExport(opts, flavor, data, batch);
  const result = buildPretrainResult({ opts, flavor, seqLen, batch, pretrainDropout, data, plan, args, fit, parameters, evaluation, wallStart });
  writeFileSync(path.join(opts.outDir, 'pretrain_result.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}
