/**
 * T5's span-corruption objective (Raffel et al. 2020, §3.1.4), as Hugging Face's
 * examples/flax/language-modeling/run_t5_mlm_flax.py (DataCollatorForT5MLM) implements it:
 *
 * - a chunk of `tokensLength` raw tokens is masked with `random_spans_noise_mask`: round(15%) of the
 *   tokens, in round(noise / 3) spans; span lengths are a random partition, non-noise first;
 * - inputs: every noise span is replaced by one sentinel (`<extra_id_0>`, `<extra_id_1>`, … in
 *   order), then `</s>`; targets: every non-noise span is replaced by the same sentinel sequence,
 *   so that targets read `<extra_id_0> span0 <extra_id_1> span1 … </s>`;
 * - `tokensLength` is chosen (compute_input_and_target_lengths) so that inputs come out exactly at
 *   the requested length: 141 raw tokens → 128 inputs, 29 targets.
 *
 * Sentinel ids are looked up by name in the tokenizer (src/pretrain/sharedTokenizer.ts puts them at the end
 * of the vocabulary, as HF does, but nothing here depends on where they are).
 */
import { Rng } from '../engine/random.ts';
import type { TrainExample } from '../train/collate.ts';

export interface SpanCorruptionOptions {
  noiseDensity: number;
  meanNoiseSpanLength: number;
}

export const T5_SPAN_CORRUPTION: SpanCorruptionOptions = { noiseDensity: 0.15, meanNoiseSpanLength: 3 };

/** numpy's np.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The counts random_spans_noise_mask uses for a chunk of `length` tokens. */
export function noiseCounts(length: number, opts: SpanCorruptionOptions = T5_SPAN_CORRUPTION) {
  let noise = roundHalfEven(length * opts.noiseDensity);
  const nonNoiseBefore = length - noise;
  noise = Math.min(Math.max(noise, 1), length - 1);
  const spans = Math.max(roundHalfEven(Math.min(noise, nonNoiseBefore) / opts.meanNoiseSpanLength), 1);
  return { noise, nonNoise: length - noise, spans };
}

/** compute_input_and_target_lengths: raw chunk length giving `inputsLength` inputs, and the targets' length. */
export function t5InputAndTargetLengths(inputsLength: number, opts: SpanCorruptionOptions = T5_SPAN_CORRUPTION) {
  const lengths = (tokens: number) => {
    const noise = roundHalfEven(tokens * opts.noiseDensity);
    const nonNoise = tokens - noise;
    const spans = roundHalfEven(noise / opts.meanNoiseSpanLength);
    return { inputs: nonNoise + spans + 1, targets: noise + spans + 1 };
  };
  let tokensLength = inputsLength;
  while (lengths(tokensLength + 1).inputs <= inputsLength) tokensLength++;
  let targetsLength = lengths(tokensLength).targets;
  // HF's special case: at noise density 0.5 the targets may come out one longer than the inputs.
  if (opts.noiseDensity === 0.5 && targetsLength > lengths(tokensLength).inputs) {
    tokensLength--;
    targetsLength--;
  }
  return { tokensLength, targetsLength };
}

/** _random_segmentation: `items` split into `segments` non-empty runs, uniformly at random. */
function randomSegmentation(items: number, segments: number, rng: Rng): number[] {
  const boundaries = Array.from({ length: items - 1 }, (_, i) => i < segments - 1);
  rng.shuffle(boundaries);
  const lengths: number[] = [1];
  for (const b of boundaries) {
    if (b) lengths.push(1);
    else lengths[lengths.length - 1]!++;
  }
  return lengths;
}

/** random_spans_noise_mask: true where a token is noise. Starts with non-noise, ends with noise. */
export function randomSpansNoiseMask(length: number, rng: Rng, opts: SpanCorruptionOptions = T5_SPAN_CORRUPTION): boolean[] {
  const { noise, nonNoise, spans } = noiseCounts(length, opts);
  const noiseLengths = randomSegmentation(noise, spans, rng);
  const nonNoiseLengths = randomSegmentation(nonNoise, spans, rng);
  const mask: boolean[] = [];
  for (let s = 0; s < spans; s++) {
    for (let i = 0; i < nonNoiseLengths[s]!; i++) mask.push(false);
    for (let i = 0; i < noiseLengths[s]!; i++) mask.push(true);
  }
  return mask;
}

/**
 * create_sentinel_ids + filter_input_ids for one sequence: runs of `drop[i] = true` become one
 * sentinel each (sentinelIds[0], [1], …), the rest is kept; `</s>` is appended.
 */
export function replaceSpans(tokens: readonly number[], drop: readonly boolean[], sentinelIds: readonly number[], eosId: number): number[] {
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!drop[i]) out.push(tokens[i]!);
    else if (i === 0 || !drop[i - 1]) {
      if (k >= sentinelIds.length) throw new Error(`span corruption needs more than ${sentinelIds.length} sentinel tokens`);
      out.push(sentinelIds[k++]!);
    }
  }
  out.push(eosId);
  return out;
}

/** One T5 example from one raw chunk: inputs with noise spans replaced, targets with the rest replaced. */
export function spanCorrupt(tokens: readonly number[], mask: readonly boolean[], sentinelIds: readonly number[], eosId: number): TrainExample {
  return {
    input_ids: replaceSpans(tokens, mask, sentinelIds, eosId),
    labels: replaceSpans(
      tokens,
      mask.map((m) => !m),
      sentinelIds,
      eosId,
    ),
  };
}

/**
 * The corpus stream (documents each followed by `</s>`, as T5's tokenizer encodes them, then
 * concatenated: HF's group_texts) cut into raw chunks of tokensLength and span-corrupted. The
 * remainder shorter than a chunk is dropped, as group_texts does.
 */
export function buildSpanCorruptionExamples(
  stream: ArrayLike<number>,
  opts: { inputsLength: number; sentinelIds: readonly number[]; eosId: number; seed: number } & Partial<SpanCorruptionOptions>,
): TrainExample[] {
  const so: SpanCorruptionOptions = {
    noiseDensity: opts.noiseDensity ?? T5_SPAN_CORRUPTION.noiseDensity,
    meanNoiseSpanLength: opts.meanNoiseSpanLength ?? T5_SPAN_CORRUPTION.meanNoiseSpanLength,
  };
  const { tokensLength } = t5InputAndTargetLengths(opts.inputsLength, so);
  const rng = new Rng(opts.seed);
  const out: TrainExample[] = [];
  for (let start = 0; start + tokensLength <= stream.length; start += tokensLength) {
    const chunk = Array.from({ length: tokensLength }, (_, i) => stream[start + i]!);
    out.push(spanCorrupt(chunk, randomSpansNoiseMask(tokensLength, rng, so), opts.sentinelIds, opts.eosId));
  }
  return out;
}

/**
 * Inverse of spanCorrupt, for checks: fills each input sentinel with the target span it names. The
 * final `</s>` of both sequences is the appended one (a `</s>` inside is a document boundary).
 */
export function reconstructFromSpans(inputIds: readonly number[], labels: readonly number[], sentinelIds: readonly number[]): number[] {
  const sentinel = new Map(sentinelIds.map((id, i) => [id, i]));
  const spans = new Map<number, number[]>();
  let current: number[] | undefined;
  for (const t of labels.slice(0, -1)) {
    const s = sentinel.get(t);
    if (s !== undefined) spans.set(s, (current = []));
    else current?.push(t);
  }
  const out: number[] = [];
  for (const t of inputIds.slice(0, -1)) {
    const s = sentinel.get(t);
    if (s !== undefined) out.push(...(spans.get(s) ?? []));
    else out.push(t);
  }
  return out;
}
