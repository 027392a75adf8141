/**
 * T5's pretraining mixture: span corruption plus the prefix-LM objective of T5 v1.1 "LM-adapted"
 * (Lester et al. 2021) and UL2's S-denoiser (Tay et al. 2022), and optionally mBART's denoising
 * (src/pretrain/denoising.ts).
 *
 * Why: span corruption alone teaches the decoder to write short sentinel-delimited fills, never a
 * sentence of its own. A micro T5 trained on it for a few million tokens predicts span contents no
 * better than a unigram guess and starts fine-tuning at the uniform-guess loss on plain targets, so
 * translation and summarization collapse to empty outputs. In prefix-LM examples the encoder reads
 * the start of a chunk and the decoder writes the rest as plain text, which is what fine-tuning asks
 * of it.
 *
 * All objectives cut the same raw chunks of the stream (documents joined with `</s>`), so one
 * `inputsLength` bounds the encoder side of either: a prefix-LM example keeps 16 to 64 tokens of the
 * chunk as targets and the rest, plus `</s>`, as inputs. A later stage may ask for longer targets
 * (up to the whole chunk but one token): the decoder then learns from several times more tokens per
 * step, which matters because every decoder target is a token of running text to predict.
 */
import { Rng } from '../engine/random.ts';
import type { TrainExample } from '../train/collate.ts';
import { denoiseChunk, MBART_DENOISING } from './denoising.ts';
import { randomSpansNoiseMask, spanCorrupt, t5InputAndTargetLengths, T5_SPAN_CORRUPTION } from './spanCorruption.ts';

export interface PrefixLmOptions {
  minTargets: number;
  maxTargets: number;
}

export const T5_PREFIX_LM: PrefixLmOptions = { minTargets: 16, maxTargets: 64 };

/** Default share of prefix-LM examples in T5 pretraining (UL2 gives its S-denoiser a similar share). */
export const DEFAULT_PREFIX_LM_RATE = 0.5;

/** The longest target a prefix-LM example of a chunk for `inputsLength` encoder tokens can have (one token stays input). */
export function maxPrefixLmTargets(inputsLength: number): number {
  return t5InputAndTargetLengths(inputsLength, T5_SPAN_CORRUPTION).tokensLength - 1;
}

/** One prefix-LM example: the last `targets` tokens of the chunk are the labels, the rest the inputs. */
export function prefixLmExample(chunk: readonly number[], targets: number, eosId: number): TrainExample {
  if (!(targets >= 1 && targets < chunk.length)) throw new Error(`prefix LM: ${targets} target tokens of a ${chunk.length}-token chunk`);
  const cut = chunk.length - targets;
  return { input_ids: [...chunk.slice(0, cut), eosId], labels: [...chunk.slice(cut), eosId] };
}

export interface T5MixtureOptions extends Partial<PrefixLmOptions> {
  inputsLength: number;
  sentinelIds: readonly number[];
  eosId: number;
  seed: number;
  /** Share of chunks that become prefix-LM examples (0: span corruption only, as T5 v1.0). */
  prefixLmRate: number;
  /** Share of chunks that become mBART denoising examples (default 0), masked with the last sentinel. */
  denoisingRate?: number;
}

export type T5Objective = 'span_corruption' | 'prefix_lm' | 'denoising';

/**
 * The stream cut into raw chunks of span corruption's length (141 tokens for 128 inputs), each
 * drawn to be a prefix-LM example with probability `prefixLmRate`, a denoising one with probability
 * `denoisingRate`, else span-corrupted. The objective of each example is returned beside it, for
 * per-objective losses. Without denoising the draw is the one earlier stages used.
 */
export function buildT5PretrainExamples(stream: ArrayLike<number>, opts: T5MixtureOptions): { examples: TrainExample[]; objectives: T5Objective[] } {
  const denoisingRate = opts.denoisingRate ?? 0;
  if (!(opts.prefixLmRate >= 0 && opts.prefixLmRate <= 1)) throw new Error(`prefix-LM rate must be in [0, 1], got ${opts.prefixLmRate}`);
  if (!(denoisingRate >= 0 && opts.prefixLmRate + denoisingRate <= 1))
    throw new Error(
      `denoising rate must be in [0, ${Number((1 - opts.prefixLmRate).toFixed(6))}] beside prefix-LM rate ${opts.prefixLmRate}, got ${denoisingRate}`,
    );
  const { tokensLength } = t5InputAndTargetLengths(opts.inputsLength, T5_SPAN_CORRUPTION);
  const minT = opts.minTargets ?? T5_PREFIX_LM.minTargets;
  const maxT = Math.min(opts.maxTargets ?? T5_PREFIX_LM.maxTargets, maxPrefixLmTargets(opts.inputsLength));
  if (!(Number.isInteger(minT) && minT >= 1 && minT <= maxT))
    throw new Error(`prefix LM: target range ${minT}-${opts.maxTargets ?? T5_PREFIX_LM.maxTargets} is not valid for ${tokensLength}-token chunks`);
  const spanRng = new Rng(opts.seed);
  const mixRng = new Rng(opts.seed ^ 0x5bd1e995);
  const denoiseRng = new Rng(opts.seed ^ 0x27d4eb2f);
  const denoising = { ...MBART_DENOISING, maskId: opts.sentinelIds[opts.sentinelIds.length - 1]!, eosId: opts.eosId };
  const examples: TrainExample[] = [];
  const objectives: T5Objective[] = [];
  for (let start = 0; start + tokensLength <= stream.length; start += tokensLength) {
    const chunk = Array.from({ length: tokensLength }, (_, i) => stream[start + i]!);
    if (mixRng.chance(opts.prefixLmRate)) {
      examples.push(prefixLmExample(chunk, minT + mixRng.int(maxT - minT + 1), opts.eosId));
      objectives.push('prefix_lm');
    } else if (denoisingRate > 0 && mixRng.chance(denoisingRate / (1 - opts.prefixLmRate))) {
      examples.push(denoiseChunk(chunk, denoiseRng, denoising));
      objectives.push('denoising');
    } else {
      examples.push(spanCorrupt(chunk, randomSpansNoiseMask(tokensLength, spanRng), opts.sentinelIds, opts.eosId));
      objectives.push('span_corruption');
    }
  }
  return { examples, objectives };
}
