/**
 * Saves what training produced so that it is usable as it is: an adapter in peft's format, or, for a
 * full fine-tune, a whole Hugging Face model directory that `--model DIR` loads directly. A model
 * directory needs the tokenizer and generation config beside the weights, as `save_pretrained` plus
 * the tokenizer's own save write them, so those are copied from the base model.
 */
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { savePeftModel } from '../peft/format.ts';
import type { PeftModel } from '../peft/peftModel.ts';

/** The files of a model directory that are not weights or config. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json'] as const;

export function saveTrained(model: PeftModel, dir: string, baseModelDir: string): void {
  savePeftModel(model, dir);
  // An adapter (a method with a peft type) is loaded on top of the base, which has the tokenizer.
  if (model.plugin.peftType) return;
  for (const f of TOKENIZER_FILES) if (existsSync(path.join(baseModelDir, f))) copyFileSync(path.join(baseModelDir, f), path.join(dir, f));
}
