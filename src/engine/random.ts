/**
 * Seeded randomness. Every random choice in training (dropout masks, shuffling, init) draws from
 * here so that the same seed gives the same loss curve on the same backend, and the state can be
 * saved in a checkpoint and restored.
 */

/** mulberry32: small, fast, good enough for masks and shuffles; state is one uint32. */
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
    return Math.floor(this.next() * n);
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
