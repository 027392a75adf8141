/**
 * numpy's legacy global random stream (`np.random.seed(s)` then `np.random.choice`), bit for bit.
 *
 * rouge-score's `BootstrapAggregator` draws its resamples from this stream, so a seeded aggregate can
 * be reproduced exactly (the goldens seed it with `np.random.seed`). Legacy `randint` uses masked
 * rejection sampling on 32-bit MT19937 outputs.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class LegacyRandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** `np.random.seed(seed)` for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be in [0, 2^32), got ${seed}`);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.pos = N;
  }

  private generate(): void {
    const k = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (k[i]! & UPPER) | (k[i + 1]! & LOWER);
      k[i] = k[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (k[i]! & UPPER) | (k[i + 1]! & LOWER);
      k[i] = k[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (k[N - 1]! & UPPER) | (k[0]! & LOWER);
    k[N - 1] = k[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `randint(0, high)` for 1 <= high <= 2^31: masked rejection, as numpy's legacy path. */
  randintBelow(high: number): number {
    const rng = high - 1;
    if (rng === 0) return 0;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > rng);
    return v;
  }

  /** `np.random.choice(np.arange(n), size=size)`: `size` indices in [0, n). */
  choice(n: number, size: number): Int32Array {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.randintBelow(n);
    return out;
  }
}
