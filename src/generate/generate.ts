import { encoderDecoderStepper } from './encoderDecoderStepper.ts';
import type { LanguageModel } from '../models/registry.ts';
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

export function registerEncoderDecoderStepper(
  modelType: string,
  make: (model: LanguageModel) => { factory: StepperFactory; startToken: number },
): void {
  encoderDecoderSteppers.set(modelType, make);
}

/** generate() for any of our models; see GenerationOptions. */
export function generate(
  model: LanguageModel,
  prompts: PromptBatch,
  opts: GenerationOptions,
  trace?: StepTrace[],
): GenerationResult {
  if (model.isEncoderDecoder) {
    const make = encoderDecoderSteppers.get(model.modelType);
    if (!make) throw new Error(`no generation support registered for ${model.modelType}`);
    const { factory, startToken } = make(model);
    return generateWith(factory, prompts, prompts.inputIds.map(() => [startToken]), opts, trace);
  }
  return generateWith((p, e) => decoderOnlyStepper(model, p, e), prompts, prompts.inputIds, opts, trace);
}

for (const t of ['t5', 'mt5']) registerEncoderDecoderStepper(t, (model) => ({
  factory: (p, e) => encoderDecoderStepper(model, p, e, startTokenOf(model)),
  startToken: startTokenOf(model),
}));

function startTokenOf(model: LanguageModel): number {
  return (model.config as { decoder_start_token_id?: number }).decoder_start_token_id ?? 0;
}
