import { UserError } from '../util/errors.ts';

export type Strategy = 'greedy' | 'beam' | 'sample';

/** Decoding options, named as transformers' GenerationConfig (camelCase). */
export interface GenerationOptions {
  strategy: Strategy;
  maxNewTokens: number;
  minNewTokens?: number;
  numBeams?: number;
  numReturnSequences?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | 'never';
  noRepeatNgramSize?: number;
  /** Above 1 makes tokens already in the sequence (prompt included for decoder-only models) less likely; 1 is off. */
  repetitionPenalty?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  eosTokenId?: number | number[];
  padTokenId?: number;
}

export interface GenerationResult {
  /** [N, L]: prompt (with its padding; for T5 the decoder start token) followed by new tokens. */
  sequences: number[][];
  /** Beam search only: the length-normalised log-probability of each returned sequence. */
  sequencesScores?: number[];
}

export function validateGenerationOptions(o: GenerationOptions): void {
  const int = (v: number | undefined, name: string, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new UserError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  if (!['greedy', 'beam', 'sample'].includes(o.strategy)) throw new UserError(`strategy '${o.strategy}' is not valid; valid: greedy, beam, sample`);
  int(o.maxNewTokens, 'max_new_tokens', 1);
  int(o.minNewTokens, 'min_new_tokens', 0);
  int(o.numBeams, 'num_beams', 1);
  int(o.numReturnSequences, 'num_return_sequences', 1);
  int(o.noRepeatNgramSize, 'no_repeat_ngram_size', 0);
  int(o.topK, 'top_k', 0);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new UserError(`top_p must be in (0, 1], got ${o.topP}`);
  if (o.repetitionPenalty !== undefined && !(Number.isFinite(o.repetitionPenalty) && o.repetitionPenalty > 0))
    throw new UserError(`repetition_penalty must be a number > 0 (1.0 = off, above 1 penalises repeats), got ${o.repetitionPenalty}`);
  if (o.temperature !== undefined && !(o.temperature > 0)) throw new UserError(`temperature must be > 0, got ${o.temperature}`);
  if (o.strategy === 'beam' && (o.numReturnSequences ?? 1) > (o.numBeams ?? 1))
    throw new UserError(`num_return_sequences (${o.numReturnSequences}) must be <= num_beams (${o.numBeams ?? 1}) for beam search`);
}
