/**
 * numpy's `default_rng(seed)` stream (SeedSequence → PCG64 → Generator), bit for bit.
 *
 * sacrebleu draws its bootstrap resamples with `np.random.default_rng(12345).choice(...)` and its
 * approximate-randomization masks with `.integers(2, dtype=bool)`. Reproducing the stream means our
 * confidence intervals and p-values are the numbers sacrebleu prints, not merely statistically
 * equivalent ones; golden index matrices check it. Only what those calls use is implemented: the
 * 32-bit Lemire path of bounded integers (bounds below 2^32) and the bit-buffered booleans.
 *
 * The 128-bit LCG runs on 16-bit limbs so every partial product stays exact in a double.
 */

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;

/** numpy `_int_to_uint32_array`: little-endian 32-bit words of a non-negative integer. */
function entropyWords(seed: number | bigint): number[] {
  let n = BigInt(seed);
  if (n < 0n) throw new RangeError(`seed must be non-negative, got ${seed}`);
  if (n === 0n) return [0];
  const out: number[] = [];
  while (n > 0n) {
    out.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return out;
}

/** `SeedSequence(seed).generate_state(nWords, np.uint32)` (pool size 4, no spawn key). */
export function seedSequenceState(seed: number | bigint, nWords: number): Uint32Array {
  const entropy = entropyWords(seed);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Uint32Array(4);
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
  for (let src = 0; src < 4; src++) for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  for (let src = 4; src < entropy.length; src++) for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));

  const out = new Uint32Array(nWords);
  let h = INIT_B;
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % 4]! ^ h) >>> 0;
    h = Math.imul(h, MULT_B) >>> 0;
    v = Math.imul(v, h) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

// PCG64's multiplier 0x2360ED051FC65DA44385DF649FCCF645 as 16-bit limbs, least significant first.
const MULT = [0xf645, 0x9fcc, 0xdf64, 0x4385, 0x5da4, 0x1fc6, 0xed05, 0x2360];

/** 16-bit limbs (least significant first) of a 128-bit value given as 32-bit words, high word first. */
function limbsFromWords(w3: number, w2: number, w1: number, w0: number): number[] {
  return [w0 & 0xffff, w0 >>> 16, w1 & 0xffff, w1 >>> 16, w2 & 0xffff, w2 >>> 16, w3 & 0xffff, w3 >>> 16];
}

/** a*b for 32-bit a, b as [high 32 bits, low 32 bits], exactly. */
function mul32(a: number, b: number): [number, number] {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const t0 = a0 * b;
  const t1 = a1 * b;
  const t1lo = t1 % 65536;
  const t1hi = Math.floor(t1 / 65536);
  const low = t1lo * 65536 + t0;
  const lowMod = low % 4294967296;
  return [t1hi + Math.floor(low / 4294967296), lowMod];
}

/** `numpy.random.default_rng(seed)`: a PCG64-backed Generator, reproducing numpy's draws. */
export class NumpyGenerator {
  private state: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  private inc: number[];
  private hasUint32 = false;
  private uinteger = 0;

  constructor(seed: number | bigint) {
    const w = seedSequenceState(seed, 8);
    // generate_state(4, uint64) viewed little-endian: val[k] = w[2k] | w[2k+1] << 32;
    // initstate = val[0] << 64 | val[1], initseq = val[2] << 64 | val[3].
    const initState = limbsFromWords(w[1]!, w[0]!, w[3]!, w[2]!);
    const initSeq = limbsFromWords(w[5]!, w[4]!, w[7]!, w[6]!);
    // inc = (initseq << 1) | 1
    const inc: number[] = [];
    let carry = 0;
    for (let k = 0; k < 8; k++) {
      const v = initSeq[k]! * 2 + carry;
      inc.push(v & 0xffff);
      carry = v >>> 16;
    }
    inc[0]! |= 1;
    this.inc = inc;
    this.step();
    carry = 0;
    for (let k = 0; k < 8; k++) {
      const v = this.state[k]! + initState[k]! + carry;
      this.state[k] = v & 0xffff;
      carry = v >>> 16;
    }
    this.step();
  }

  /** state = state * MULT + inc (mod 2^128). */
  private step(): void {
    const s = this.state;
    const r = new Array<number>(8);
    let carry = 0;
    for (let k = 0; k < 8; k++) {
      let acc = carry + this.inc[k]!;
      for (let i = 0; i <= k; i++) acc += s[i]! * MULT[k - i]!;
      r[k] = acc % 65536;
      carry = Math.floor(acc / 65536);
    }
    this.state = r;
  }

  /** One 64-bit PCG64 (XSL-RR) output as [high 32 bits, low 32 bits]. */
  nextUint64(): [number, number] {
    this.step();
    const s = this.state;
    const xHi = (((s[7]! ^ s[3]!) << 16) | (s[6]! ^ s[2]!)) >>> 0;
    const xLo = (((s[5]! ^ s[1]!) << 16) | (s[4]! ^ s[0]!)) >>> 0;
    const rot = s[7]! >>> 10;
    if (rot === 0) return [xHi, xLo];
    if (rot < 32) return [((xHi >>> rot) | (xLo << (32 - rot))) >>> 0, ((xLo >>> rot) | (xHi << (32 - rot))) >>> 0];
    if (rot === 32) return [xLo, xHi];
    const r = rot - 32;
    return [((xLo >>> r) | (xHi << (32 - r))) >>> 0, ((xHi >>> r) | (xLo << (32 - r))) >>> 0];
  }

  /** numpy's `next_uint32` for PCG64: the low half of a 64-bit draw, then its high half. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const [hi, lo] = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = hi;
    return lo;
  }

  /** One draw of `integers(0, high)` for 1 <= high <= 2^32 (numpy's buffered 32-bit Lemire). */
  private boundedBelow(high: number): number {
    if (high === 1) return 0;
    if (high === 4294967296) return this.nextUint32();
    let [hi, lo] = mul32(this.nextUint32(), high);
    if (lo < high) {
      const threshold = (4294967296 - high) % high;
      while (lo < threshold) [hi, lo] = mul32(this.nextUint32(), high);
    }
    return hi;
  }

  /** `integers(0, high, size=count)` (int64), row-major. */
  integers(high: number, count: number): Int32Array {
    if (!Number.isInteger(high) || high < 1 || high > 2 ** 31) throw new RangeError(`high must be in [1, 2^31], got ${high}`);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.boundedBelow(high);
    return out;
  }

  /** `choice(n, size=(rows, cols), replace=True)` as one Int32Array per row. */
  choice(n: number, rows: number, cols: number): Int32Array[] {
    const flat = this.integers(n, rows * cols);
    const out: Int32Array[] = [];
    for (let r = 0; r < rows; r++) out.push(flat.subarray(r * cols, (r + 1) * cols));
    return out;
  }

  /** `integers(2, size=count, dtype=bool)`: one bit of each 32-bit draw, lowest bit first. */
  booleans(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let buf = 0;
    let bcnt = 0;
    for (let i = 0; i < count; i++) {
      if (bcnt === 0) {
        buf = this.nextUint32();
        bcnt = 31;
      } else {
        buf >>>= 1;
        bcnt--;
      }
      out[i] = buf & 1;
    }
    return out;
  }
}
