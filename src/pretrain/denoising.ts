/**
 * mBART's monolingual denoising (Liu et al. 2020), BART's text infilling (Lewis et al. 2020) on a
 * window of running text: about 35% of the window's tokens, in spans of mean length 3.5, are each
 * replaced by one mask token, and the decoder writes the whole window back.
 *
 * Why: span corruption's targets are short sentinel-delimited fills and prefix LM's continue past the
 * encoder's text, so neither asks the decoder to walk through the encoder's text position by
 * position. Reconstructing the whole window does: cross-attention learns to follow the source
 * monotonically, which is most of what translation needs from it, and mBART showed that this,
 * trained on monolingual text of each language, is what makes a pretrained encoder-decoder worth
 * fine-tuning on few aligned pairs.
 *
 * The window is the start of a raw chunk (24 to 96 tokens: sentence to paragraph length, as the
 * fine-tuning inputs are); the rest of the chunk is not used. Spans are laid out as span
 * corruption's (random_spans_noise_mask) at the higher noise density.
 */
import type { Rng } from '../engine/random.ts';
import type { TrainExample } from '../train/collate.ts';
import { randomSpansNoiseMask, type SpanCorruptionOptions } from './spanCorruption.ts';

export interface DenoisingOptions extends SpanCorruptionOptions {
  minTokens: number;
  maxTokens: number;
}

export const MBART_DENOISING: DenoisingOptions = { minTokens: 24, maxTokens: 96, noiseDensity: 0.35, meanNoiseSpanLength: 3.5 };

/** One denoising example: each masked run of `window` becomes one `maskId`; the labels are the whole window. */
export function denoisingExample(window: readonly number[], mask: readonly boolean[], maskId: number, eosId: number): TrainExample {
  return { input_ids: [...maskRuns(window, mask, maskId), eosId], labels: [...window, eosId] };
}

function maskRuns(window: readonly number[], mask: readonly boolean[], maskId: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < window.length; i++) {
    if (!mask[i]) out.push(window[i]!);
    else if (i === 0 || !mask[i - 1]) out.push(maskId);
  }
  return out;
}

/** A denoising example from the start of `chunk`, its window length and masked spans drawn from `rng`. */
export function denoiseChunk(chunk: readonly number[], rng: Rng, opts: { maskId: number; eosId: number } & DenoisingOptions): TrainExample {
  const most = Math.min(opts.maxTokens, chunk.length);
  const length = opts.minTokens + rng.int(most - opts.minTokens + 1);
  const window = chunk.slice(0, length);
  return denoisingExample(window, randomSpansNoiseMask(length, rng, opts), opts.maskId, opts.eosId);
}
