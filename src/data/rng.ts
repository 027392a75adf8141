/**
 * Seeded randomness for data work (splits, synthetic generation). Math.random is never used:
 * the same seed must give the same split and the same synthetic corpus on every machine, and
 * these generators use only 32-bit integer arithmetic, which JavaScript does identically everywhere.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
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
 * mulberry32 (Tommy Ettinger's 32-bit generator): small state, good enough statistical quality
 * for shuffling and sampling, and trivially portable.
 */
export function createRng(seed: number | string, label = ''): Rng {
  let state = hashSeed(seed, label);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => {
    if (!(n > 0)) throw new RangeError(`rng.int needs n > 0, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('rng.pick on an empty array');
      return items[int(items.length)]!;
    },
    chance: (p: number) => next() < p,
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
  };
}
