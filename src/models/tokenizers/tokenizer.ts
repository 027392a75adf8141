/**
 * The runtime tokenizer the models use: a Hugging Face `tokenizer.json` (+ `tokenizer_config.json`)
 * run by `@huggingface/tokenizers` (the pure-JS port used by transformers.js), behind a small typed
 * interface with HF's semantics (`add_special_tokens`, `skip_special_tokens`, special-token ids).
 *
 * Where the JS port is known to differ from the Rust `tokenizers` crate we correct it here:
 * - GPT-2's split regex uses Unicode White_Space for `\s`, as Oniguruma does (see byteLevel.ts);
 * - SentencePiece's Precompiled normalizer runs its real charsmap, Strip uses Unicode White_Space
 *   (see precompiledNormalizer.ts);
 * - BPE merge-rank lookups and the word cache are replaced by faster equivalents (same results);
 * - decoding an empty id list returns '' instead of throwing;
 * - `clean_up_tokenization_spaces` defaults to false (the `tokenizers` crate never cleans up, so
 *   decode(encode(x)) === x holds for byte-level BPE); pass `cleanUpTokenizationSpaces: true` (or
 *   `tokenizer.cleanUpTokenizationSpaces`) for transformers' `decode` behaviour.
 */
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';
import { GPT2_SPLIT_PATTERN } from './byteLevel.ts';
import { installFaithfulNormalizers } from './precompiledNormalizer.ts';
import { configTokenContent, specialAddedToken, type ComponentJson, type TokenizerConfigJson, type TokenizerJson } from './tokenizerJson.ts';
import { unkRate } from './unkRate.ts';

export interface EncodeOptions {
  /** Add the post-processor's special tokens (T5: trailing `</s>`). Default true, as in HF. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (eos, pad, sentinels...). Default false, as in HF. */
  skipSpecialTokens?: boolean;
  /** transformers' `clean_up_tokenization_spaces` (" ." -> "." etc.). Default false (lossless). */
  cleanUpTokenizationSpaces?: boolean;
}

/** What models, data pipelines and generation need from a tokenizer. */
export interface Tokenizer {
  /** Number of ids, added tokens included (HF's `len(tokenizer)`). */
  readonly vocabSize: number;
  readonly eosTokenId?: number;
  readonly bosTokenId?: number;
  readonly padTokenId?: number;
  readonly unkTokenId?: number;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** Adds special tokens (never split, skipped by skipSpecialTokens); returns how many ids were new. */
  addSpecialTokens(tokens: string[]): number;
}

export interface TokenizerOptions {
  /** Where the tokenizer came from, for messages. */
  source?: string;
  /** Receives warnings (default: console.warn); each kind of warning is given once per tokenizer. */
  onWarning?: (message: string) => void;
}

/** A share of <unk> words above which encode() warns that the vocabulary does not fit the text. */
export const UNK_WARNING_THRESHOLD = 0.5;

type SpecialName = 'bos' | 'eos' | 'pad' | 'unk';

export class HfTokenizer implements Tokenizer {
  private js!: JsTokenizer;
  private readonly json: TokenizerJson;
  private readonly config: TokenizerConfigJson;
  private readonly specialContents: Partial<Record<SpecialName, string>> = {};
  private readonly warned = new Set<string>();
  private readonly onWarning: (message: string) => void;
  readonly source: string;
  /** tokenizer_config.json's `clean_up_tokenization_spaces` (what transformers' decode would use). */
  readonly cleanUpTokenizationSpaces: boolean;

  constructor(json: TokenizerJson, config: TokenizerConfigJson = {}, options: TokenizerOptions = {}) {
    // Our own copy: addSpecialTokens() edits added_tokens and rebuilds the JS tokenizer from it.
    this.json = { ...json, added_tokens: json.added_tokens.map((t) => ({ ...t })) };
    this.config = config;
    this.source = options.source ?? 'tokenizer';
    this.onWarning = options.onWarning ?? ((m) => console.warn(m));
    this.cleanUpTokenizationSpaces = config.clean_up_tokenization_spaces ?? false;
    this.mergeConfigAddedTokens();
    for (const name of ['bos', 'eos', 'pad', 'unk'] as const) {
      const content = configTokenContent(config[`${name}_token`]);
      if (content !== undefined) this.specialContents[name] = content;
    }
    if (this.specialContents.unk === undefined) {
      const model = this.json.model;
      if (model.type === 'BPE' && typeof model.unk_token === 'string') this.specialContents.unk = model.unk_token;
      if (model.type === 'Unigram' && typeof model.unk_id === 'number') {
        this.specialContents.unk = (model.vocab as [string, number][])[model.unk_id]?.[0];
      }
    }
    this.rebuild();
  }

  /** transformers adds tokens listed only in tokenizer_config.json's added_tokens_decoder. */
  private mergeConfigAddedTokens(): void {
    const decoder = this.config.added_tokens_decoder ?? {};
    for (const [idText, t] of Object.entries(decoder)) {
      const id = Number(idText);
      if (!this.json.added_tokens.some((a) => a.id === id)) this.json.added_tokens.push({ ...t, id });
    }
    for (const extra of this.config.additional_special_tokens ?? []) {
      const content = configTokenContent(extra);
      if (content !== undefined) this.addSpecialTokensToJson([content]);
    }
  }

  private rebuild(): void {
    this.js = new JsTokenizer(this.json, {
      ...this.config,
      // The JS port cleans up by default; we decide per decode() call instead.
      clean_up_tokenization_spaces: false,
    });
    fixByteLevelPattern(this.js.pre_tokenizer);
    installFaithfulNormalizers(this.js.normalizer);
    speedUpBpe(this.js.model);
    this.vocabSizeCache = undefined;
  }

  private vocabSizeCache: number | undefined;

  get vocabSize(): number {
    if (this.vocabSizeCache === undefined) {
      let max = -1;
      for (const id of this.js.get_vocab(true).values()) if (id > max) max = id;
      this.vocabSizeCache = max + 1;
    }
    return this.vocabSizeCache;
  }

  private specialId(name: SpecialName): number | undefined {
    const content = this.specialContents[name];
    return content === undefined ? undefined : this.tokenToId(content);
  }
  get bosTokenId(): number | undefined {
    return this.specialId('bos');
  }
  get eosTokenId(): number | undefined {
    return this.specialId('eos');
  }
  get padTokenId(): number | undefined {
    return this.specialId('pad');
  }
  get unkTokenId(): number | undefined {
    return this.specialId('unk');
  }

  /** Sets (or replaces) the token used for bos/eos/pad/unk, e.g. GPT-2's pad = eos; adds it if new. */
  setSpecialToken(name: SpecialName, content: string): void {
    if (this.tokenToId(content) === undefined) this.addSpecialTokens([content]);
    this.specialContents[name] = content;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids = this.encodeUnchecked(text, options);
    this.checkUnknowns(text, ids);
    return ids;
  }

  private encodeUnchecked(text: string, options: EncodeOptions = {}): number[] {
    return this.js.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** The token strings encode() produces (byte-level characters for GPT-2, "▁" pieces for T5). */
  tokenize(text: string, options: EncodeOptions = {}): string[] {
    return this.js.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).tokens;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return '';
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`${this.source}: cannot decode id ${id}; valid ids are 0..${this.vocabSize - 1}`);
      }
    }
    return this.js.decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: options.cleanUpTokenizationSpaces ?? false,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.js.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.js.id_to_token(id);
  }

  addSpecialTokens(tokens: string[]): number {
    const added = this.addSpecialTokensToJson(tokens);
    this.rebuild();
    return added;
  }

  private addSpecialTokensToJson(tokens: string[]): number {
    let next = this.maxId() + 1;
    let added = 0;
    for (const content of tokens) {
      const existing = this.json.added_tokens.find((t) => t.content === content);
      if (existing) {
        existing.special = true;
        continue;
      }
      const inVocab = modelTokenId(this.json, content);
      this.json.added_tokens.push(specialAddedToken(inVocab ?? next, content));
      if (inVocab === undefined) {
        next++;
        added++;
      }
    }
    return added;
  }

  private maxId(): number {
    let max = modelSize(this.json) - 1;
    for (const t of this.json.added_tokens) if (t.id > max) max = t.id;
    return max;
  }

  /** The tokenizer.json this tokenizer runs (with any added tokens), ready to save. */
  toJSON(): TokenizerJson {
    return { ...this.json, added_tokens: [...this.json.added_tokens].sort((a, b) => a.id - b.id) };
  }

  /** Warns once when most words of an input become <unk> (e.g. T5 on Cyrillic). */
  private checkUnknowns(text: string, ids: number[]): void {
    const unk = this.unkTokenId;
    if (unk === undefined || this.warned.has('unk') || !ids.includes(unk)) return;
    const view = {
      unkTokenId: unk,
      idToToken: (id: number) => this.idToToken(id),
      encode: (t: string, o?: EncodeOptions) => this.encodeUnchecked(t, o),
    };
    const { rate, unknownWords, words } = unkRate(view, text);
    if (rate > UNK_WARNING_THRESHOLD) {
      this.warned.add('unk');
      this.onWarning(
        `${this.source}: ${unknownWords.length} of ${words} words (${(100 * rate).toFixed(0)}%) of an input map to <unk>, ` +
          `e.g. ${JSON.stringify(unknownWords[0])}: this vocabulary does not cover the text's script ` +
          `(T5's has no Cyrillic; use an mT5-style or our own byte-level BPE tokenizer)`,
      );
    }
  }
}

function modelSize(json: TokenizerJson): number {
  const vocab = json.model.vocab;
  if (Array.isArray(vocab)) return vocab.length;
  if (vocab && typeof vocab === 'object') {
    let max = -1;
    for (const id of Object.values(vocab as Record<string, number>)) if (id > max) max = id;
    return max + 1;
  }
  return 0;
}

function modelTokenId(json: TokenizerJson, content: string): number | undefined {
  const vocab = json.model.vocab;
  if (Array.isArray(vocab)) {
    const i = (vocab as [string, number][]).findIndex(([p]) => p === content);
    return i < 0 ? undefined : i;
  }
  if (vocab && typeof vocab === 'object' && Object.hasOwn(vocab, content)) {
    return (vocab as Record<string, number>)[content];
  }
  return undefined;
}

/** Replaces the JS port's GPT-2 regex (JS `\s`) with the Oniguruma-equivalent one. */
function fixByteLevelPattern(preTokenizer: unknown): void {
  const p = preTokenizer as { pattern?: unknown; tokenizers?: unknown[]; config?: ComponentJson } | null;
  if (!p) return;
  if (p.config?.type === 'ByteLevel' && p.pattern instanceof RegExp) p.pattern = new RegExp(GPT2_SPLIT_PATTERN);
  if (Array.isArray(p.tokenizers)) p.tokenizers.forEach(fixByteLevelPattern);
}

/**
 * The JS BPE model looks merge ranks up by `JSON.stringify([a, b])` and keeps an LRU cache whose
 * Map delete/re-insert pattern slows down as it churns; on GPT-2 this makes encoding 1.5-3x slower.
 * We swap in a nested-Map rank lookup (the last duplicate wins, as in the library and the Rust
 * crate) and a bounded cache, leaving the library's merge algorithm itself untouched.
 */
function speedUpBpe(model: unknown): void {
  const m = model as {
    config?: { type?: string };
    merges?: unknown;
    add_node?: unknown;
    cache?: { get?: unknown; put?: unknown };
  } | null;
  if (m?.config?.type !== 'BPE' || !Array.isArray(m.merges) || typeof m.add_node !== 'function' || !m.cache?.put) return;
  const ranks = new Map<string, Map<string, number>>();
  (m.merges as [string, string][]).forEach(([a, b], i) => {
    let row = ranks.get(a);
    if (!row) ranks.set(a, (row = new Map()));
    row.set(b, i);
  });
  type Node = { token: string; bias: number; score?: number; next: Node };
  m.add_node = (queue: { push(n: Node): void }, node: Node) => {
    const rank = ranks.get(node.token)?.get(node.next.token);
    if (rank !== undefined) {
      node.score = rank + node.bias;
      queue.push(node);
    }
  };
  const cache = new Map<string, string[]>();
  const capacity = 100_000;
  m.cache = {
    get: (k: string) => cache.get(k),
    put: (k: string, v: string[]) => {
      if (cache.size >= capacity) cache.clear();
      cache.set(k, v);
    },
    clear: () => cache.clear(),
  } as typeof m.cache;
}
