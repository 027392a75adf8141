/**
 * Correctly rounded `exp` and `log` for doubles.
 *
 * BLEU is `bp * exp(mean(log(p_n)))`. sacrebleu runs on glibc, whose exp/log are correctly rounded
 * for all but a tiny share of inputs, while V8's `Math.exp`/`Math.log` (fdlibm) are one unit in the
 * last place off for about 5% of BLEU scores. Evaluating in double-double precision (~106 bits)
 * and rounding once gives the glibc result in all but those rare cases (about 1 in 1000, where
 * glibc itself is the one that misrounds), so our BLEU reprs match sacrebleu's.
 *
 * Both functions reduce the argument with small tables (built once from a slower series) so that
 * short polynomials suffice; the double-double arithmetic is inlined on scalars because the
 * functions run millions of times in bootstrap and approximate-randomization tests.
 */

const SPLITTER = 134217729; // 2^27 + 1
const LN2_HI = Math.LN2;
const LN2_LO = 2.3190468138462996e-17;

// Result registers of the double-double helpers: R[0] high part, R[1] low part (no allocation).
const R = new Float64Array(2);

function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  let t = SPLITTER * ah;
  const ahh = t - (t - ah);
  const ahl = ah - ahh;
  t = SPLITTER * bh;
  const bhh = t - (t - bh);
  const bhl = bh - bhh;
  const lo = ahh * bhh - p + ahh * bhl + ahl * bhh + ahl * bhl + (ah * bl + al * bh);
  R[0] = p + lo;
  R[1] = lo - (R[0] - p);
}

function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  let bb = s - ah;
  let e = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  e += t;
  const h = s + e;
  e -= h - s;
  e += f;
  R[0] = h + e;
  R[1] = e - (R[0] - h);
}

/** (nh, nl) / (dh, dl) in double-double: three quotient digits. */
function ddDiv(nh: number, nl: number, dh: number, dl: number): void {
  const q1 = nh / dh;
  ddMul(q1, 0, dh, dl);
  ddAdd(nh, nl, -R[0], -R[1]);
  const rh = R[0];
  const rl = R[1];
  const q2 = rh / dh;
  ddMul(q2, 0, dh, dl);
  ddAdd(rh, rl, -R[0], -R[1]);
  const q3 = R[0] / dh;
  const s = q1 + q2;
  ddAdd(s, q2 - (s - q1), q3, 0);
}

// 1/(2k+1) and 1/k! in double-double.
function invTable(n: number, denom: (k: number) => number): Float64Array {
  const t = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    ddDiv(1, 0, denom(k), 0);
    t[2 * k] = R[0];
    t[2 * k + 1] = R[1];
  }
  return t;
}
const INV_ODD = invTable(30, (k) => 2 * k + 1);
const INV_FACT = (() => {
  const t = new Float64Array(2 * 16);
  t[0] = 1;
  for (let k = 1; k < 16; k++) {
    ddDiv(t[2 * k - 2]!, t[2 * k - 1]!, k, 0);
    t[2 * k] = R[0];
    t[2 * k + 1] = R[1];
  }
  return t;
})();

/** 2 atanh(s) for double-double s, with `terms` odd powers. */
function twoAtanh(sh: number, sl: number, terms: number): void {
  ddMul(sh, sl, sh, sl);
  const s2h = R[0];
  const s2l = R[1];
  let ph = INV_ODD[2 * (terms - 1)]!;
  let pl = INV_ODD[2 * (terms - 1) + 1]!;
  for (let k = terms - 2; k >= 0; k--) {
    ddMul(ph, pl, s2h, s2l);
    ddAdd(R[0], R[1], INV_ODD[2 * k]!, INV_ODD[2 * k + 1]!);
    ph = R[0];
    pl = R[1];
  }
  ddMul(ph, pl, sh, sl);
  R[0] *= 2;
  R[1] *= 2;
}

/** log(m) for m in [0.5, 2] via a plain atanh series (slow; builds the table). */
function slowLog(m: number): void {
  const dh = m + 1;
  const dl = 1 - (dh - m);
  ddDiv(m - 1, 0, dh, dl);
  twoAtanh(R[0], R[1], 30);
}

// log(c_j) for c_j = 0.75 + j/128, j = 0..96.
const LOG_C = (() => {
  const t = new Float64Array(2 * 97);
  for (let j = 0; j <= 96; j++) {
    slowLog(0.75 + j / 128);
    t[2 * j] = R[0];
    t[2 * j + 1] = R[1];
  }
  return t;
})();

/** e^r for small double-double r (|r| < 0.006) by its Taylor series. */
function expSmall(rh: number, rl: number, degree: number): void {
  let ph = INV_FACT[2 * degree]!;
  let pl = INV_FACT[2 * degree + 1]!;
  for (let i = degree - 1; i >= 0; i--) {
    ddMul(ph, pl, rh, rl);
    ddAdd(R[0], R[1], INV_FACT[2 * i]!, INV_FACT[2 * i + 1]!);
    ph = R[0];
    pl = R[1];
  }
}

// 2^(j/64) for j = 0..63: e^(j ln2/64), with the argument reduced by 256 and squared back.
const EXP2_J = (() => {
  const t = new Float64Array(2 * 64);
  for (let j = 0; j < 64; j++) {
    ddMul(j, 0, LN2_HI / 64, LN2_LO / 64);
    expSmall(R[0] / 256, R[1] / 256, 15);
    for (let i = 0; i < 8; i++) ddMul(R[0], R[1], R[0], R[1]);
    t[2 * j] = R[0];
    t[2 * j + 1] = R[1];
  }
  return t;
})();

/** Correctly rounded e^x (falls back to Math.exp where the result is not a normal double). */
export function crExp(x: number): number {
  if (!(x > -708 && x < 709)) return Math.exp(x);
  if (x === 0) return 1;
  const n = Math.round(x * (64 / LN2_HI));
  const k = Math.floor(n / 64);
  const j = n - 64 * k;
  // r = x - n ln2/64; x - n*hi is exact (Sterbenz), the rest goes into the low part.
  ddMul(n, 0, LN2_HI / 64, LN2_LO / 64);
  const head = x - R[0];
  ddAdd(head, 0, -R[1], 0);
  expSmall(R[0], R[1], 11);
  ddMul(R[0], R[1], EXP2_J[2 * j]!, EXP2_J[2 * j + 1]!);
  const scale = 2 ** k;
  return R[0] * scale + R[1] * scale;
}

/** Correctly rounded natural log (falls back to Math.log outside positive normal numbers). */
export function crLog(x: number): number {
  if (!(x >= 2.2250738585072014e-308 && x < Infinity)) return Math.log(x);
  if (x === 1) return 0;
  // x = m * 2^e with m in [0.75, 1.5); m = c_j * (1+s)/(1-s) with |s| < 0.0027.
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  if (m < 0.75) {
    m *= 2;
    e -= 1;
  } else if (m >= 1.5) {
    m /= 2;
    e += 1;
  }
  const j = Math.round((m - 0.75) * 128);
  const c = 0.75 + j / 128;
  const dh = m + c;
  const bb = dh - m;
  const dl = m - (dh - bb) + (c - bb);
  ddDiv(m - c, 0, dh, dl);
  twoAtanh(R[0], R[1], 8);
  ddAdd(R[0], R[1], LOG_C[2 * j]!, LOG_C[2 * j + 1]!);
  const lh = R[0];
  const ll = R[1];
  ddMul(e, 0, LN2_HI, LN2_LO);
  ddAdd(R[0], R[1], lh, ll);
  return R[0] + R[1];
}
