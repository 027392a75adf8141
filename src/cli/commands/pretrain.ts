import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { isPresetName, preset, PRESET_NAMES } from '../../pretrain/presets.ts';
import { runPretraining } from '../../pretrain/pretrain.ts';
import { DEFAULT_PREFIX_LM_RATE, maxPrefixLmTargets, type PrefixLmOptions } from '../../pretrain/prefixLm.ts';
import { runTokenizerStep } from '../../pretrain/tokenizerStep.ts';
import { dataDirFromEnv } from '../../data/index.ts';
import { sharedDir } from '../../util/paths.ts';
import { OPTIMIZERS, type OptimizerName } from '../../train/arguments.ts';
import { UserError } from '../../util/errors.ts';
import { optFloat, optInt, printJson, requireString, type Command } from '../command.ts';

/** PEFT_DATA_DIR, else the shared folder's datasets/ (../shared beside the clone, or PEFT_SHARED_DIR). */
function pretrainDataDir(): string {
  const dir = dataDirFromEnv() ?? (sharedDir() ? path.join(sharedDir()!, 'datasets') : undefined);
  if (!dir) throw new UserError('pretrain: no data folder: set PEFT_DATA_DIR to the shared datasets folder (or PEFT_SHARED_DIR)');
  return dir;
}

function optimOption(v: unknown): OptimizerName | undefined {
  if (v === undefined) return undefined;
  if (!(OPTIMIZERS as readonly unknown[]).includes(v)) throw new UserError(`--optim '${String(v)}' is not known; valid: ${OPTIMIZERS.join(', ')}`);
  return v as OptimizerName;
}

/** `MIN-MAX` target tokens per prefix-LM example of t5-micro's chunks, e.g. 32-128. */
function prefixLmTargetsOption(v: unknown): PrefixLmOptions | undefined {
  if (v === undefined) return undefined;
  const most = maxPrefixLmTargets(preset('t5-micro').sequenceLength);
  const m = /^(\d+)-(\d+)$/.exec(String(v));
  const [minTargets, maxTargets] = m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
  if (!(minTargets >= 1 && minTargets <= maxTargets && maxTargets <= most))
    throw new UserError(`--prefix-lm-targets '${String(v)}' is not valid; give MIN-MAX with 1 ≤ MIN ≤ MAX ≤ ${most}, e.g. 32-128`);
  return { minTargets, maxTargets };
}

export const command: Command = {
  name: 'pretrain',
  summary: 'train the shared tokenizer, or pretrain the gpt2-micro / t5-micro base models from scratch',
  usage:
    'peft-lab pretrain --preset tokenizer --out DIR [--vocab-size 8192]\n' +
    '       peft-lab pretrain --preset gpt2-micro|t5-micro --out DIR --tokenizer DIR (--minutes N | --max-steps N) [--resume]\n' +
    '             [--work-dir DIR] [--init-from MODEL_DIR] [--batch-size 16] [--learning-rate 2e-3 (GPT-2), 1e-2 (T5)] [--seed 42] [--quiet]\n' +
    '             [--prefix-lm-rate 0.5]   (t5-micro: share of prefix-LM examples beside span corruption)\n' +
    '             [--prefix-lm-targets 16-64]   (t5-micro: target tokens of a 141-token prefix-LM chunk, at most 140)\n' +
    '             [--denoising-rate 0]   (t5-micro: share of mBART denoising examples; with --prefix-lm-rate at most 1)\n' +
    "             [--optim adamw_torch|adamw_scale]   (default adamw_scale for t5-micro at lr 1e-2: steps relative to each weight's RMS)\n" +
    '  data: the TRAIN split (CORPUS_SPLIT) of the shared corpora in PEFT_DATA_DIR (default ../shared/datasets)\n' +
    '  the tokenizer step writes tokenizer.json (+ config, stats); a model step writes an HF model directory\n' +
    '  (config.json, model.safetensors in F16, tokenizer files, pretrain_loss.jsonl, pretrain_result.json);\n' +
    '  checkpoints go to --work-dir (default runs/pretrain/<preset>) and --resume continues from there;\n' +
    '  --init-from starts a further stage from a finished model (new schedule; use another --seed for a new data order)',
  options: {
    preset: { type: 'string' },
    out: { type: 'string' },
    tokenizer: { type: 'string' },
    'work-dir': { type: 'string' },
    'init-from': { type: 'string' },
    minutes: { type: 'string' },
    'max-steps': { type: 'string' },
    resume: { type: 'boolean' },
    'vocab-size': { type: 'string' },
    'batch-size': { type: 'string' },
    'learning-rate': { type: 'string' },
    'prefix-lm-rate': { type: 'string' },
    'prefix-lm-targets': { type: 'string' },
    'denoising-rate': { type: 'string' },
    optim: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(values) {
    const presetName = requireString(values, 'preset', 'pretrain');
    const out = requireString(values, 'out', 'pretrain');
    const log = (m: string) => process.stderr.write(`${m}\n`);
    const dataDir = pretrainDataDir();
    const seed = optInt(values, 'seed', { min: 0 }) ?? 42;
    if (presetName === 'tokenizer') {
      const stats = await runTokenizerStep({ outDir: out, dataDir, seed, vocabSize: optInt(values, 'vocab-size', { min: 512 }), log });
      printJson({ preset: 'tokenizer', out_dir: out, ...stats });
      return;
    }
    if (!isPresetName(presetName)) throw new UserError(`pretrain: --preset '${presetName}' is not known; valid: tokenizer, ${PRESET_NAMES.join(', ')}`);
    const minutes = optFloat(values, 'minutes');
    if (minutes !== undefined && !(minutes > 0)) throw new UserError(`--minutes must be > 0, got ${minutes}`);
    const learningRate = optFloat(values, 'learning-rate');
    if (learningRate !== undefined && !(learningRate > 0)) throw new UserError(`--learning-rate must be > 0, got ${learningRate}`);
    const maxSteps = optInt(values, 'max-steps', { min: 1 });
    const prefixLmRate = optFloat(values, 'prefix-lm-rate');
    if (prefixLmRate !== undefined && !(prefixLmRate >= 0 && prefixLmRate <= 1))
      throw new UserError(`--prefix-lm-rate must be between 0 and 1, got ${prefixLmRate}`);
    const denoisingRate = optFloat(values, 'denoising-rate');
    const prefixShare = prefixLmRate ?? DEFAULT_PREFIX_LM_RATE;
    // Tested as a sum, as the mixture does: 1 − 0.9 is 0.09999999999999998 in floating point, and 0.1 must pass.
    if (denoisingRate !== undefined && !(denoisingRate >= 0 && denoisingRate + prefixShare <= 1))
      throw new UserError(`--denoising-rate must be between 0 and ${Number((1 - prefixShare).toFixed(6))} (1 minus the prefix-LM rate), got ${denoisingRate}`);
    if (minutes === undefined && maxSteps === undefined && values.resume !== true)
      throw new UserError('pretrain: give --minutes N (a wall-clock budget) or --max-steps N (or --resume a run)');
    await initBackend();
    const result = await runPretraining({
      preset: presetName,
      outDir: out,
      initFrom: values['init-from'] as string | undefined,
      tokenizerDir: (values.tokenizer as string | undefined) ?? out,
      workDir: (values['work-dir'] as string | undefined) ?? path.join('runs', 'pretrain', presetName),
      dataDir,
      minutes,
      maxSteps,
      resume: values.resume === true,
      batchSize: optInt(values, 'batch-size', { min: 1 }),
      learningRate,
      prefixLmRate,
      prefixLmTargets: prefixLmTargetsOption(values['prefix-lm-targets']),
      denoisingRate,
      optim: optimOption(values.optim),
      seed,
      quiet: values.quiet === true,
      command: `peft-lab pretrain ${process.argv.slice(3).join(' ')}`,
      log,
    });
    printJson(result);
  },
};
