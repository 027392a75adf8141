import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanExamples, encodeCausal, encodeT5, type Example } from '../../src/data/index.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildSmokeModel } from '../../src/experiment/baseModels.ts';
import { plainEncoder } from '../../src/experiment/data.ts';
import { cleanText, loadFormatting, makeFormatting, promptIds, saveFormatting } from '../../src/experiment/savedFormatting.ts';
import { PROFILES } from '../../src/experiment/profile.ts';
import { loadTokenizer, type Tokenizer } from '../../src/models/tokenizers/index.ts';

/*
 * Generation inputs must be the training inputs minus the target: the same template pieces, prefix,
 * end-of-sequence id and truncation, and the same text cleaning.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-fmt-'));
let tok: Tokenizer;

beforeAll(async () => {
  await initBackend();
  const profile = { ...PROFILES.smoke, smoke_model: { vocab_size: 400, layers: 1, width: 32, heads: 2, tokenizer_texts: 300 } };
  tok = loadTokenizer(await buildSmokeModel('gpt2', profile, null, tmp));
}, 60_000);

const examples: Example[] = [
  { id: '1', source: 'The cat sleeps on the sofa.', target: 'Кошка спит на диване.', task: 'translation' },
  { id: '2', source: 'We will meet tomorrow at noon near the old bridge.', target: 'Мы встретимся завтра в полдень у старого моста.', task: 'translation' },
];

describe('formatting for generation', () => {
  it('decoder-only prompts are exactly the masked prefix of the training rows', () => {
    const f = makeFormatting('translation', false, { max_length: 200, max_target_length: 64, max_new_tokens: 32 });
    const enc = plainEncoder(tok);
    const { features } = encodeCausal(examples, enc, { maxLength: f.max_length, template: f.template });
    features.forEach((feat, i) => {
      const prompt = feat.input_ids.slice(
        0,
        feat.labels.findIndex((l) => l !== -100),
      );
      expect(promptIds(f, enc, examples[i]!.source, undefined)).toEqual(prompt);
    });
  });

  it('T5 inputs are exactly the training encoder inputs (prefix, source, </s>), cut from the end alike', () => {
    for (const maxLength of [64, 8]) {
      const f = makeFormatting('translation', true, { max_length: maxLength, max_target_length: 64, max_new_tokens: 32 });
      const enc = plainEncoder(tok);
      const { features } = encodeT5(examples, enc, { maxSourceLength: maxLength, maxTargetLength: 64, eosTokenId: 1 });
      features.forEach((feat, i) => expect(promptIds(f, enc, examples[i]!.source, 1)).toEqual(feat.input_ids));
    }
  });

  it('cleanText applies the corpus cleaning steps to one text', () => {
    const raw = ["Tom&#39;s  cat -LRB- black -RRB- is n't here .", 'e\u0301te\u0301\u0007', '  spaced\u00a0out  '];
    const cleaned = cleanExamples(
      raw.map((s, i) => ({ id: String(i), source: s, target: 'x', task: 'summarization' as const })),
      { dedupe: false },
    ).examples.map((e) => e.source);
    expect(raw.map(cleanText)).toEqual(cleaned);
  });

  it('round-trips through formatting.json', () => {
    const f = makeFormatting('summarization', true, { max_length: 96, max_target_length: 24, max_new_tokens: 16 });
    saveFormatting(tmp, f);
    expect(loadFormatting(tmp)).toEqual(f);
    expect(f.prefix).toBe('summarize: ');
    expect(loadFormatting(path.join(tmp, 'nope'))).toBeUndefined();
  });
});
