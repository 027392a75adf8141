/** Test helpers: shared data paths, corpus slices, and an independent GPT-2 BPE encoder. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SHARED_DIR, sharedDir } from '../../src/util/paths.ts';

/** The shared folder, or undefined in a clone without it (the tests that need it then skip). */
export const SHARED = sharedDir();
const sharedRoot = SHARED ?? DEFAULT_SHARED_DIR;
export const GPT2_DIR = path.join(sharedRoot, 'tokenizers/gpt2');
export const T5_MODEL = path.join(sharedRoot, 'tokenizers/t5/sentencepiece_cc_all.32000.100extra.model');

export interface Pair {
  en: string;
  ru: string;
}

/** Rows [from, to) of the shared EN-RU corpus (read at test time, never copied into the repo). */
export function corpusPairs(from: number, to: number): Pair[] {
  // Suites are collected even when skipped: without the shared folder there is nothing to read.
  if (!SHARED) return [];
  const rows = readFileSync(path.join(SHARED, 'datasets/opus-style-en-ru.jsonl'), 'utf8').split('\n', to);
  return rows.slice(from).map((r) => (JSON.parse(r) as { translation: Pair }).translation);
}

export interface Reference {
  gpt2: { text: string; ids: number[] }[];
  t5: { text: string; ids: number[]; sentencepieceIds: number[]; hfDiffersFromSentencePiece: boolean }[];
  bpeTrainer: {
    corpus: string;
    lines: number;
    vocabSize: number;
    mergeCount: number;
    firstMerges: string[];
    mergesSha256: string;
    vocabSha256: string;
  };
}

export const REFERENCE = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/reference.json'), 'utf8')) as Reference;

/**
 * GPT-2's BPE written the way OpenAI's encoder.py does it (repeatedly merge the lowest-ranked
 * adjacent pair of the whole word), independent of the tokenizer library's priority-queue
 * implementation and of tokenizer.json. Special tokens are not handled.
 */
export class ReferenceByteLevelBpe {
  private readonly ranks = new Map<string, number>();
  private readonly byteToChar: string[] = [];
  private readonly cache = new Map<string, number[]>();
  // GPT-2's pattern with Python-`regex`/Oniguruma's \s (Unicode White_Space).
  private readonly pattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

  constructor(
    private readonly vocab: Record<string, number>,
    merges: string[],
  ) {
    merges.forEach((m, i) => this.ranks.set(m, i));
    const bs: number[] = [];
    for (let b = 33; b <= 126; b++) bs.push(b);
    for (let b = 161; b <= 172; b++) bs.push(b);
    for (let b = 174; b <= 255; b++) bs.push(b);
    const cs = [...bs];
    let n = 0;
    for (let b = 0; b < 256; b++) {
      if (!bs.includes(b)) {
        bs.push(b);
        cs.push(256 + n++);
      }
    }
    bs.forEach((b, i) => (this.byteToChar[b] = String.fromCharCode(cs[i]!)));
  }

  static fromFiles(vocabJson: string, mergesTxt: string): ReferenceByteLevelBpe {
    const vocab = JSON.parse(readFileSync(vocabJson, 'utf8')) as Record<string, number>;
    const merges = readFileSync(mergesTxt, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0 && !l.startsWith('#version'));
    return new ReferenceByteLevelBpe(vocab, merges);
  }

  private bpe(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let parts = Array.from(word);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = [parts[best]!, parts[best + 1]!];
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(parts[i]!);
      }
      parts = next;
    }
    const ids = parts.map((p) => {
      const id = this.vocab[p];
      if (id === undefined) throw new Error(`reference BPE: ${JSON.stringify(p)} not in vocab`);
      return id;
    });
    this.cache.set(word, ids);
    return ids;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    const enc = new TextEncoder();
    for (const m of text.matchAll(this.pattern)) {
      ids.push(...this.bpe(Array.from(enc.encode(m[0]), (b) => this.byteToChar[b]!).join('')));
    }
    return ids;
  }
}

/** Whitespace-separated words, for tokens-per-word figures. */
export function wordCount(text: string): number {
  return text.split(/\s+/u).filter((w) => w.length > 0).length;
}
