import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadTokenizer,
  parseSentencePieceModel,
  PieceType,
  t5TokenizerConfig,
  t5TokenizerJsonFromSentencePiece,
  unkRate,
  type HfTokenizer,
} from '../../src/models/tokenizers/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { corpusPairs, REFERENCE, SHARED, T5_MODEL } from './helpers.ts';
import { needsShared } from '../helpers/skip.ts';

/** A tiny protobuf writer, to build ModelProto messages the reader has never seen. */
function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const bytesField = (field: number, payload: number[]) => [...key(field, 2), ...varint(BigInt(payload.length)), ...payload];
const stringField = (field: number, s: string) => bytesField(field, [...new TextEncoder().encode(s)]);
const intField = (field: number, n: number) => [...key(field, 0), ...varint(BigInt(n))];
function floatField(field: number, x: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...key(field, 5), ...b];
}
const piece = (p: string, score: number, type: number) => bytesField(1, [...stringField(1, p), ...floatField(2, score), ...intField(3, type)]);

function tinyModel(): Uint8Array {
  return Uint8Array.from([
    ...piece('<pad>', 0, 3),
    ...piece('</s>', 0, 3),
    ...piece('<unk>', 0, 2),
    ...piece('▁', -2, 1),
    ...piece('▁a', -3.5, 1),
    ...piece('b', -4.25, 1),
    // trainer spec: model_type 1, vocab_size 6, unk 2, bos -1 (10-byte varint), eos 1, pad 0, an unknown field 99
    ...bytesField(2, [
      ...intField(3, 1),
      ...intField(4, 6),
      ...intField(40, 2),
      ...intField(41, -1),
      ...intField(42, 1),
      ...intField(43, 0),
      ...intField(99, 7),
    ]),
    ...bytesField(3, [...stringField(1, 'identity'), ...intField(3, 1)]),
  ]);
}

describe('SentencePiece .model reader', () => {
  it('reads pieces, scores, types and the trainer spec (negative int32 included)', () => {
    const m = parseSentencePieceModel(tinyModel());
    expect(m.pieces.map((p) => [p.piece, p.score, p.type])).toEqual([
      ['<pad>', 0, PieceType.Control],
      ['</s>', 0, PieceType.Control],
      ['<unk>', 0, PieceType.Unknown],
      ['▁', -2, PieceType.Normal],
      ['▁a', -3.5, PieceType.Normal],
      ['b', -4.25, PieceType.Normal],
    ]);
    expect(m.trainerSpec).toMatchObject({ modelType: 1, vocabSize: 6, unkId: 2, bosId: -1, eosId: 1, padId: 0 });
    expect(m.normalizerSpec).toMatchObject({ name: 'identity', addDummyPrefix: true });
  });

  it('rejects corrupt input with a UserError and never crashes otherwise', () => {
    const good = tinyModel();
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(255), fc.boolean(), (at, byte, truncate) => {
        const bad = truncate ? good.slice(0, at) : Uint8Array.from(good, (b, i) => (i === at ? byte : b));
        try {
          parseSentencePieceModel(bad, 'fuzz.model');
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as Error).message).toMatch(/^fuzz\.model/);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => parseSentencePieceModel(good.slice(0, 20), 'cut.model')).toThrow(UserError);
  });

  it('reads the real T5 model', needsShared(SHARED), () => {
    const m = parseSentencePieceModel(readFileSync(T5_MODEL));
    expect(m.pieces.length).toBe(32101);
    expect(m.pieces[2]).toEqual({ piece: '<s>', score: 0, type: PieceType.Control });
    expect(m.trainerSpec).toMatchObject({ modelType: 1, unkId: 2, eosId: 1, padId: 0, bosId: -1 });
    expect(m.normalizerSpec.name).toBe('nmt_nfkc');
    expect(m.normalizerSpec.precompiledCharsmap.length).toBeGreaterThan(1000);
  });
});

describe('T5 tokenizer converted from SentencePiece', needsShared(SHARED), () => {
  let tok: HfTokenizer;
  const warnings: string[] = [];
  beforeAll(() => {
    tok = loadTokenizer(T5_MODEL, { onWarning: (m) => warnings.push(m) });
  });

  it('drops the stray <s> piece (with one warning) and lays out ids as HF T5 does', () => {
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dropped control piece "<s>" at id 2/);
    expect(tok.vocabSize).toBe(32100);
    expect([tok.tokenToId('<pad>'), tok.tokenToId('</s>'), tok.tokenToId('<unk>')]).toEqual([0, 1, 2]);
    expect([tok.padTokenId, tok.eosTokenId, tok.unkTokenId, tok.bosTokenId]).toEqual([0, 1, 2, undefined]);
    expect(tok.tokenToId('▁the')).toBe(8);
    expect(tok.tokenToId('<s>')).toBeUndefined();
    // sentinels: <extra_id_0> is the last id, <extra_id_99> the first after the SentencePiece pieces
    expect(tok.tokenToId('<extra_id_0>')).toBe(32099);
    expect(tok.tokenToId('<extra_id_99>')).toBe(32000);
    expect(tok.idToToken(31999)).not.toMatch(/extra_id/);
  });

  it('encodes "Hello world" as T5 does, with </s>', () => {
    expect(tok.encode('Hello world')).toEqual([8774, 296, 1]);
    expect(tok.encode('Hello world', { addSpecialTokens: false })).toEqual([8774, 296]);
    expect(tok.decode([8774, 296, 1])).toBe('Hello world</s>');
    expect(tok.decode([8774, 296, 1], { skipSpecialTokens: true })).toBe('Hello world');
  });

  it('matches HF tokenizers (Rust) and SentencePiece segmentations (Unigram Viterbi, nmt_nfkc)', () => {
    expect(REFERENCE.t5.length).toBeGreaterThan(10);
    for (const { text, ids, sentencepieceIds, hfDiffersFromSentencePiece } of REFERENCE.t5) {
      const ours = tok.encode(text);
      expect(ours, text).toEqual(ids);
      if (!hfDiffersFromSentencePiece) expect(ours.slice(0, -1), text).toEqual(sentencepieceIds);
    }
    // The one deliberate case: HF's Strip drops a trailing U+0085 that SentencePiece makes <unk>.
    expect(REFERENCE.t5.filter((c) => c.hfDiffersFromSentencePiece).map((c) => c.text)).toEqual(['Unicode 14 adds ꟲ; a trailing NEL goes\u0085']);
  });

  it('keeps sentinels whole and decodes them', () => {
    const ids = tok.encode('The <extra_id_0> walks in <extra_id_1> park.');
    expect(ids).toContain(32099);
    expect(ids).toContain(32098);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('The walks in park.');
  });

  it('round-trips English text through encode/decode (normalization aside)', () => {
    let checked = 0;
    for (const { en } of corpusPairs(0, 200)) {
      const text = en.replace(/\s+/gu, ' ').trim();
      if (/[^\x20-\x7e]/.test(text)) continue; // outside T5's vocabulary or changed by nmt_nfkc
      expect(tok.decode(tok.encode(text), { skipSpecialTokens: true }), text).toBe(text);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('reports <unk> rates: ~0 on English, most words on Russian, and warns once', () => {
    const pairs = corpusPairs(0, 200);
    const en = unkRate(tok, pairs.map((p) => p.en).join(' '));
    const ru = unkRate(tok, pairs.map((p) => p.ru).join(' '));
    expect(en.rate).toBeLessThan(0.02);
    expect(ru.rate).toBeGreaterThan(0.5);
    console.log(`T5 <unk> word rate on 200 corpus lines: en ${(100 * en.rate).toFixed(1)}%, ru ${(100 * ru.rate).toFixed(1)}%`);

    const seen: string[] = [];
    const t = loadTokenizer(T5_MODEL, { onWarning: (m) => seen.push(m) });
    seen.length = 0; // the <s> conversion warning
    t.encode('Hello world, nothing unknown here.');
    expect(seen).toEqual([]);
    t.encode('Привет, мир! Как дела?');
    t.encode('Москва — столица России.');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/map to <unk>.*Cyrillic/);
  });

  it('saves as tokenizer.json that loads back identically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't5-tok-'));
    const json = t5TokenizerJsonFromSentencePiece(parseSentencePieceModel(readFileSync(T5_MODEL)));
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(t5TokenizerConfig(json)));
    const again = loadTokenizer(dir);
    for (const { text, ids } of REFERENCE.t5) expect(again.encode(text), text).toEqual(ids);
    expect([again.padTokenId, again.eosTokenId, again.unkTokenId]).toEqual([0, 1, 2]);
  });
});

describe('loadTokenizer errors', () => {
  it('names the bad input', () => {
    expect(() => loadTokenizer('/nonexistent/dir')).toThrow(/\/nonexistent\/dir does not exist/);
    const dir = mkdtempSync(path.join(tmpdir(), 'bad-tok-'));
    writeFileSync(path.join(dir, 'tokenizer.json'), '{"not": "a tokenizer"}');
    expect(() => loadTokenizer(dir)).toThrow(UserError);
    expect(() => loadTokenizer(path.join(dir, 'tokenizer.json'))).toThrow(/not a Hugging Face tokenizer\.json/);
    const empty = mkdtempSync(path.join(tmpdir(), 'empty-tok-'));
    expect(() => loadTokenizer(empty)).toThrow(/no tokenizer\.json and no SentencePiece \.model/);
  });
});
