/**
 * Loads the optional native kernels (native/build/peft_native.node, built by `npm ci` through
 * native/build.mjs) and says why they are not in use when they are not. Nothing else in the project
 * imports the addon: kernels/index.ts registers its kernels in place of the backend's.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../util/paths.ts';

export interface NativeInfo {
  /** Instruction set of the kernels in use: avx512, avx2 or generic. */
  isa: string;
  threads: number;
  /** "passed", or which table failed its start-up check against the reference (and was not used). */
  selfTest: string;
  cpu: { avx2: boolean; fma: boolean; avx512f: boolean };
  /** Instruction sets compiled into this build. */
  compiled: string[];
}

/** The addon's functions; tensors are Float32Array views (of the wasm heap or of cpu tensors). */
// biome-ignore format: parameters grouped as in native/src (buffers, sizes, flags), one line per group
export interface NativeAddon {
  /** C[b] = op(A[b])·op(B[b]) for b < batch; strides in floats between batch entries (0 broadcasts). */
  matmul(
    a: Float32Array, b: Float32Array, c: Float32Array,
    batch: number, M: number, N: number, K: number,
    transposeA: boolean, transposeB: boolean, strideA: number, strideB: number,
  ): void;
  softmax(x: Float32Array, y: Float32Array, rows: number, n: number): void;
  reduceRows(op: number, x: Float32Array, y: Float32Array, rows: number, n: number): void;
  unary(op: number, x: Float32Array, y: Float32Array, param: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, y: Float32Array): void;
  adamw(
    p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
    pOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number,
  ): void;
  /** x viewed as [outer, red, inner] → y [outer, inner]; op: REDUCE.sum | max | mean. */
  reduce(op: number, x: Float32Array, y: Float32Array, outer: number, red: number, inner: number): void;
  /** y [rows, n] = a op b; modes: BCAST.full [rows, n], scalar, row [n] repeated, column [rows]. */
  binaryBcast(op: number, a: Float32Array, modeA: number, b: Float32Array, modeB: number, y: Float32Array, rows: number, n: number): void;
  castToFloat(x: Int32Array | Uint8Array | Float32Array, y: Float32Array): void;
  /** rows × cols elements (4 bytes each) from src (row stride srcStride) to dst (row stride dstStride). */
  copy2d(src: Float32Array | Int32Array, srcStride: number, dst: Float32Array | Int32Array, dstStride: number, rows: number, cols: number): void;
  /** out[i] = params[indices[i]] (rows of rowSize); -1, or the position of the first out-of-range index. */
  gatherRows(params: Float32Array | Int32Array, indices: Int32Array, out: Float32Array | Int32Array, rowSize: number, numRows: number): number;
  /** A permutation that keeps the last axis last, as copies of contiguous runs. */
  transposeKeepLast(src: Float32Array | Int32Array, dst: Float32Array | Int32Array, shape: Int32Array, perm: Int32Array): void;
  layerNorm(x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, n: number, eps: number): void;
  /** dx, and dw / db summed over rows (overwritten). */
  layerNormBackward(x: Float32Array, w: Float32Array, mean: Float32Array, rstd: Float32Array, dy: Float32Array, dx: Float32Array, dw: Float32Array, db: Float32Array, rows: number, n: number): void;
  /** Per row: lse = logsumexp(x), loss = lse − x[label] (0 where label = ignoreIndex). */
  crossEntropy(x: Float32Array, labels: Int32Array, lse: Float32Array, loss: Float32Array, rows: number, n: number, ignoreIndex: number): void;
  /** dx = (softmax(x) − onehot(label))·scale, zero rows where label = ignoreIndex. */
  crossEntropyBackward(x: Float32Array, labels: Int32Array, lse: Float32Array, dx: Float32Array, rows: number, n: number, ignoreIndex: number, scale: number): void;
  /**
   * One attention step with a KV cache (see src/engine/native/attention.ts). dims = [B, T, P, H, D,
   * ldq, ldk, ldv, biasB, biasH]; writes y [B, T, H·D] and kOut / vOut [B, H, P+T, D].
   */
  attendCached(q: Float32Array, k: Float32Array, v: Float32Array, pastK: Float32Array, pastV: Float32Array, bias: Float32Array, y: Float32Array, kOut: Float32Array, vOut: Float32Array, dims: Int32Array, divisor: number): void;
  /** T5LayerNorm over rows of n: y = w · x / √(mean(x²) + eps); rstd [rows] is kept for the backward pass. Absent from older builds. */
  rmsNorm?(x: Float32Array, w: Float32Array, y: Float32Array, rstd: Float32Array, rows: number, n: number, eps: number): void;
  /** dx and dw (overwritten) of rmsNorm from dy. Absent from older builds. */
  rmsNormBackward?(x: Float32Array, w: Float32Array, rstd: Float32Array, dy: Float32Array, dx: Float32Array, dw: Float32Array, rows: number, n: number): void;
  /**
   * Inverted dropout: y = x / (1 − rate) where the draw of (seed, index) keeps the element, else 0
   * (see native/src/addon.cc). Absent from builds of older sources, which still load.
   */
  dropout?(x: Float32Array, y: Float32Array, rate: number, seed: number): void;
  info(): NativeInfo;
  /** threads <= 0 keeps the count, isa '' keeps the table; returns '' or why the change was refused. */
  configure(threads: number, isa: string): string;
}

/** Operation codes shared with native/src/kernels.h. */
export const UNARY = {
  exp: 0,
  tanh: 1,
  geluNew: 2,
  powInt: 3,
  sqrt: 4,
  rsqrt: 5,
  log: 6,
  square: 7,
  neg: 8,
  sigmoid: 9,
  relu: 10,
  geluNewGrad: 11,
  floor: 12,
} as const;
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, geluNewBackward: 4, squaredDifference: 5 } as const;
export const REDUCE = { sum: 0, max: 1, logSumExp: 2, mean: 3 } as const;
export const BCAST = { full: 0, scalar: 1, row: 2, column: 3 } as const;

/** What native/build.mjs recorded. */
export interface NativeBuildStatus {
  ok: boolean;
  reason?: string;
  compiler?: string;
  sourceHash?: string;
  log?: string;
  at?: string;
  [k: string]: unknown;
}

export interface NativeStatus {
  /** The addon is loaded and usable in this process. */
  available: boolean;
  /** Why it is not (missing build, disabled, failed to load). */
  reason?: string;
  path: string;
  build?: NativeBuildStatus;
  /** The addon was built from other sources than the ones in native/src (rebuild: node native/build.mjs). */
  stale?: boolean;
  info?: NativeInfo;
  /** Backends whose kernels were replaced (kernels/index.ts fills this). */
  activeFor: string[];
}

export const NATIVE_DIR = path.join(REPO_ROOT, 'native');
const ADDON_PATH = path.join(NATIVE_DIR, 'build', 'peft_native.node');
const STATUS_PATH = path.join(NATIVE_DIR, 'build', 'status.json');

let loaded: { addon?: NativeAddon; reason?: string } | undefined;
const activeFor = new Set<string>();

function readBuildStatus(): NativeBuildStatus | undefined {
  try {
    return JSON.parse(readFileSync(STATUS_PATH, 'utf8')) as NativeBuildStatus;
  } catch {
    return undefined;
  }
}

function load(): { addon?: NativeAddon; reason?: string } {
  const flag = process.env.PEFT_NATIVE?.trim().toLowerCase();
  if (flag === '0' || flag === 'off' || flag === 'false') return { reason: 'disabled by PEFT_NATIVE=0' };
  if (!existsSync(ADDON_PATH)) {
    const b = readBuildStatus();
    return { reason: b && !b.ok ? `not built: ${b.reason}` : 'not built (run `node native/build.mjs`)' };
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    const threads = process.env.PEFT_NATIVE_THREADS ? Number(process.env.PEFT_NATIVE_THREADS) : 0;
    if (threads > 0) addon.configure(Math.floor(threads), '');
    return { addon };
  } catch (e) {
    return { reason: `failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** The addon, or undefined when it is not built, disabled (PEFT_NATIVE=0) or does not load. */
export function loadNative(): NativeAddon | undefined {
  loaded ??= load();
  return loaded.addon;
}

export function markNativeActive(backend: string): void {
  activeFor.add(backend);
}

function sourceHash(): string | undefined {
  // Same recipe as native/build.mjs (sorted file names and contents of native/src).
  try {
    const dir = path.join(NATIVE_DIR, 'src');
    const h = createHash('sha256');
    for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
    return h.digest('hex').slice(0, 16);
  } catch {
    return undefined;
  }
}

export function nativeStatus(): NativeStatus {
  const addon = loadNative();
  const build = readBuildStatus();
  const status: NativeStatus = { available: !!addon, path: ADDON_PATH, activeFor: [...activeFor] };
  if (!addon) status.reason = loaded?.reason;
  if (build) {
    const { log, ...rest } = build;
    status.build = log ? { ...rest, log: log.slice(0, 2000) } : rest;
    const now = sourceHash();
    if (build.ok && build.sourceHash && now && build.sourceHash !== now) status.stale = true;
  }
  if (addon) status.info = addon.info();
  return status;
}
