/**
 * Our byte-level BPE trainer. It follows the algorithm of Hugging Face's `BpeTrainer` (Rust
 * `tokenizers`), so that a tokenizer trained here is what `ByteLevelBPETokenizer.train` would
 * produce on the same text, and writes a standard GPT-2-style `tokenizer.json`:
 *
 * 1. pre-tokenize with GPT-2's regex, map bytes to GPT-2's alphabet, count words;
 * 2. vocabulary = special tokens, then the alphabet (all 256 byte symbols plus any seen ones,
 *    sorted by code point), then one token per merge;
 * 3. repeatedly merge the most frequent adjacent pair (ties: the pair with the smallest ids),
 *    updating pair counts incrementally from the words that contain the pair, with a max-heap of
 *    candidate merges whose stale entries are re-queued with their current count (lazy deletion).
 *
 * HF quirks kept on purpose: the merged pair's own count is not reset (so a pair re-formed later
 * is merged again, and the last rank wins), and a token formed by two different pairs keeps its
 * first id.
 */
import { check } from '../../util/errors.ts';
import { BYTE_TO_CHAR, GPT2_SPLIT_PATTERN, toByteLevel } from './byteLevel.ts';
import { specialAddedToken, type BpeModelJson, type TokenizerJson } from './tokenizerJson.ts';

export interface BpeTrainerOptions {
  /** Final vocabulary size, special tokens and alphabet included (e.g. 8000). */
  vocabSize: number;
  /** Pairs seen fewer times than this are never merged (HF default 0; ours 2). */
  minFrequency?: number;
  /** Added first, with ids 0.. (e.g. ['<|endoftext|>']). */
  specialTokens?: string[];
  /**
   * 'bytes' (default): all 256 byte symbols are in the vocabulary, so any text encodes without
   * <unk> (what ByteLevelBPETokenizer does). 'observed': only symbols seen in the corpus (what a
   * bare BpeTrainer does; for comparisons with HF's trainer).
   */
  initialAlphabet?: 'bytes' | 'observed';
  /** Called every `progressEvery` merges (default 1000) with the number of merges so far. */
  onProgress?: (merges: number, vocabSize: number) => void;
  progressEvery?: number;
}

/** Pair keys pack two ids into one safe integer; ids stay below 2^21 (2M tokens). */
const PAIR_SHIFT = 2 ** 21;
const pairKey = (a: number, b: number) => a * PAIR_SHIFT + b;
const pairLeft = (k: number) => Math.floor(k / PAIR_SHIFT);
const pairRight = (k: number) => k % PAIR_SHIFT;

/** A max-heap of candidate merges ordered by (count desc, left id asc, right id asc), as HF's `Merge`. */
class MergeHeap {
  private readonly pairs: number[] = [];
  private readonly counts: number[] = [];
  private readonly positions: Int32Array[] = [];

  get size(): number {
    return this.pairs.length;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    if (ci !== cj) return ci > cj;
    // Pair keys order exactly like (left, right) tuples.
    return this.pairs[i]! < this.pairs[j]!;
  }

  private swap(i: number, j: number): void {
    [this.pairs[i], this.pairs[j]] = [this.pairs[j]!, this.pairs[i]!];
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.positions[i], this.positions[j]] = [this.positions[j]!, this.positions[i]!];
  }

  push(pair: number, count: number, pos: Int32Array): void {
    this.pairs.push(pair);
    this.counts.push(count);
    this.positions.push(pos);
    let i = this.pairs.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { pair: number; count: number; pos: Int32Array } {
    const top = { pair: this.pairs[0]!, count: this.counts[0]!, pos: this.positions[0]! };
    const last = this.pairs.length - 1;
    this.swap(0, last);
    this.pairs.pop();
    this.counts.pop();
    this.positions.pop();
    let i = 0;
    const n = this.pairs.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

/** Word-index lists per pair, deduplicated as HF's HashSet<usize> (a word's changes arrive together). */
class Positions {
  readonly map = new Map<number, number[]>();
  add(pair: number, word: number): void {
    const list = this.map.get(pair);
    if (list === undefined) this.map.set(pair, [word]);
    else if (list[list.length - 1] !== word) list.push(word);
  }
}

/** Counts GPT-2 pre-tokens (as raw text; converted to byte-level once per distinct word). */
export function countPreTokens(texts: Iterable<string>): Map<string, number> {
  const raw = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(GPT2_SPLIT_PATTERN)) raw.set(m[0], (raw.get(m[0]) ?? 0) + 1);
  }
  const words = new Map<string, number>();
  for (const [w, c] of raw) {
    const b = toByteLevel(w);
    words.set(b, (words.get(b) ?? 0) + c);
  }
  return words;
}

/** Trains a byte-level BPE tokenizer; returns its tokenizer.json. */
export function trainBpe(texts: Iterable<string>, options: BpeTrainerOptions): TokenizerJson {
  return trainBpeFromWordCounts(countPreTokens(texts), options);
}

/** Same as trainBpe, from byte-level pre-token counts (see countPreTokens). */
export function trainBpeFromWordCounts(wordCounts: Map<string, number>, options: BpeTrainerOptions): TokenizerJson {
  const settings = resolveOptions(options);
  // The phases of HF's `BpeTrainer::do_train`, in its order.
  const vocab = new Vocabulary();
  for (const t of settings.specialTokens) vocab.add(t);
  computeAlphabet(wordCounts, vocab, options.initialAlphabet);
  const words = tokenizeWords(wordCounts, vocab);
  const { pairCounts, whereToUpdate } = countPairs(words);
  const heap = new MergeHeap();
  enqueue(heap, whereToUpdate, pairCounts);
  const mergeRank = doMerges({ vocab, words, pairCounts, heap, settings });

  const merges = [...mergeRank.entries()].sort((x, y) => x[1] - y[1]).map(([pair]) => `${vocab.idToToken[pairLeft(pair)]} ${vocab.idToToken[pairRight(pair)]}`);
  const vocabJson: Record<string, number> = {};
  vocab.idToToken.forEach((t, id) => (vocabJson[t] = id));
  return byteLevelBpeTokenizerJson(vocabJson, merges, settings.specialTokens);
}

/** The options with their defaults, checked. */
interface TrainerSettings {
  vocabSize: number;
  minFrequency: number;
  specialTokens: string[];
  onProgress: BpeTrainerOptions['onProgress'];
  progressEvery: number;
}

function resolveOptions(options: BpeTrainerOptions): TrainerSettings {
  const vocabSize = options.vocabSize;
  const minFrequency = options.minFrequency ?? 2;
  const specialTokens = options.specialTokens ?? [];
  check(Number.isInteger(vocabSize) && vocabSize > 0 && vocabSize < PAIR_SHIFT, `vocabSize must be an integer in 1..${PAIR_SHIFT - 1}, got ${vocabSize}`);
  check(Number.isInteger(minFrequency) && minFrequency >= 0, `minFrequency must be a non-negative integer, got ${minFrequency}`);
  check(new Set(specialTokens).size === specialTokens.length, `specialTokens must be distinct, got ${JSON.stringify(specialTokens)}`);
  return { vocabSize, minFrequency, specialTokens, onProgress: options.onProgress, progressEvery: options.progressEvery ?? 1000 };
}

/** Tokens by id and ids by token (HF's `id_to_word` and `word_to_id`). */
class Vocabulary {
  readonly idToToken: string[] = [];
  readonly tokenToId = new Map<string, number>();

  get size(): number {
    return this.tokenToId.size;
  }

  /** The token's id, added with the next id if new (a token formed by two pairs keeps its first id). */
  add(t: string): number {
    let id = this.tokenToId.get(t);
    if (id === undefined) {
      id = this.idToToken.length;
      this.idToToken.push(t);
      this.tokenToId.set(t, id);
    }
    return id;
  }
}

/** HF's `compute_alphabet`: sorted by code point as HF does (for determinism across hash orders). */
function computeAlphabet(wordCounts: Map<string, number>, vocab: Vocabulary, initialAlphabet: BpeTrainerOptions['initialAlphabet']): void {
  const alphabet = new Set<string>(initialAlphabet === 'observed' ? [] : BYTE_TO_CHAR);
  for (const w of wordCounts.keys()) for (const c of w) alphabet.add(c);
  for (const c of [...alphabet].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)) vocab.add(c);
}

/** Words as symbol-id arrays (compacted in place on merge; `lengths` holds their live lengths) with their counts. */
interface Words {
  symbols: Int32Array[];
  lengths: number[];
  counts: number[];
}

/** HF's `tokenize_words`. */
function tokenizeWords(wordCounts: Map<string, number>, vocab: Vocabulary): Words {
  const words: Words = { symbols: [], lengths: [], counts: [] };
  for (const [w, c] of wordCounts) {
    const symbols = Int32Array.from(Array.from(w, (ch) => vocab.tokenToId.get(ch)!));
    words.symbols.push(symbols);
    words.lengths.push(symbols.length);
    words.counts.push(c);
  }
  return words;
}

/** HF's `count_pairs`: each adjacent pair's count, weighted by word count, and the words it occurs in. */
function countPairs(words: Words): { pairCounts: Map<number, number>; whereToUpdate: Positions } {
  const pairCounts = new Map<number, number>();
  const whereToUpdate = new Positions();
  for (let i = 0; i < words.symbols.length; i++) {
    const w = words.symbols[i]!;
    for (let j = 0; j + 1 < words.lengths[i]!; j++) {
      const k = pairKey(w[j]!, w[j + 1]!);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + words.counts[i]!);
      whereToUpdate.add(k, i);
    }
  }
  return { pairCounts, whereToUpdate };
}

/** Queues every pair of `positions` whose count is still positive. */
function enqueue(heap: MergeHeap, positions: Positions, pairCounts: Map<number, number>): void {
  for (const [pair, pos] of positions.map) {
    const count = pairCounts.get(pair)!;
    if (count > 0) heap.push(pair, count, Int32Array.from(pos));
  }
}

interface MergeState {
  vocab: Vocabulary;
  words: Words;
  pairCounts: Map<number, number>;
  heap: MergeHeap;
  settings: TrainerSettings;
}

/**
 * HF's merge loop: merges the most frequent pair until the vocabulary is full. Returns the rank
 * of each merge (the last one wins for a pair merged twice, as in HF's HashMap collect).
 */
function doMerges({ vocab, words, pairCounts, heap, settings }: MergeState): Map<number, number> {
  const mergeRank = new Map<number, number>();
  let mergesDone = 0;
  while (vocab.size < settings.vocabSize && heap.size > 0) {
    const top = heap.pop();
    const current = pairCounts.get(top.pair)!;
    if (top.count !== current) {
      heap.push(top.pair, current, top.pos);
      continue;
    }
    if (top.count < 1 || top.count < settings.minFrequency) break;

    const a = pairLeft(top.pair);
    const b = pairRight(top.pair);
    const merged = vocab.add(vocab.idToToken[a]! + vocab.idToToken[b]!);
    mergeRank.set(top.pair, mergesDone++);

    // Introduces the newly formed pairs: count changes, and the words to requeue them from.
    const changed = new Positions();
    const change = (pair: number, delta: number, word: number) => {
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + delta * words.counts[word]!);
      if (delta > 0) changed.add(pair, word);
    };
    for (const wi of top.pos) mergeWord({ words, word: wi, a, b, merged, change });
    enqueue(heap, changed, pairCounts);
    if (settings.onProgress && mergesDone % settings.progressEvery === 0) settings.onProgress(mergesDone, vocab.size);
  }
  return mergeRank;
}

/**
 * HF's `Word::merge`: replaces each occurrence of (a, b) in one word by `merged`, left to right and
 * non-overlapping, reporting each pair-count change (+1 formed, -1 removed).
 */
function mergeWord(args: {
  words: Words;
  word: number;
  a: number;
  b: number;
  merged: number;
  change: (pair: number, delta: number, word: number) => void;
}): void {
  const { words, word: wi, a, b, merged, change } = args;
  const w = words.symbols[wi]!;
  let len = words.lengths[wi]!;
  let i = 0;
  while (i < len) {
    if (w[i] === a && i + 1 < len && w[i + 1] === b) {
      if (i > 0) {
        change(pairKey(w[i - 1]!, a), -1, wi);
        change(pairKey(w[i - 1]!, merged), 1, wi);
      }
      w[i] = merged;
      w.copyWithin(i + 1, i + 2, len);
      len--;
      if (i < len - 1) {
        change(pairKey(b, w[i + 1]!), -1, wi);
        change(pairKey(merged, w[i + 1]!), 1, wi);
      }
    }
    i++;
  }
  words.lengths[wi] = len;
}

/** A GPT-2-style tokenizer.json around a byte-level BPE vocabulary and merge list. */
export function byteLevelBpeTokenizerJson(vocab: Record<string, number>, merges: string[], specialTokens: string[] = []): TokenizerJson {
  const model: BpeModelJson = {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((t) => specialAddedToken(vocab[t]!, t)),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model,
  };
}

/** tokenizer_config.json for a GPT-2-style tokenizer whose eos (= bos = unk, as GPT-2) is `eosToken`. */
export function gpt2StyleTokenizerConfig(eosToken = '<|endoftext|>', modelMaxLength = 1024): Record<string, unknown> {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    add_prefix_space: false,
    bos_token: eosToken,
    eos_token: eosToken,
    unk_token: eosToken,
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
  };
}
