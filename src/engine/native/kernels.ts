/**
 * The native implementations of tfjs kernels. Each returns undefined for the cases it does not cover
 * (other dtypes, broadcasting it does not handle, ...), and the backend's own kernel runs instead, so
 * results never depend on which path was taken beyond float rounding.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { TensorAccess } from './access.ts';
import { BCAST, BINARY, REDUCE, UNARY, type NativeAddon } from './addon.ts';

export interface NativeKernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  attrs: Record<string, unknown>;
  acc: TensorAccess;
  addon: NativeAddon;
}
export type NativeKernel = (args: NativeKernelArgs) => TensorInfo | undefined;

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** numpy broadcasting of batch dimensions; undefined when they do not broadcast. */
function broadcast(a: number[], b: number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** BatchMatMul in every transpose combination, with batch broadcasting. */
export const batchMatMul: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const a = inputs.a!;
  const b = inputs.b!;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ta = !!attrs.transposeA;
  const tb = !!attrs.transposeB;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const Kb = tb ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (K !== Kb) return undefined; // the backend's kernel throws tfjs's own message
  const aDims = a.shape.slice(0, -2);
  const bDims = b.shape.slice(0, -2);
  const outDims = broadcast(aDims, bDims);
  if (!outDims) return undefined;
  const out = acc.alloc([...outDims, M, N]);
  const A = acc.f32(a)!;
  const B = acc.f32(b)!;
  const C = acc.f32(out)!;
  // tfjs's kernels pair batch entry i of the output with entry i % batchA of a and i % batchB of b;
  // the same here. Mixed broadcasting ([2,1] with [1,3]) they do not compute correctly: left to them.
  const batch = prod(outDims);
  const batchA = prod(aDims);
  const batchB = prod(bDims);
  if (batch !== Math.max(batchA, batchB)) {
    acc.dispose(out);
    return undefined;
  }
  const stride = (n: number, mat: number) => (n === 1 ? 0 : n === batch ? mat : -1);
  const sA = stride(batchA, M * K);
  const sB = stride(batchB, K * N);
  if ((sA >= 0 && sB >= 0) || batch === 0) {
    addon.matmul(A, B, C, batch, M, N, K, ta, tb, Math.max(sA, 0), Math.max(sB, 0));
    return out;
  }
  for (let i = 0; i < batch; i++)
    addon.matmul(A.subarray((i % batchA) * M * K), B.subarray((i % batchB) * K * N), C.subarray(i * M * N), 1, M, N, K, ta, tb, 0, 0);
  return out;
};

/** Softmax over the last axis (the only axis tfjs's softmax supports). */
export const softmax: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.logits!;
  const rank = x.shape.length;
  const dim = (attrs.dim as number | undefined) ?? -1;
  if (x.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
  const n = x.shape[rank - 1]!;
  const out = acc.alloc(x.shape);
  if (n > 0) addon.softmax(acc.f32(x)!, acc.f32(out)!, prod(x.shape) / n, n);
  return out;
};

function unaryKernel(op: number): NativeKernel {
  return ({ inputs, acc, addon }) => {
    const x = inputs.x!;
    if (x.dtype !== 'float32') return undefined;
    const out = acc.alloc(x.shape);
    addon.unary(op, acc.f32(x)!, acc.f32(out)!, 0);
    return out;
  };
}

export const exp = unaryKernel(UNARY.exp);
export const tanh = unaryKernel(UNARY.tanh);
export const sqrt = unaryKernel(UNARY.sqrt);
export const rsqrt = unaryKernel(UNARY.rsqrt);
export const square = unaryKernel(UNARY.square);
export const neg = unaryKernel(UNARY.neg);
export const floor = unaryKernel(UNARY.floor);

/** x ** e for a scalar integer exponent (GELU's x³), by repeated multiplication. */
export const pow: NativeKernel = ({ inputs, acc, addon }) => {
  const a = inputs.a!;
  const b = inputs.b!;
  if (a.dtype !== 'float32' || prod(b.shape) !== 1 || b.shape.length > a.shape.length) return undefined;
  const e = acc.scalar(b);
  if (e === undefined || !Number.isInteger(e) || Math.abs(e) > 64) return undefined;
  const out = acc.alloc(a.shape);
  addon.unary(UNARY.powInt, acc.f32(a)!, acc.f32(out)!, e);
  return out;
};

/** Axes (normalised, sorted) when they form one contiguous block; undefined otherwise. */
function contiguousAxes(axis: unknown, rank: number): number[] | undefined {
  const raw = axis === null || axis === undefined ? [...Array(rank).keys()] : ((Array.isArray(axis) ? axis : [axis]) as number[]);
  const axes = [...new Set(raw.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes[0]! < 0 || axes[axes.length - 1]! >= rank) return undefined;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1]! + 1) return undefined;
  return axes;
}

/** Sum / Mean / Max over a contiguous block of axes (the last axis, leading axes for bias gradients, ...). */
function reduceKernel(op: number): NativeKernel {
  return ({ inputs, attrs, acc, addon }) => {
    const x = inputs.x!;
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank === 0) return undefined;
    // Sum and Mean name their axes `axis`, Max `reductionIndices`.
    const axes = contiguousAxes(attrs.axis ?? attrs.reductionIndices, rank);
    if (!axes) return undefined;
    const first = axes[0]!;
    const last = axes[axes.length - 1]!;
    const red = prod(x.shape.slice(first, last + 1));
    if (red === 0) return undefined;
    const outer = prod(x.shape.slice(0, first));
    const inner = prod(x.shape.slice(last + 1));
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : x.shape.filter((_, i) => i < first || i > last);
    const out = acc.alloc(outShape);
    if (outer * inner > 0) addon.reduce(op, acc.f32(x)!, acc.f32(out)!, outer, red, inner);
    return out;
  };
}

export const sum = reduceKernel(REDUCE.sum);
export const mean = reduceKernel(REDUCE.mean);
export const max = reduceKernel(REDUCE.max);

/**
 * Add, Sub, Multiply, RealDiv, SquaredDifference on float32 when each operand is the full output, one
 * value, a row repeated over the leading axes ([n] with [..., n]) or one value per row ([..., 1]).
 */
function binaryKernel(op: number): NativeKernel {
  return ({ inputs, acc, addon }) => {
    const a = inputs.a!;
    const b = inputs.b!;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    const outShape = broadcast(a.shape, b.shape);
    if (!outShape) return undefined;
    const r = outShape.length;
    const total = prod(outShape);
    const pad = (s: number[]) => [...Array(r - s.length).fill(1), ...s] as number[];
    // An operand equal to the output's trailing dims (the attention mask [1,1,T,K] against [B,H,T,K])
    // repeats as one long row: view the output as [total / period, period].
    const trailing = (s: number[]) => {
      const p = pad(s);
      let i = 0;
      while (i < r && p[i] === 1) i++;
      return p.slice(i).every((d, j) => d === outShape[i + j]) ? prod(p) : 0;
    };
    const isFull = (s: number[]) => pad(s).every((d, i) => d === outShape[i]);
    let n = r === 0 ? 1 : outShape[r - 1]!;
    for (const s of [a.shape, b.shape]) {
      const period = trailing(s);
      if (period > 1 && !isFull(s) && prod(s) > n) n = period;
    }
    const rows = n === 0 ? 0 : total / n;
    const mode = (s: number[]): number => {
      const p = pad(s);
      if (isFull(s)) return BCAST.full;
      if (prod(s) === 1) return BCAST.scalar;
      if (trailing(s) === n) return BCAST.row;
      if (n === outShape[r - 1] && p[r - 1] === 1 && p.slice(0, -1).every((d, i) => d === outShape[i])) return BCAST.column;
      return -1;
    };
    const ma = mode(a.shape);
    const mb = mode(b.shape);
    if (ma < 0 || mb < 0) return undefined;
    const out = acc.alloc(outShape);
    if (total > 0) addon.binaryBcast(op, acc.f32(a)!, ma, acc.f32(b)!, mb, acc.f32(out)!, rows, n);
    return out;
  };
}

export const add = binaryKernel(BINARY.add);
export const sub = binaryKernel(BINARY.sub);
export const multiply = binaryKernel(BINARY.mul);
export const realDiv = binaryKernel(BINARY.div);
export const squaredDifference = binaryKernel(BINARY.squaredDifference);

/** Cast of int32 / bool / float32 to float32 (e.g. the one-hot labels of the cross-entropy). */
export const cast: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.x!;
  if (attrs.dtype !== 'float32' || !['int32', 'bool', 'float32'].includes(x.dtype) || !acc.view(x)) return undefined;
  const out = acc.alloc(x.shape);
  addon.castToFloat(acc.view(x)!, acc.f32(out)!);
  return out;
};

type Words = Float32Array | Int32Array;
const wordView = (acc: TensorAccess, t: TensorInfo): Words | undefined => {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') return undefined;
  return acc.view(t) as Words | undefined;
};

/**
 * A slice as one strided 2-D copy: rows over the full axes before the last partial axis p (after any
 * leading axes that pick a single index), columns = the slice of axis p times everything after it.
 */
function slicePlan(shape: number[], begin: number[], size: number[]) {
  const r = shape.length;
  let p = r - 1;
  while (p >= 0 && size[p] === shape[p]) p--;
  if (p < 0) return { offset: 0, rows: 1, srcStride: prod(shape), cols: prod(shape) };
  const inner = prod(shape.slice(p + 1));
  let q = 0;
  while (q < p && size[q] === 1) q++;
  for (let i = q; i < p; i++) if (size[i] !== shape[i]) return undefined;
  let offset = 0;
  for (let i = 0; i <= p; i++) offset = offset * shape[i]! + begin[i]!;
  offset = offset * inner;
  return { offset, rows: prod(shape.slice(q, p)), srcStride: shape[p]! * inner, cols: size[p]! * inner };
}

function sliceCopy(acc: TensorAccess, addon: NativeAddon, x: TensorInfo, begin: number[], size: number[]): TensorInfo | undefined {
  const plan = slicePlan(x.shape, begin, size);
  if (!plan || x.dtype === 'string' || x.dtype === 'bool' || x.dtype === 'complex64') return undefined;
  const out = acc.alloc(size, x.dtype as 'float32' | 'int32');
  if (plan.rows * plan.cols > 0) {
    const src = wordView(acc, x)!;
    addon.copy2d(src.subarray(plan.offset), plan.srcStride, wordView(acc, out)!, plan.cols, plan.rows, plan.cols);
  }
  return out;
}

/** Slice (attrs begin/size as given to tf.slice; -1 sizes run to the end). */
export const slice: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.x!;
  const rank = x.shape.length;
  if (rank === 0) return undefined;
  const beginAttr = attrs.begin as number[] | number;
  const sizeAttr = attrs.size as number[] | number | undefined;
  const begin = (Array.isArray(beginAttr) ? [...beginAttr] : [beginAttr]) as number[];
  const size = (sizeAttr === undefined ? [] : Array.isArray(sizeAttr) ? [...sizeAttr] : [sizeAttr]) as number[];
  for (let i = 0; i < rank; i++) {
    begin[i] ??= 0;
    if (size[i] === undefined || size[i] === -1) size[i] = x.shape[i]! - begin[i]!;
    if (begin[i]! < 0 || size[i]! < 0 || begin[i]! + size[i]! > x.shape[i]!) return undefined;
  }
  return sliceCopy(acc, addon, x, begin.slice(0, rank), size.slice(0, rank));
};

/** SplitV: each piece is a slice along `axis` (qkv → q, k, v). */
export const splitV = ((args: NativeKernelArgs): TensorInfo[] | undefined => {
  const { inputs, attrs, acc, addon } = args;
  const x = inputs.x!;
  const rank = x.shape.length;
  const axis = ((attrs.axis as number) + rank) % rank;
  const spec = attrs.numOrSizeSplits as number | number[];
  let sizes: number[];
  if (Array.isArray(spec)) {
    sizes = [...spec];
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
    sizes = sizes.map((s) => (s === -1 ? x.shape[axis]! - known : s));
  } else {
    if (x.shape[axis]! % spec !== 0) return undefined;
    sizes = new Array<number>(spec).fill(x.shape[axis]! / spec);
  }
  if (sizes.reduce((a, b) => a + b, 0) !== x.shape[axis]) return undefined;
  const outs: TensorInfo[] = [];
  let start = 0;
  for (const s of sizes) {
    const begin = x.shape.map((_, i) => (i === axis ? start : 0));
    const size = x.shape.map((d, i) => (i === axis ? s : d));
    const o = sliceCopy(acc, addon, x, begin, size);
    if (!o) {
      for (const t of outs) acc.dispose(t);
      return undefined;
    }
    outs.push(o);
    start += s;
  }
  return outs;
}) as unknown as NativeKernel;

/** Concat along one axis: each input is a block of columns of the output viewed as [outer, columns]. */
export const concat: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const list = Object.values(inputs) as TensorInfo[];
  if (list.length === 0) return undefined;
  const first = list[0]!;
  const rank = first.shape.length;
  if (rank === 0 || (first.dtype !== 'float32' && first.dtype !== 'int32')) return undefined;
  if (list.some((t) => t.dtype !== first.dtype || t.shape.length !== rank)) return undefined;
  const axis = (((attrs.axis as number) % rank) + rank) % rank;
  if (list.some((t) => t.shape.some((d, i) => i !== axis && d !== first.shape[i]))) return undefined;
  const outShape = first.shape.map((d, i) => (i === axis ? list.reduce((s, t) => s + t.shape[axis]!, 0) : d));
  const outer = prod(first.shape.slice(0, axis));
  const inner = prod(first.shape.slice(axis + 1));
  const total = outShape[axis]! * inner;
  const out = acc.alloc(outShape, first.dtype as 'float32' | 'int32');
  let col = 0;
  for (const t of list) {
    const cols = t.shape[axis]! * inner;
    if (cols > 0 && outer > 0) addon.copy2d(wordView(acc, t)!, cols, wordView(acc, out)!.subarray(col), total, outer, cols);
    col += cols;
  }
  return out;
};

/** PadV2 with padding on one axis only (the gradient of a slice), everything before it unpadded. */
export const padV2: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.x!;
  if (x.dtype !== 'float32') return undefined;
  const paddings = attrs.paddings as [number, number][];
  const padded = paddings.map((p, i) => (p[0] !== 0 || p[1] !== 0 ? i : -1)).filter((i) => i >= 0);
  if (padded.length > 1) return undefined;
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = acc.alloc(outShape);
  const o = acc.f32(out)!;
  const value = Number(attrs.constantValue ?? 0);
  if (padded.length === 0) {
    addon.castToFloat(acc.f32(x)!, o);
    return out;
  }
  const p = padded[0]!;
  o.fill(value);
  const inner = prod(x.shape.slice(p + 1));
  const rows = prod(x.shape.slice(0, p));
  const cols = x.shape[p]! * inner;
  if (rows * cols > 0) addon.copy2d(acc.f32(x)!, cols, o.subarray(paddings[p]![0] * inner), outShape[p]! * inner, rows, cols);
  return out;
};

/** GatherV2 on axis 0 (embedding lookups); out-of-range ids go to the backend's kernel, which reports them. */
export const gatherV2: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.x!;
  const indices = inputs.indices!;
  const axis = (attrs.axis as number) ?? 0;
  if ((attrs.batchDims as number | undefined) || (axis !== 0 && axis !== -x.shape.length) || indices.dtype !== 'int32') return undefined;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return undefined;
  const rowSize = prod(x.shape.slice(1));
  const out = acc.alloc([...indices.shape, ...x.shape.slice(1)], x.dtype);
  const bad = addon.gatherRows(wordView(acc, x)!, acc.view(indices) as Int32Array, wordView(acc, out)!, rowSize, x.shape[0]!);
  if (bad >= 0) {
    acc.dispose(out);
    return undefined;
  }
  return out;
};

/** Transpose when the last axis stays last (attention heads: [B,T,H,D] ↔ [B,H,T,D]). */
export const transpose: NativeKernel = ({ inputs, attrs, acc, addon }) => {
  const x = inputs.x!;
  const perm = attrs.perm as number[];
  const r = x.shape.length;
  if (r === 0 || r > 8 || perm.length !== r || perm[r - 1] !== r - 1) return undefined;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return undefined;
  const out = acc.alloc(
    perm.map((p) => x.shape[p]!),
    x.dtype,
  );
  addon.transposeKeepLast(wordView(acc, x)!, wordView(acc, out)!, Int32Array.from(x.shape), Int32Array.from(perm));
  return out;
};

/** tfjs kernel name → native implementation, in the order they were worth taking over. */
export const NATIVE_KERNELS: Record<string, NativeKernel> = {
  BatchMatMul: batchMatMul,
  Softmax: softmax,
  Exp: exp,
  Tanh: tanh,
  Sqrt: sqrt,
  Rsqrt: rsqrt,
  Square: square,
  Neg: neg,
  Floor: floor,
  Transpose: transpose,
  Pow: pow,
  Sum: sum,
  Mean: mean,
  Max: max,
  Add: add,
  Sub: sub,
  Multiply: multiply,
  RealDiv: realDiv,
  SquaredDifference: squaredDifference,
  Cast: cast,
  Slice: slice,
  SplitV: splitV,
  Concat: concat,
  PadV2: padV2,
  GatherV2: gatherV2,
};
