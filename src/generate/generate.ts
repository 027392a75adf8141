import { encoderDecoderStepper } from './encoderDecoderStepper.ts';
import { positionLimit, type LanguageModel } from '../models/registry.ts';
import { UserError } from '../util/errors.ts';
import { decoderOnlyStepper } from './decoderOnlyStepper.ts';
import { beamSearch } from './beamSearch.ts';
import { validateGenerationOptions, type GenerationOptions, type GenerationResult } from './options.ts';
import type { PromptBatch, StepperFactory } from './stepper.ts';
import { tokenByToken, type StepTrace } from './tokenByToken.ts';

/**
 * transformers' generate() for any model that provides a stepper. `decoderPrefix` gives the rows the
 * returned sequences start with: the prompts themselves for decoder-only models, the decoder start
 * token for encoder-decoders.
 */
export function generateWith(
  makeStepper: StepperFactory,
  prompts: PromptBatch,
  decoderPrefix: number[][],
  opts: GenerationOptions,
  trace?: StepTrace[],
): GenerationResult {
  validateGenerationOptions(opts);
  const beams = opts.strategy === 'beam' ? (opts.numBeams ?? 1) : 1;
  const expand = opts.strategy === 'beam' ? beams : (opts.numReturnSequences ?? 1);
  const stepper = makeStepper(prompts, expand);
  const prefix = decoderPrefix.flatMap((r) => Array.from({ length: expand }, () => r));
  try {
    return opts.strategy === 'beam' ? beamSearch(stepper, prefix, opts) : tokenByToken(stepper, prefix, opts, trace);
  } finally {
    stepper.dispose();
  }
}

/** Encoder-decoder models register how they step (T5); decoder-only models use the generic one. */
const encoderDecoderSteppers = new Map<string, (model: LanguageModel) => { factory: StepperFactory; startToken: number }>();

export function registerEncoderDecoderStepper(modelType: string, make: (model: LanguageModel) => { factory: StepperFactory; startToken: number }): void {
  encoderDecoderSteppers.set(modelType, make);
}

/** generate() for any of our models; see GenerationOptions. */
export function generate(model: LanguageModel, prompts: PromptBatch, opts: GenerationOptions, trace?: StepTrace[]): GenerationResult {
  if (model.isEncoderDecoder) {
    const make = encoderDecoderSteppers.get(model.modelType);
    if (!make) throw new Error(`no generation support registered for ${model.modelType}`);
    const { factory, startToken } = make(model);
    return generateWith(
      factory,
      prompts,
      prompts.inputIds.map(() => [startToken]),
      opts,
      trace,
    );
  }
  checkPositions(model, prompts.inputIds[0]?.length ?? 0, opts.maxNewTokens);
  return generateWith((p, e) => decoderOnlyStepper(model, p, e), prompts, prompts.inputIds, opts, trace);
}

/** The last new token needs no forward pass: a prompt of T tokens and N new ones use T + N − 1 positions. */
function checkPositions(model: LanguageModel, promptTokens: number, maxNewTokens: number): void {
  const limit = positionLimit(model);
  if (limit === undefined || promptTokens + maxNewTokens - 1 <= limit) return;
  if (promptTokens > limit)
    throw new UserError(`a prompt of ${promptTokens} tokens leaves no room to generate: the model has n_positions=${limit}; shorten the prompt`);
  throw new UserError(
    `a prompt of ${promptTokens} tokens plus max_new_tokens=${maxNewTokens} runs past the model's n_positions=${limit}: ` +
      `use max_new_tokens <= ${limit + 1 - promptTokens} or a shorter prompt`,
  );
}

for (const t of ['t5', 'mt5'])
  registerEncoderDecoderStepper(t, (model) => ({
    factory: (p, e) => encoderDecoderStepper(model, p, e, startTokenOf(model)),
    startToken: startTokenOf(model),
  }));

function startTokenOf(model: LanguageModel): number {
  return (model.config as { decoder_start_token_id?: number }).decoder_start_token_id ?? 0;
}
