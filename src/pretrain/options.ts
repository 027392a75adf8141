import type { OptimizerName } from '../train/arguments.ts';
import type { PretrainCorpus } from './corpus.ts';
import type { PrefixLmOptions } from './prefixLm.ts';
import type { PresetName } from './presets.ts';

export type Log = (message: string) => void;

export interface PretrainOptions {
  preset: PresetName;
  /** The model directory to write (config.json, model.safetensors, tokenizer files, loss curve). */
  outDir: string;
  /** Checkpoints and the raw loss log (not shipped). */
  workDir: string;
  /** A directory with the shared tokenizer.json (written by the tokenizer step). */
  tokenizerDir: string;
  dataDir: string;
  /** Wall-clock budget for the whole command, in minutes. */
  minutes?: number;
  maxSteps?: number;
  resume?: boolean;
  batchSize?: number;
  learningRate?: number;
  warmupRatio?: number;
  weightDecay?: number;
  seed?: number;
  evalSteps?: number;
  /** Validation sequences scored at each evaluation (the final held-out loss uses up to 4×). */
  evalSequences?: number;
  saveSteps?: number;
  /** Dropout while pretraining (default 0) and the value config.json ships (default SHIPPED_DROPOUT). */
  pretrainDropout?: number;
  configDropout?: number;
  /**
   * Continue pretraining from the weights of this HF model directory (a previous stage's output)
   * instead of a fresh initialisation; optimizer state and schedule start anew.
   */
  initFrom?: string;
  /** The optimizer (default: adamw_scale for T5, whose weights need relative steps; adamw_torch for GPT-2). */
  optim?: OptimizerName;
  /** T5: share of prefix-LM examples in the mixture (default 0.5; 0 is span corruption alone). */
  prefixLmRate?: number;
  /** T5: how many tokens of a prefix-LM chunk are targets (default T5_PREFIX_LM: 16 to 64 of 141). */
  prefixLmTargets?: PrefixLmOptions;
  /** T5: share of mBART denoising examples (default 0); with prefixLmRate at most 1, span corruption takes the rest. */
  denoisingRate?: number;
  /** Changes to the preset's config (tests: tiny models). */
  configOverrides?: Record<string, unknown>;
  corpus?: PretrainCorpus;
  /** The command line, recorded in pretrain_result.json. */
  command?: string;
  quiet?: boolean;
  log?: Log;
}
