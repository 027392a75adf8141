/**
 * Reads `vitest bench --outputJson FILE` output into report rows. A benchmark that does a known
 * amount of work per iteration says so in its name — "(256 tokens)", "(10000 segments)" — and the
 * report turns its mean time into a rate (tokens/s, segments/s).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { BenchRecord } from './input.ts';

interface VitestBenchJson {
  files?: {
    filepath?: string;
    groups?: { fullName?: string; benchmarks?: { name?: string; mean?: number; hz?: number; rme?: number; sampleCount?: number }[] }[];
  }[];
}

// The last "(N unit)" in the name: earlier parentheses may describe the method ("prompt tuning (20 tokens)").
const UNITS = /\((\d[\d,_]*)\s+([A-Za-z]+)\)/g;

function lastUnits(s: string): RegExpMatchArray | undefined {
  return [...s.matchAll(UNITS)].at(-1);
}

export function parseBenchJson(json: unknown): BenchRecord[] {
  const out: BenchRecord[] = [];
  for (const file of (json as VitestBenchJson).files ?? [])
    for (const g of file.groups ?? [])
      for (const b of g.benchmarks ?? []) {
        if (typeof b.name !== 'string' || typeof b.mean !== 'number') continue;
        const m = lastUnits(b.name) ?? lastUnits(g.fullName ?? '');
        out.push({
          group: (g.fullName ?? '').replace(/^.*?\.bench\.ts > /, ''),
          name: b.name,
          mean_ms: b.mean,
          hz: b.hz ?? 1000 / b.mean,
          rme: b.rme ?? 0,
          samples: b.sampleCount ?? 0,
          ...(m ? { units: { count: Number(m[1]!.replace(/[,_]/g, '')), unit: m[2]! } } : {}),
        });
      }
  return out;
}

/** The benchmark rows of `file`, or null when there is no such file (benchmarks not run). */
export function readBenchJson(file: string): BenchRecord[] | null {
  if (!existsSync(file)) return null;
  try {
    return parseBenchJson(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}
