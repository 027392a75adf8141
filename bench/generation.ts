/**
 * The decoding the bench times: greedy with the KV cache (src/generate/generate.ts, which runs a
 * decoder-only model on its prompt and an encoder-decoder's decoder after encoding the prompt).
 */
import type { BackendInfo } from '../src/engine/backend.ts';
import { Rng } from '../src/engine/random.ts';
import { generate } from '../src/generate/generate.ts';
import type { LanguageModel } from '../src/models/registry.ts';
import { backendLabel, peakRssMb, randomPrompts, StepTimer, type BenchResult } from './measure.ts';

export interface GenerationRuns {
  batch: number;
  promptLength: number;
  newTokens: number;
  runs: number;
  warmup: number;
}

export interface TimedGeneration {
  timer: StepTimer;
  /** New tokens of all rows in the last run: batch × newTokens unless decoding stopped early. */
  generated: number;
}

/** `warmup + runs` greedy decodings of fresh random prompts; each run is timed whole, prefill included. */
export function timeGeneration(model: LanguageModel, o: GenerationRuns): TimedGeneration {
  const rng = new Rng(11);
  const timer = new StepTimer(o.warmup);
  // Sequences start with the prompt (decoder-only) or with the decoder start token (encoder-decoder).
  const prefix = model.isEncoderDecoder ? 1 : o.promptLength;
  let generated = 0;
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const prompts = randomPrompts(rng, o.batch, o.promptLength, model.vocabSize);
    // No EOS: every run produces exactly newTokens per row, so runs are comparable.
    const r = timer.time(() => generate(model, { inputIds: prompts }, { strategy: 'greedy', maxNewTokens: o.newTokens, eosTokenId: [], padTokenId: 0 }));
    generated = r.sequences.reduce((s, row) => s + row.length - prefix, 0);
    if (generated !== o.batch * o.newTokens) throw new Error(`generation stopped early: ${generated} of ${o.batch * o.newTokens} tokens`);
  }
  return { timer, generated };
}

/** tokens/s counts the new tokens of all rows per run; step_ms is a run's time per new token. */
export function generationResult(info: BackendInfo, o: GenerationRuns, timed: TimedGeneration, detail: Record<string, unknown>): BenchResult {
  const runMs = timed.timer.medianMs();
  return {
    tokens_per_s: Math.round((o.batch * o.newTokens * 1000) / runMs),
    step_ms: Math.round((runMs / o.newTokens) * 100) / 100,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: {
      ...detail,
      batch: o.batch,
      prompt_tokens: o.promptLength,
      new_tokens: o.newTokens,
      generated_tokens: timed.generated,
      runs: o.runs,
      warmup: o.warmup,
      ...timed.timer.detail('run'),
    },
  };
}
