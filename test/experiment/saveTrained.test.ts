import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { saveTrained, TOKENIZER_FILES } from '../../src/experiment/saveTrained.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { loadTokenizer } from '../../src/models/tokenizers/index.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';

const baseDir = path.resolve('fixtures/models/gpt2-micro');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'peft-save-'));

beforeAll(async () => {
  await initBackend();
});

describe('saveTrained', () => {
  it('a full fine-tune is a whole model directory: weights, config and the base tokenizer files', () => {
    const model = getPeftModel(loadPretrained(baseDir), 'full', {});
    const dir = tmp();
    saveTrained(model, dir, baseDir);
    for (const f of TOKENIZER_FILES) if (existsSync(path.join(baseDir, f))) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const again = loadPretrained(dir);
    expect(again.vocabSize).toBe(model.base.vocabSize);
    expect(loadTokenizer(dir).encode('Hello world')).toEqual(loadTokenizer(baseDir).encode('Hello world'));
    again.dispose();
    model.dispose();
  });

  it('an adapter is saved in peft format alone: the tokenizer stays with the base', () => {
    const model = getPeftModel(loadPretrained(baseDir), 'lora', { r: 2, lora_alpha: 4, target_modules: ['c_attn'] }, { seed: 1 });
    const dir = tmp();
    saveTrained(model, dir, baseDir);
    expect(existsSync(path.join(dir, 'adapter_config.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'tokenizer.json'))).toBe(false);
    model.dispose();
  });
});
