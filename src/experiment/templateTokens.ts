/**
 * The embedding rows a case trains when it asks for the prompt template's tokens (peft's
 * `trainable_token_indices`): a decoder-only base pretrained on plain text never saw `<sep>` or
 * `<|startoftext|>`, and a method that keeps the embeddings frozen would read them as untrained markers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CAUSAL_TEMPLATE, templateSpecialTokens } from '../data/index.ts';
import { loadTokenizer } from '../models/tokenizers/index.ts';
import { checkTemplateTokens } from './data.ts';

/**
 * The ids of the template's special tokens in the base model's tokenizer; undefined for an
 * encoder-decoder base, whose inputs have no template.
 */
export function templateTokenIds(modelDir: string, template: string | null | undefined): number[] | undefined {
  const config = JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as { is_encoder_decoder?: unknown };
  if (config.is_encoder_decoder === true) return undefined;
  const tok = loadTokenizer(modelDir);
  const t = template ?? DEFAULT_CAUSAL_TEMPLATE;
  checkTemplateTokens(tok, t);
  return templateSpecialTokens(t).map((s) => tok.tokenToId(s)!);
}
