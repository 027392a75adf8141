/**
 * How examples become model inputs, saved next to every adapter (`formatting.json`) so that
 * `peft-lab predict` applies exactly what training applied: the decoder-only template or T5's task
 * prefix, the length limits, and the same text cleaning.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  collapseWhitespace,
  decodeHtmlEntities,
  DEFAULT_CAUSAL_TEMPLATE,
  encodeCausalPrompt,
  looksPtbTokenized,
  ptbDetokenize,
  stripControlChars,
  t5Prefix,
  toNfc,
  type Task,
  type TokenEncoder,
} from '../data/index.ts';
import { readJsonFile } from '../models/hf/modelDir.ts';
import { ConfigReader } from '../util/configReader.ts';
import { UserError } from '../util/errors.ts';

export const FORMATTING_FILE = 'formatting.json';

export interface Formatting {
  task: Task;
  encoder_decoder: boolean;
  /** Decoder-only prompt template (`{source}` … `{target}`). */
  template: string;
  /** T5's task prefix (`translate English to Russian: `, `summarize: `). */
  prefix: string;
  /** Decoder-only: prompt + target tokens in training; T5: source tokens. */
  max_length: number;
  /** T5: target tokens in training. */
  max_target_length: number;
  /** Prompt tokens at generation: decoder-only max_length − max_new_tokens, T5 max_length. */
  max_prompt_length: number;
  /** New tokens generated in evaluation (predict's default). */
  max_new_tokens: number;
}

export function makeFormatting(
  task: Task,
  encoderDecoder: boolean,
  sizes: { max_length: number; max_target_length: number; max_new_tokens: number },
  template?: string | null,
): Formatting {
  return {
    task,
    encoder_decoder: encoderDecoder,
    template: template ?? DEFAULT_CAUSAL_TEMPLATE,
    prefix: t5Prefix(task),
    max_length: sizes.max_length,
    max_target_length: sizes.max_target_length,
    max_prompt_length: encoderDecoder ? sizes.max_length : Math.max(8, sizes.max_length - sizes.max_new_tokens),
    max_new_tokens: sizes.max_new_tokens,
  };
}

export function saveFormatting(dir: string, f: Formatting): void {
  writeFileSync(path.join(dir, FORMATTING_FILE), JSON.stringify(f, null, 2) + '\n');
}

/** The formatting saved with an adapter, or undefined when the directory has none. */
export function loadFormatting(dir: string): Formatting | undefined {
  const file = path.join(dir, FORMATTING_FILE);
  if (!existsSync(file)) return undefined;
  const f = readJsonFile<unknown>(file, FORMATTING_FILE);
  // Checked like any file a user can edit or copy: a null here was a TypeError, and a length given as
  // text would reach predict's arithmetic.
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new UserError(`${file}: expected a JSON object (the formatting saved in training)`);
  const raw = f as Record<string, unknown>;
  for (const k of ['task', 'encoder_decoder', 'template', 'prefix', 'max_length', 'max_target_length', 'max_prompt_length', 'max_new_tokens'] as const)
    if (raw[k] === undefined) throw new UserError(`${file}: missing '${k}'`);
  const c = new ConfigReader(raw, file, { nullIsDefault: false });
  return {
    task: c.oneOf('task', ['translation', 'summarization'] as const, 'translation'),
    encoder_decoder: c.bool('encoder_decoder', false),
    template: c.str('template', '')!,
    prefix: c.str('prefix', '')!,
    max_length: c.int('max_length', 1, 1),
    max_target_length: c.int('max_target_length', 1, 1),
    max_prompt_length: c.int('max_prompt_length', 1, 1),
    max_new_tokens: c.int('max_new_tokens', 1, 1),
  };
}

/**
 * The text cleaning of cleanExamples (HTML entities → control characters → NFC → PTB
 * detokenization when the text looks tokenized → whitespace), applied to one text: inputs at
 * prediction time get exactly what training inputs got, without dropping any row.
 */
export function cleanText(s: string): string {
  let t = decodeHtmlEntities(s);
  t = stripControlChars(t);
  t = toNfc(t);
  if (looksPtbTokenized(t)) t = ptbDetokenize(t);
  return collapseWhitespace(t);
}

/** Prompt ids for one source text, built as in training. */
export function promptIds(f: Formatting, encoder: TokenEncoder, source: string, eosTokenId: number | undefined): number[] {
  if (!f.encoder_decoder) return encodeCausalPrompt(source, encoder, { template: f.template, maxPromptLength: f.max_prompt_length });
  const eos = eosTokenId === undefined ? [] : [eosTokenId];
  const ids = encoder.encode(f.prefix + source);
  // As encodeT5: cut from the end, the end-of-sequence id stays last.
  return [...ids.slice(0, Math.max(0, f.max_prompt_length - eos.length)), ...eos];
}
