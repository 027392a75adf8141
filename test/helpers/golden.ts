import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../../src/util/paths.ts';

/** Path inside ../shared/golden, or undefined when the shared folder is absent (tests then skip). */
export function goldenPath(...parts: string[]): string | undefined {
  const dir = sharedDir();
  if (!dir) return undefined;
  const p = path.join(dir, 'golden', ...parts);
  return existsSync(p) ? p : undefined;
}

export function readGolden<T>(...parts: string[]): T {
  const p = goldenPath(...parts);
  if (!p) throw new Error(`golden file missing: ${parts.join('/')}`);
  return JSON.parse(readFileSync(p, 'utf8')) as T;
}

/** Golden float arrays use null for non-finite values. */
export function flat(a: unknown): number[] {
  const out: number[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else out.push(x === null ? NaN : (x as number));
  };
  walk(a);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export interface Stats {
  shape: number[];
  masked: boolean;
  count: number;
  sum: number;
  abs_sum: number;
  sq_sum: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  first: number[];
  last: number[];
}

/** The golden `stats` checksum of a [..., D] tensor, optionally over rows where mask==1. */
export function stats(values: ArrayLike<number>, shape: number[], mask?: number[]): Omit<Stats, 'shape' | 'masked'> {
  const D = shape[shape.length - 1]!;
  const rows = values.length / D;
  const picked: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (mask && mask[r] !== 1) continue;
    for (let j = 0; j < D; j++) picked.push(values[r * D + j]!);
  }
  let sum = 0,
    abs = 0,
    sq = 0,
    min = Infinity,
    max = -Infinity;
  for (const v of picked) {
    sum += v;
    abs += Math.abs(v);
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / picked.length;
  const std = Math.sqrt(picked.reduce((s, v) => s + (v - mean) ** 2, 0) / picked.length);
  return { count: picked.length, sum, abs_sum: abs, sq_sum: sq, mean, std, min, max, first: picked.slice(0, 8), last: picked.slice(-8) };
}
