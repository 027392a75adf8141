import { ConfigReader } from '../../src/util/configReader.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';
import { readPromptLearningFields, type PromptLearningConfig } from '../../src/peft/promptLearning/config.ts';

/**
 * How the virtual tokens start: N(0, 1) (`RANDOM`), the embeddings of a tokenized text (`TEXT`), or
 * the embeddings of uniformly drawn vocabulary tokens (`SAMPLE_VOCAB`, as later peft versions).
 */
export const PROMPT_TUNING_INITS = ['RANDOM', 'TEXT', 'SAMPLE_VOCAB'] as const;
export type PromptTuningInit = (typeof PROMPT_TUNING_INITS)[number];

/** peft 0.10's PromptTuningConfig. */
export interface PromptTuningConfig extends PromptLearningConfig {
  peft_type: 'PROMPT_TUNING';
  prompt_tuning_init: PromptTuningInit;
  prompt_tuning_init_text: string | null;
  tokenizer_name_or_path: string | null;
  tokenizer_kwargs: Record<string, unknown> | null;
}

export function parsePromptTuningConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): PromptTuningConfig {
  const c = new ConfigReader(raw, where);
  const cfg: PromptTuningConfig = {
    ...readPromptLearningFields(c, model, 'PROMPT_TUNING'),
    prompt_tuning_init: c.oneOf('prompt_tuning_init', PROMPT_TUNING_INITS, 'RANDOM'),
    prompt_tuning_init_text: c.str('prompt_tuning_init_text', null),
    tokenizer_name_or_path: c.str('tokenizer_name_or_path', null),
    tokenizer_kwargs: null,
  };
  const kwargs = c.record('tokenizer_kwargs', (v): v is unknown => true, 'an object');
  c.rejectUnknown();
  // The same checks as PromptTuningConfig.__post_init__, so that Python can load what we save.
  if (cfg.prompt_tuning_init === 'TEXT') {
    if (!cfg.tokenizer_name_or_path)
      throw new UserError(`${where}: 'prompt_tuning_init': "TEXT" needs 'tokenizer_name_or_path' (a tokenizer directory or tokenizer.json)`);
    if (cfg.prompt_tuning_init_text === null || cfg.prompt_tuning_init_text === '')
      throw new UserError(`${where}: 'prompt_tuning_init': "TEXT" needs 'prompt_tuning_init_text' (the text whose token embeddings start the prompt)`);
  }
  if (Object.keys(kwargs).length) {
    if (cfg.prompt_tuning_init !== 'TEXT') throw new UserError(`${where}: 'tokenizer_kwargs' is only valid with 'prompt_tuning_init': "TEXT"`);
    throw new UserError(
      `${where}: 'tokenizer_kwargs' is not supported (got ${Object.keys(kwargs).join(', ')}); point 'tokenizer_name_or_path' at a saved tokenizer instead`,
    );
  }
  return cfg;
}
