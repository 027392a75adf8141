/**
 * Which examples of a corpus split an experiment uses: the first n (the splits are shuffled), or a
 * weighted mix of domains, optionally only pairs whose sides fit a token cap.
 *
 * Domains: `{ "tatoeba": 0.7, "wmt": 0.3 }` keeps examples whose `domain` starts with one of the keys
 * and draws from each key's examples with those probabilities, as `datasets.interleave_datasets(…,
 * probabilities=…)` does. Where interleave_datasets stops at the first exhausted source, a key that
 * runs out here is dropped and the draw continues with the others renormalised, so the experiment
 * still gets n examples; which keys ran out is recorded. The draw is seeded, so every method of a
 * suite sees the same examples.
 *
 * Token cap: pairs whose source or target is longer than `max_tokens` are skipped rather than cut, as
 * the reference pipeline filters pairs (a truncated target teaches the model to stop mid-sentence).
 */
import type { Example } from '../data/index.ts';
import { Rng } from '../engine/random.ts';
import { UserError } from '../util/errors.ts';

/** Sampling weights by domain prefix; they need not sum to 1. */
export type DomainWeights = Readonly<Record<string, number>>;

export interface SelectionOptions {
  domains?: DomainWeights | null;
  seed: number;
  /** False for an example that exceeds the token cap (skipped, counted). */
  fits?: (e: Example) => boolean;
}

export interface Selection {
  examples: Example[];
  /** Examples taken per domain key (or per domain when no weights are given). */
  by_domain: Record<string, number>;
  /** Keys whose examples ran out before n were drawn. */
  exhausted: string[];
  /** Examples skipped for the token cap. */
  too_long: number;
}

export function checkDomainWeights(domains: DomainWeights, where: string): void {
  const entries = Object.entries(domains);
  if (!entries.length) throw new UserError(`${where}: 'domains' is empty; give {"domain prefix": weight, …} or leave it out`);
  for (const [k, w] of entries)
    if (!(typeof w === 'number' && Number.isFinite(w) && w > 0))
      throw new UserError(`${where}: domains['${k}'] must be a weight > 0, got ${JSON.stringify(w)}`);
}

/** The first key that is a prefix of `domain`. */
function keyOf(domain: string | undefined, keys: readonly string[]): string | undefined {
  return keys.find((k) => (domain ?? '').startsWith(k));
}

function pickWeighted(keys: readonly string[], weights: DomainWeights, rng: Rng): string {
  const total = keys.reduce((s, k) => s + weights[k]!, 0);
  let x = rng.next() * total;
  for (const k of keys) {
    x -= weights[k]!;
    if (x < 0) return k;
  }
  return keys[keys.length - 1]!;
}

/** Up to n examples of `split` (see the module comment). */
export function selectExamples(split: readonly Example[], n: number, opts: SelectionOptions): Selection {
  const fits = opts.fits ?? (() => true);
  const byDomain: Record<string, number> = {};
  let tooLong = 0;
  const take = (e: Example, key: string) => {
    byDomain[key] = (byDomain[key] ?? 0) + 1;
    return e;
  };
  if (!opts.domains) {
    const examples: Example[] = [];
    for (const e of split) {
      if (examples.length >= n) break;
      if (!fits(e)) tooLong++;
      else examples.push(take(e, e.domain ?? ''));
    }
    return { examples, by_domain: byDomain, exhausted: [], too_long: tooLong };
  }
  const keys = Object.keys(opts.domains);
  const pools = new Map<string, Example[]>(keys.map((k) => [k, []]));
  for (const e of split) pools.get(keyOf(e.domain, keys) ?? '')?.push(e);
  const next = new Map<string, number>(keys.map((k) => [k, 0]));
  let live = keys.filter((k) => pools.get(k)!.length > 0);
  const exhausted = keys.filter((k) => pools.get(k)!.length === 0);
  const rng = new Rng(opts.seed);
  const examples: Example[] = [];
  while (examples.length < n && live.length) {
    const k = pickWeighted(live, opts.domains, rng);
    const pool = pools.get(k)!;
    let i = next.get(k)!;
    while (i < pool.length && !fits(pool[i]!)) {
      i++;
      tooLong++;
    }
    if (i < pool.length) examples.push(take(pool[i++]!, k));
    next.set(k, i);
    if (i >= pool.length) {
      live = live.filter((x) => x !== k);
      exhausted.push(k);
    }
  }
  return { examples, by_domain: byDomain, exhausted, too_long: tooLong };
}
