/**
 * Saves what training produced so that it is usable as it is: an adapter in peft's format, or, for a
 * full fine-tune, a whole Hugging Face model directory that `--model DIR` loads directly. A model
 * directory needs the tokenizer and generation config beside the weights, as `save_pretrained` plus
 * the tokenizer's own save write them, so those are copied from the base model.
 */
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { savePeftModel } from '../peft/format.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import { writerAlive } from '../util/leftovers.ts';

/** The files of a model directory that are not weights or config. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json'] as const;

/** The files savePeftModel writes, each through a temporary file renamed into place. */
const SAVED_FILES = new Set(['adapter_config.json', 'adapter_model.safetensors', 'config.json', 'model.safetensors', 'peft_lab_method.json']);
/** The temporary names, with the writer's process id: `NAME.tmp-PID` (JSON), `.NAME.PID.HEX.tmp` (safetensors). */
const TEMPORARY = [/^(.+)\.tmp-(\d+)$/, /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/];

/**
 * Deletes what a save into `dir` that was killed left behind: temporary files never renamed into
 * place. The save that follows rewrites every file, but nothing else would remove these (for a full
 * fine-tune, each can be as large as the model).
 */
function removeKilledSaves(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    const m = TEMPORARY.map((re) => re.exec(f)).find((x) => x !== null);
    if (m && SAVED_FILES.has(m[1]!) && !writerAlive(Number(m[2]))) rmSync(path.join(dir, f), { force: true });
  }
}

export function saveTrained(model: PeftModel, dir: string, baseModelDir: string): void {
  removeKilledSaves(dir);
  savePeftModel(model, dir);
  // An adapter (a method with a peft type) is loaded on top of the base, which has the tokenizer.
  if (model.plugin.peftType) return;
  for (const f of TOKENIZER_FILES) {
    if (!existsSync(path.join(baseModelDir, f))) continue;
    // A copy keeps its source's mode: one of a read-only base (a shared or cached model) could not
    // be copied over by the next save (a --resume after a kill) unless it is removed first.
    rmSync(path.join(dir, f), { force: true });
    copyFileSync(path.join(baseModelDir, f), path.join(dir, f));
  }
}
