/**
 * Seeded randomness for data work (splits, synthetic generation). Math.random is never used:
 * the same seed must give the same split and the same synthetic corpus on every machine, and
 * these generators use only 32-bit integer arithmetic, which JavaScript does identically everywhere.
 */
import { Rng as EngineRng } from '../engine/random.ts';

export type Rng = Pick<EngineRng, 'next' | 'int' | 'pick' | 'chance' | 'shuffle'>;

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

/** A seeded generator for data work: the engine's mulberry32, seeded from a hashed (seed, label). */
export function createRng(seed: number | string, label = ''): Rng {
  return new EngineRng(hashSeed(seed, label));
}
