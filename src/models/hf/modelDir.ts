import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../util/errors.ts';

/** Reads and parses a JSON file, failing with a message naming the file. */
export function readJsonFile<T = Record<string, unknown>>(file: string, what = 'JSON file'): T {
  if (!existsSync(file)) throw new UserError(`${what} not found: ${file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    // A UTF-8 byte-order mark (Windows editors write one) is not JSON; the dataset readers skip it too.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as T;
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The weight files of a Hugging Face model directory: model.safetensors, or the shards listed by
 * model.safetensors.index.json. A PyTorch pickle is refused: unpickling runs code and we do not
 * implement it; the user should convert it once in Python.
 */
export function weightFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new UserError(`model directory not found: ${dir}`);
  const single = path.join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = path.join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = readJsonFile<{ weight_map?: Record<string, string> }>(index).weight_map;
    if (!map) throw new UserError(`${index}: missing 'weight_map'`);
    return [...new Set(Object.values(map))].map((f) => path.join(dir, f));
  }
  if (existsSync(path.join(dir, 'pytorch_model.bin')))
    throw new UserError(
      `${dir} has only pytorch_model.bin (a PyTorch pickle), which peft-lab does not load: convert it to safetensors ` +
        `in Python (model.save_pretrained(dir, safe_serialization=True)) and try again`,
    );
  throw new UserError(`${dir} has no model.safetensors (or model.safetensors.index.json)`);
}
