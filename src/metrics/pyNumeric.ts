/**
 * Floating-point results as Python and numpy compute them, bit for bit.
 *
 * sacrebleu's corpus CI mean is `statistics.mean` (the exact rational mean, rounded once), while its
 * paired tests use `numpy.mean` (pairwise summation); rouge-score's bounds are `numpy.percentile`
 * with linear interpolation. The last bit differs between these, and users compare printed reprs,
 * so each is reproduced rather than approximated. Python's `f"{x:.2f}"` rounds half to even on the
 * exact binary value, which `Number.prototype.toFixed` does not.
 */

const TWO52 = 2n ** 52n;
const TWO53 = 2n ** 53n;

/** A finite double as sign * mantissa * 2^exponent with an integer mantissa. */
function decompose(x: number): { mant: bigint; exp: number } {
  if (x === 0) return { mant: 0n, exp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= TWO52;
    exp = biased - 1075;
  }
  return { mant: sign * mant, exp };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** num/den (den > 0) rounded once to the nearest double, ties to even; normal-range results only. */
export function ratioToDouble(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const neg = num < 0n;
  const n = neg ? -num : num;
  let e = bitLength(n) - bitLength(den) - 53;
  let q: bigint;
  let r: bigint;
  let d: bigint;
  for (;;) {
    const nn = e < 0 ? n << BigInt(-e) : n;
    d = e > 0 ? den << BigInt(e) : den;
    q = nn / d;
    r = nn % d;
    if (q >= TWO53) e += 1;
    else if (q < TWO52) e -= 1;
    else break;
  }
  const twice = 2n * r;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
  const v = Number(q) * 2 ** e;
  return neg ? -v : v;
}

/** Python `statistics.mean(xs)`: the exact mean of the doubles, correctly rounded. */
export function exactMean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of no values');
  const parts = xs.map(decompose);
  // A loop, not Math.min(...): one argument per value overflows the stack on long inputs.
  let minExp = Infinity;
  for (const p of parts) if (p.exp < minExp) minExp = p.exp;
  let sum = 0n;
  for (const p of parts) sum += p.mant << BigInt(p.exp - minExp);
  let den = BigInt(xs.length);
  if (minExp < 0) den <<= BigInt(-minExp);
  else sum <<= BigInt(minExp);
  return ratioToDouble(sum, den);
}

/** numpy's pairwise summation of float64 (`pairwise_sum_DOUBLE`: blocks of 128, 8 accumulators). */
export function numpyPairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpyPairwiseSum(a, start, n2) + numpyPairwiseSum(a, start + n2, n - n2);
}

/** `numpy.mean` of a 1-D float64 array. */
export function numpyMean(a: ArrayLike<number>): number {
  return numpyPairwiseSum(a) / a.length;
}

/**
 * `numpy.percentile(values, q)` with the default linear method, for one column. `q` is in percent,
 * as numpy takes it; the index arithmetic follows numpy (q/100, then (n-1)*q, then `_lerp`).
 */
export function numpyPercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  let prev = Math.floor(virtual);
  let next = prev + 1;
  if (virtual >= n - 1) {
    prev = n - 1;
    next = n - 1;
  } else if (virtual < 0) {
    prev = 0;
    next = 0;
  }
  const gamma = virtual - Math.floor(virtual);
  const a = sorted[prev]!;
  const b = sorted[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Python `f"{x:.{digits}f}"`: exact decimal rounding of the binary value, ties to even. */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const { mant, exp } = decompose(x);
  const neg = mant < 0n || Object.is(x, -0);
  const m = mant < 0n ? -mant : mant;
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (m << BigInt(exp)) * scale;
  else {
    const num = m * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const twice = 2n * (num % den);
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return neg ? `-${s}` : s;
}
