import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type HfTokenizer } from '../../src/models/tokenizers/index.ts';
import { corpusPairs, GPT2_DIR, REFERENCE, ReferenceByteLevelBpe, SHARED } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

describe('GPT-2 tokenizer (tokenizer.json via @huggingface/tokenizers)', needsShared(SHARED), () => {
  let tok: HfTokenizer;
  let ref: ReferenceByteLevelBpe;
  beforeAll(() => {
    tok = loadTokenizer(GPT2_DIR);
    ref = ReferenceByteLevelBpe.fromFiles(path.join(GPT2_DIR, 'vocab.json'), path.join(GPT2_DIR, 'merges.txt'));
  });

  it('has GPT-2 known ids and special tokens', () => {
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.encode(' the')).toEqual([262]);
    expect(tok.tokenToId('<|endoftext|>')).toBe(50256);
    expect(tok.vocabSize).toBe(50257);
    expect(tok.eosTokenId).toBe(50256);
    expect(tok.bosTokenId).toBe(50256);
    expect(tok.unkTokenId).toBe(50256);
    expect(tok.padTokenId).toBeUndefined();
    expect(tok.idToToken(262)).toBe('Ġthe');
  });

  it('matches Hugging Face tokenizers (Rust) ids on English, Russian and mixed text', () => {
    expect(REFERENCE.gpt2.length).toBeGreaterThan(10);
    for (const { text, ids } of REFERENCE.gpt2) {
      expect(tok.encode(text), text).toEqual(ids);
      expect(tok.decode(ids), text).toBe(text);
    }
  });

  it('matches an independent BPE over vocab.json + merges.txt on corpus lines (en and ru)', () => {
    const pairs = corpusPairs(0, 400);
    let ruTokens = 0;
    for (const { en, ru } of pairs) {
      expect(tok.encode(en), en).toEqual(ref.encode(en));
      const ids = tok.encode(ru);
      expect(ids, ru).toEqual(ref.encode(ru));
      ruTokens += ids.length;
    }
    expect(ruTokens).toBeGreaterThan(0);
  });

  it('matches the independent BPE on random strings, Unicode whitespace included', () => {
    const odd = fc.constantFrom(' ', '\u0085', '\ufeff', '\u00a0', '\u2028', '\t', '\n', "'s", "'ll", 'a', 'я', '1', '!', '🙂');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: odd, maxLength: 16 })), (s) => {
        expect(tok.encode(s)).toEqual(ref.encode(s));
      }),
      { numRuns: 400 },
    );
  });

  it('decode(encode(x)) === x for any Unicode string (byte-level BPE is lossless)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
        expect(tok.decode(tok.encode(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('handles special tokens on encode and decode', () => {
    const warnings: string[] = [];
    const quiet = loadTokenizer(GPT2_DIR, { onWarning: (m) => warnings.push(m) });
    // GPT-2's unk is <|endoftext|>: typing it is not an unknown word; byte-level BPE has none.
    expect(quiet.encode('Hi<|endoftext|>there <|endoftext|> Привет')).toContain(50256);
    expect(warnings).toEqual([]);
    const ids = tok.encode('Hi<|endoftext|>there');
    expect(ids).toContain(50256);
    expect(tok.decode(ids)).toBe('Hi<|endoftext|>there');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('Hithere');
    expect(tok.decode([])).toBe('');
    expect(() => tok.decode([50257])).toThrow(/valid ids are 0\.\.50256/);
  });

  it('adds special tokens with new ids that are never split', () => {
    const t = loadTokenizer(GPT2_DIR);
    expect(t.addSpecialTokens(['<pad>', '<|endoftext|>'])).toBe(1);
    expect(t.tokenToId('<pad>')).toBe(50257);
    expect(t.vocabSize).toBe(50258);
    t.setSpecialToken('pad', '<pad>');
    expect(t.padTokenId).toBe(50257);
    const ids = t.encode('a<pad>b');
    expect(ids).toEqual([...tok.encode('a'), 50257, ...tok.encode('b')]);
    expect(t.decode(ids, { skipSpecialTokens: true })).toBe('ab');
    expect(t.toJSON().added_tokens.map((a) => a.content)).toEqual(['<|endoftext|>', '<pad>']);
    // the original tokenizer is untouched
    expect(tok.tokenToId('<pad>')).toBeUndefined();
  });

  it('applies transformers clean_up_tokenization_spaces only when asked', () => {
    const ids = tok.encode("Hello , world . It 's fine");
    expect(tok.decode(ids)).toBe("Hello , world . It 's fine");
    expect(tok.cleanUpTokenizationSpaces).toBe(true); // from tokenizer_config.json
    expect(tok.decode(ids, { cleanUpTokenizationSpaces: true })).toBe("Hello, world. It's fine");
  });
});
