import { Rng } from '../engine/random.ts';
import { applyTemperature, applyTopK, applyTopP, argmax, banRepeatedNgrams, forbidEosBefore, penalizeRepetitions, softmax } from './logitsProcessors.ts';
import type { GenerationOptions, GenerationResult } from './options.ts';
import type { Stepper } from './stepper.ts';

/** One chosen token per greedy step, with the processed score and its margin (for parity checks). */
export interface StepTrace {
  token: number[];
  score: number[];
  marginToSecond: number[];
}

/**
 * Greedy search and multinomial sampling (transformers' _greedy_search / _sample): one token per row
 * per step; finished rows (EOS seen) receive the pad token; stops when all rows finished or
 * max_new_tokens were produced.
 */
export function tokenByToken(stepper: Stepper, prefix: number[][], opts: GenerationOptions, trace?: StepTrace[]): GenerationResult {
  const eos = opts.eosTokenId === undefined ? [] : ([] as number[]).concat(opts.eosTokenId);
  const pad = opts.padTokenId ?? eos[0] ?? 0;
  const rng = opts.strategy === 'sample' ? new Rng(opts.seed ?? 0) : undefined;
  const seqs = prefix.map((r) => [...r]);
  const unfinished = seqs.map(() => true);
  const V = stepper.vocabSize;
  let logits = stepper.prefill();
  for (let t = 0; t < opts.maxNewTokens; t++) {
    const next = new Int32Array(seqs.length);
    const stepTrace: StepTrace = { token: [], score: [], marginToSecond: [] };
    for (let r = 0; r < seqs.length; r++) {
      const scores = logits.slice(r * V, (r + 1) * V);
      // transformers' order: repetition penalty, no-repeat-ngram, min_new_tokens, then the sampling warpers.
      if (opts.repetitionPenalty !== undefined) penalizeRepetitions(scores, seqs[r]!, opts.repetitionPenalty);
      if (opts.noRepeatNgramSize) banRepeatedNgrams(scores, seqs[r]!, opts.noRepeatNgramSize);
      if (opts.minNewTokens) forbidEosBefore(scores, t, opts.minNewTokens, eos);
      let tok: number;
      if (rng) {
        applyTemperature(scores, opts.temperature ?? 1);
        if (opts.topK) applyTopK(scores, opts.topK);
        if (opts.topP !== undefined) applyTopP(scores, opts.topP);
        tok = multinomial(softmax(scores), rng);
      } else {
        tok = argmax(scores);
      }
      if (trace) {
        const best = scores[tok]!;
        scores[tok] = -Infinity;
        stepTrace.token.push(tok);
        stepTrace.score.push(best);
        stepTrace.marginToSecond.push(best - scores[argmax(scores)]!);
      }
      next[r] = unfinished[r] ? tok : pad;
      seqs[r]!.push(next[r]!);
      if (eos.includes(next[r]!)) unfinished[r] = false;
    }
    trace?.push(stepTrace);
    if (!unfinished.some(Boolean) || t === opts.maxNewTokens - 1) break;
    logits = stepper.step(next);
  }
  return { sequences: seqs };
}

function multinomial(p: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! <= 0) continue;
    last = i;
    cum += p[i]!;
    if (u < cum) return i;
  }
  return last;
}
