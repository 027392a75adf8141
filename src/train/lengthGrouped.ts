/**
 * transformers' `get_length_grouped_indices` (the LengthGroupedSampler behind `group_by_length`):
 * a random permutation cut into megabatches of `megaBatchMult × batchSize` examples, each sorted by
 * length, longest first. Consecutive batches then hold examples of similar length, so a batch of short
 * pairs is not padded to the length of one long pair, while the megabatches keep the order random.
 */
import type { Rng } from '../engine/random.ts';

/** HF's default: min(n / (4 × batch), 50) batches per megabatch, at least one. */
export function defaultMegaBatchMult(n: number, batchSize: number): number {
  return Math.max(1, Math.min(Math.floor(n / (batchSize * 4)), 50));
}

export function lengthGroupedIndices(
  lengths: readonly number[],
  batchSize: number,
  rng: Rng,
  megaBatchMult = defaultMegaBatchMult(lengths.length, batchSize),
): number[] {
  const permuted = rng.shuffle([...lengths.keys()]);
  const size = megaBatchMult * batchSize;
  const out: number[] = [];
  for (let i = 0; i < permuted.length; i += size) {
    // A stable sort keeps the random order among equal lengths, as Python's sorted does.
    // One at a time: a mega-batch can hold the whole dataset, too many for push(...)'s arguments.
    for (const j of permuted.slice(i, i + size).sort((a, b) => lengths[b]! - lengths[a]!)) out.push(j);
  }
  return out;
}
