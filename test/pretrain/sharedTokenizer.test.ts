import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type BpeModelJson, type TokenizerJson } from '../../src/models/tokenizers/index.ts';
import { NUM_SENTINELS, SPECIAL_TOKENS, sentinelIds, sentinelToken, trainSharedTokenizer, writeTokenizerFiles } from '../../src/pretrain/sharedTokenizer.ts';
import { corpusLines, SHARED } from './helpers.ts';
import { rustTokenizers, RUST_TOKENIZERS_MISSING } from '../helpers/rustTokenizers.ts';
import { needsShared, skipUnless } from '../helpers/skip.ts';

const VOCAB = 1200;

describe('the shared EN+RU tokenizer of the micro presets', needsShared(SHARED), () => {
  let json: TokenizerJson;
  let dirGpt2: string;
  let dirT5: string;
  const { train, heldOut } = corpusLines(1500, 100);

  beforeAll(() => {
    json = trainSharedTokenizer(train, { vocabSize: VOCAB });
    const root = mkdtempSync(path.join(tmpdir(), 'shared-tok-'));
    dirGpt2 = path.join(root, 'gpt2');
    dirT5 = path.join(root, 't5');
    writeTokenizerFiles(dirGpt2, 'gpt2', json, 256);
    writeTokenizerFiles(dirT5, 't5', json, 512);
  });

  it('puts the special tokens first and the T5 sentinels last, in HF order', () => {
    const vocab = (json.model as BpeModelJson).vocab;
    expect(Object.keys(vocab)).toHaveLength(VOCAB);
    expect(new Set(Object.values(vocab)).size).toBe(VOCAB);
    SPECIAL_TOKENS.forEach((t, i) => expect(vocab[t]).toBe(i));
    expect(SPECIAL_TOKENS.slice(0, 3)).toEqual(['<pad>', '</s>', '<unk>']);
    expect(vocab['<extra_id_0>']).toBe(VOCAB - 1);
    expect(vocab['<extra_id_99>']).toBe(VOCAB - NUM_SENTINELS);
    expect(json.added_tokens.map((t) => t.id)).toEqual([...SPECIAL_TOKENS.keys(), ...Array.from({ length: 100 }, (_, i) => VOCAB - 100 + i)]);
    expect(json.added_tokens.every((t) => t.special)).toBe(true);
  });

  it('loads with its roles: GPT-2 (bos = eos = <|endoftext|>, pad <pad>) and T5 (eos </s>, pad 0, sentinels)', () => {
    const g = loadTokenizer(dirGpt2);
    expect([g.vocabSize, g.bosTokenId, g.eosTokenId, g.padTokenId, g.unkTokenId]).toEqual([VOCAB, 5, 5, 0, 2]);
    const t = loadTokenizer(dirT5);
    expect([t.vocabSize, t.eosTokenId, t.padTokenId, t.unkTokenId]).toEqual([VOCAB, 1, 0, 2]);
    expect(sentinelIds((s) => t.tokenToId(s))).toEqual(Array.from({ length: 100 }, (_, i) => VOCAB - 1 - i));
    const cfg = JSON.parse(readFileSync(path.join(dirT5, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg.additional_special_tokens).toEqual(Array.from({ length: 100 }, (_, i) => sentinelToken(i)));
  });

  it('T5 flavour appends </s> (as T5TokenizerFast), GPT-2 flavour adds nothing; both round-trip', () => {
    const g = loadTokenizer(dirGpt2);
    const t = loadTokenizer(dirT5);
    for (const text of heldOut.slice(0, 50)) {
      const ids = g.encode(text);
      expect(t.encode(text)).toEqual([...ids, 1]);
      expect(g.decode(ids)).toBe(text);
      expect(t.decode(t.encode(text), { skipSpecialTokens: true })).toBe(text);
    }
    // Sentinels written in text are single special tokens.
    expect(t.encode('a <extra_id_0> b', { addSpecialTokens: false })).toContain(VOCAB - 1);
  });

  it('is read identically by HF tokenizers (Rust, npm `tokenizers`), both flavours', skipUnless(rustTokenizers, RUST_TOKENIZERS_MISSING), async () => {
    for (const dir of [dirGpt2, dirT5]) {
      const ours = loadTokenizer(dir);
      const r = rustTokenizers!.Tokenizer.fromString(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
      for (const text of [...heldOut, 'Hello <extra_id_3> world', '<|startoftext|>Привет<sep>hi<|endoftext|>']) {
        const ids = (await r.encode(text)).getIds();
        expect(ours.encode(text), text).toEqual(ids);
        expect(await r.decode(ids, false)).toBe(ours.decode(ids));
      }
    }
  });
});
