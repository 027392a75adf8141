/**
 * Loads a tokenizer from a Hugging Face model directory or a single file:
 * - `tokenizer.json` (+ `tokenizer_config.json`, `special_tokens_map.json` beside it);
 * - a bare SentencePiece `.model` (T5's `spiece.model`), converted as HF's T5 converter does.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../util/errors.ts';
import { readJsonFile } from '../hf/modelDir.ts';
import { t5TokenizerConfig, t5TokenizerJsonFromSentencePiece } from './sentencepieceConvert.ts';
import { readSentencePieceModel } from './sentencepieceModel.ts';
import { HfTokenizer, type TokenizerOptions } from './tokenizer.ts';
import type { TokenizerConfigJson, TokenizerJson } from './tokenizerJson.ts';

const readJson = (file: string): unknown => readJsonFile<unknown>(file, 'tokenizer file');

function asTokenizerJson(value: unknown, file: string): TokenizerJson {
  const v = value as Partial<TokenizerJson> | null;
  if (!v || typeof v !== 'object' || !v.model || typeof v.model !== 'object' || typeof v.model.type !== 'string') {
    throw new UserError(
      `${file} is not a Hugging Face tokenizer.json (no "model" with a "type"); save one with tokenizer.save() or tokenizers' Tokenizer.save()`,
    );
  }
  return {
    version: v.version ?? '1.0',
    truncation: v.truncation ?? null,
    padding: v.padding ?? null,
    added_tokens: v.added_tokens ?? [],
    normalizer: v.normalizer ?? null,
    pre_tokenizer: v.pre_tokenizer ?? null,
    post_processor: v.post_processor ?? null,
    decoder: v.decoder ?? null,
    model: v.model,
  };
}

/** tokenizer_config.json wins over special_tokens_map.json, as in transformers. */
function readConfig(dir: string): TokenizerConfigJson {
  const config: TokenizerConfigJson = {};
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const file = path.join(dir, name);
    if (existsSync(file)) Object.assign(config, readJson(file) as TokenizerConfigJson);
  }
  return config;
}

/** Builds a tokenizer from an in-memory tokenizer.json (e.g. one our trainer just produced). */
export function tokenizerFromJson(json: TokenizerJson, config: TokenizerConfigJson = {}, options: TokenizerOptions = {}): HfTokenizer {
  try {
    return new HfTokenizer(json, config, options);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${options.source ?? 'tokenizer.json'}: the tokenizer library rejected it: ${(e as Error).message}`);
  }
}

function loadSentencePiece(file: string, options: TokenizerOptions): HfTokenizer {
  const json = t5TokenizerJsonFromSentencePiece(readSentencePieceModel(file), { onWarning: options.onWarning }, file);
  return tokenizerFromJson(json, t5TokenizerConfig(json) as TokenizerConfigJson, { source: file, ...options });
}

/**
 * `location` is a model directory, a tokenizer.json, or a SentencePiece .model file.
 * In a directory, tokenizer.json is preferred; otherwise its single *.model file is converted.
 */
export function loadTokenizer(location: string, options: TokenizerOptions = {}): HfTokenizer {
  if (!existsSync(location))
    throw new UserError(`tokenizer not found: ${location} does not exist (give a model directory, a tokenizer.json or a SentencePiece .model)`);
  if (statSync(location).isDirectory()) {
    const jsonFile = path.join(location, 'tokenizer.json');
    if (existsSync(jsonFile)) {
      return tokenizerFromJson(asTokenizerJson(readJson(jsonFile), jsonFile), readConfig(location), { source: jsonFile, ...options });
    }
    const models = readdirSync(location).filter((f) => f.endsWith('.model'));
    if (models.length === 1) return loadSentencePiece(path.join(location, models[0]!), options);
    throw new UserError(
      models.length === 0
        ? `${location} has no tokenizer.json and no SentencePiece .model file`
        : `${location} has no tokenizer.json and several .model files (${models.join(', ')}); name one`,
    );
  }
  if (location.endsWith('.model')) return loadSentencePiece(location, options);
  if (location.endsWith('.json')) {
    return tokenizerFromJson(asTokenizerJson(readJson(location), location), readConfig(path.dirname(location)), { source: location, ...options });
  }
  throw new UserError(`${location}: expected a model directory, a tokenizer.json or a SentencePiece .model file`);
}
