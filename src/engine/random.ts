/**
 * Seeded randomness. Every random choice in training (dropout masks, shuffling, init) and in data work
 * (splits, synthetic corpora) draws from here, never from Math.random: the same seed gives the same
 * loss curve on the same backend and the same split and synthetic corpus on every machine, and the
 * state can be saved in a checkpoint and restored.
 */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): small state, good enough for masks, shuffles and
 * sampling, and portable — only 32-bit integer arithmetic, identical on every machine. The state is
 * one uint32, so it can be checkpointed and restored.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`rng.int needs n > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick on an empty array');
    return items[this.int(items.length)]!;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

/** The process-wide generator for dropout seeds; the trainer reseeds it and checkpoints its state. */
export const dropoutRng = new Rng(42);

export function nextDropoutSeed(): number {
  return dropoutRng.int(2 ** 31);
}

/** FNV-1a over UTF-16 code units: turns a string seed (or a seed plus a label) into 32 bits. */
export function hashSeed(seed: number | string, label = ''): number {
  const text = `${typeof seed === 'number' ? `n${seed}` : `s${seed}`}|${label}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A generator seeded from a hashed (seed, label), so that each use of one seed (a split, a synthetic
 * corpus) draws its own independent stream.
 */
export function createRng(seed: number | string, label = ''): Rng {
  return new Rng(hashSeed(seed, label));
}
