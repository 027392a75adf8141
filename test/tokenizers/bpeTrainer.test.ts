import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BYTE_TO_CHAR,
  countPreTokens,
  fromByteLevel,
  loadTokenizer,
  tokenizerFromJson,
  trainBpe,
  trainBpeFromWordCounts,
  type BpeModelJson,
  type HfTokenizer,
  type TokenizerJson,
} from '../../src/models/tokenizers/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { trainerParityTexts } from './fixtures/referenceInputs.ts';
import { corpusPairs, GPT2_DIR, REFERENCE, ReferenceByteLevelBpe, SHARED, wordCount } from './helpers.ts';
import { rustTokenizers, RUST_TOKENIZERS_MISSING } from '../helpers/rustTokenizers.ts';
import { needsShared, skipUnless } from '../helpers/skip.ts';

const bpe = (json: TokenizerJson) => json.model as BpeModelJson;

describe('trainBpe: Hugging Face BpeTrainer semantics', () => {
  it("reproduces the tokenizers crate's own trainer unit test", () => {
    // tokenizers/src/models/bpe/trainer.rs `test_train`: min_frequency 2, no initial alphabet.
    const words = new Map<string, number>([
      ['roses', 1],
      ['are', 2],
      ['red', 1],
      ['voilets', 1],
      ['blue', 1],
      ['BERT', 1],
      ['is', 2],
      ['big', 1],
      ['and', 1],
      ['so', 1],
      ['GPT-2', 1],
    ]);
    const json = trainBpeFromWordCounts(words, { vocabSize: 30000, minFrequency: 2, initialAlphabet: 'observed' });
    expect(bpe(json).vocab).toEqual({
      '-': 0,
      '2': 1,
      B: 2,
      E: 3,
      G: 4,
      P: 5,
      R: 6,
      T: 7,
      a: 8,
      b: 9,
      d: 10,
      e: 11,
      g: 12,
      i: 13,
      l: 14,
      n: 15,
      o: 16,
      r: 17,
      s: 18,
      t: 19,
      u: 20,
      v: 21,
      re: 22,
      are: 23,
      is: 24,
    });
    expect(bpe(json).merges).toEqual(['r e', 'a re', 'i s']);
  });

  it('learns exactly the merges and ids of HF tokenizers BpeTrainer on EN+RU corpus lines', needsShared(SHARED), () => {
    const ref = REFERENCE.bpeTrainer;
    // The Node binding's defaults: vocab 30000, min_frequency 0, alphabet = symbols seen.
    const json = trainBpe(trainerParityTexts(SHARED!), { vocabSize: 30000, minFrequency: 0, initialAlphabet: 'observed' });
    const merges = bpe(json).merges as string[];
    expect(merges.slice(0, ref.firstMerges.length)).toEqual(ref.firstMerges);
    expect(merges.length).toBe(ref.mergeCount);
    expect(Object.keys(bpe(json).vocab).length).toBe(ref.vocabSize);
    expect(createHash('sha256').update(merges.join('\n')).digest('hex')).toBe(ref.mergesSha256);
    const vocabById = Object.entries(bpe(json).vocab).sort((a, b) => a[1] - b[1]);
    expect(createHash('sha256').update(JSON.stringify(vocabById)).digest('hex')).toBe(ref.vocabSha256);
  });

  it('validates its options', () => {
    expect(() => trainBpe(['a'], { vocabSize: 0 })).toThrow(UserError);
    expect(() => trainBpe(['a'], { vocabSize: 10, minFrequency: -1 })).toThrow(/minFrequency/);
    expect(() => trainBpe(['a'], { vocabSize: 300, specialTokens: ['<s>', '<s>'] })).toThrow(/distinct/);
  });
});

describe('trainBpe on English + Russian (3000 corpus lines, 8k vocabulary)', needsShared(SHARED), () => {
  const VOCAB = 8000;
  let json: TokenizerJson;
  let tok: HfTokenizer;
  let gpt2: HfTokenizer;
  const train = corpusPairs(0, 3000);
  const heldOut = corpusPairs(3000, 3400);

  beforeAll(() => {
    const texts = train.flatMap((p) => [p.en, p.ru]);
    const t0 = performance.now();
    json = trainBpe(texts, { vocabSize: VOCAB, minFrequency: 2, specialTokens: ['<|endoftext|>'] });
    const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
    console.log(`trained ${VOCAB} tokens on ${mb.toFixed(2)} MB in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    tok = tokenizerFromJson(json, { eos_token: '<|endoftext|>', bos_token: '<|endoftext|>' });
    gpt2 = loadTokenizer(GPT2_DIR);
  });

  it('has the requested vocabulary: special tokens first, then all 256 bytes, then merges', () => {
    const vocab = bpe(json).vocab;
    expect(Object.keys(vocab).length).toBe(VOCAB);
    expect(new Set(Object.values(vocab)).size).toBe(VOCAB);
    expect(vocab['<|endoftext|>']).toBe(0);
    for (const c of BYTE_TO_CHAR) expect(vocab[c]).toBeLessThanOrEqual(256);
    expect(bpe(json).merges.length).toBe(VOCAB - 257);
    expect(tok.vocabSize).toBe(VOCAB);
    expect(tok.eosTokenId).toBe(0);
    expect(json.added_tokens).toEqual([expect.objectContaining({ id: 0, content: '<|endoftext|>', special: true })]);
  });

  it('encodes as an independent BPE over its vocab and merges does (runtime = trainer output)', () => {
    const ref = new ReferenceByteLevelBpe(bpe(json).vocab, bpe(json).merges as string[]);
    for (const { en, ru } of heldOut) {
      expect(tok.encode(en), en).toEqual(ref.encode(en));
      expect(tok.encode(ru), ru).toEqual(ref.encode(ru));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(tok.encode(s)).toEqual(ref.encode(s));
      }),
      { numRuns: 200 },
    );
  });

  it('applies its merges: the most frequent words of both languages are single tokens', () => {
    const counts = [...countPreTokens(train.flatMap((p) => [p.en, p.ru])).entries()].sort((a, b) => b[1] - a[1]);
    const top = counts.slice(0, 40);
    expect(top.some(([w]) => /\p{Script=Cyrillic}/u.test(fromByteLevel(w)))).toBe(true);
    expect(top.some(([w]) => /\p{Script=Latin}/u.test(fromByteLevel(w)))).toBe(true);
    for (const [w] of top) expect(bpe(json).vocab[w], w).toBeDefined();
    expect(tok.encode(' the')).toHaveLength(1);
    expect(tok.encode(' и')).toHaveLength(1);
    expect(tok.encode(' что')).toHaveLength(1);
  });

  it('round-trips held-out text and random Unicode', () => {
    for (const { en, ru } of heldOut) {
      expect(tok.decode(tok.encode(en))).toBe(en);
      expect(tok.decode(tok.encode(ru))).toBe(ru);
    }
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ unit: 'binary', maxLength: 50 })), (s) => {
        expect(tok.decode(tok.encode(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('tokenizes Russian far more efficiently than GPT-2 (tokens per word on held-out lines)', () => {
    const perWord = (t: HfTokenizer, texts: string[]) => texts.reduce((n, x) => n + t.encode(x).length, 0) / texts.reduce((n, x) => n + wordCount(x), 0);
    const en = heldOut.map((p) => p.en);
    const ru = heldOut.map((p) => p.ru);
    const ours = { en: perWord(tok, en), ru: perWord(tok, ru) };
    const base = { en: perWord(gpt2, en), ru: perWord(gpt2, ru) };
    console.log(
      `tokens/word on ${heldOut.length} held-out lines: ours(8k) en ${ours.en.toFixed(2)} ru ${ours.ru.toFixed(2)}; ` +
        `GPT-2(50k) en ${base.en.toFixed(2)} ru ${base.ru.toFixed(2)}`,
    );
    expect(ours.ru).toBeLessThan(base.ru / 2);
    expect(ours.en).toBeGreaterThan(base.en); // 8k tokens shared by two languages vs 50k English-centric
  });

  it('saves as a tokenizer.json directory that loads back identically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bpe-tok-'));
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
    const again = loadTokenizer(dir);
    for (const { ru } of heldOut.slice(0, 50)) expect(again.encode(ru)).toEqual(tok.encode(ru));
  });

  // HF's own Node binding and @huggingface/tokenizers must agree on our output; the binding is
  // optional (see rustTokenizers.ts).
  it('is read identically by HF tokenizers (Rust, npm `tokenizers`)', skipUnless(rustTokenizers, RUST_TOKENIZERS_MISSING), async () => {
    const rust = rustTokenizers!.Tokenizer.fromString(JSON.stringify(json));
    for (const { en, ru } of heldOut.slice(0, 200)) {
      for (const text of [en, ru]) {
        const ids = (await rust.encode(text)).getIds();
        expect(tok.encode(text), text).toEqual(ids);
        expect(await rust.decode(ids, false)).toBe(text);
      }
    }
  });
});
