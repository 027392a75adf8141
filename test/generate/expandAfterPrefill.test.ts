import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generateWithoutCache } from '../../src/experiment/noCacheStepper.ts';
import { generate } from '../../src/generate/generate.ts';
import type { GenerationOptions } from '../../src/generate/options.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { ModelInput } from '../../src/models/outputs.ts';

beforeAll(async () => {
  await initBackend();
});

const fixture = (name: string) => path.resolve(import.meta.dirname, '../../fixtures/models', name);

/** Rows of each forward call's main input (encoder or prompt ids; decoder ids once those are cached). */
function forwardRows(model: LanguageModel): number[] {
  const rows: number[] = [];
  const forward = model.forward.bind(model);
  model.forward = (input: ModelInput) => {
    rows.push((input.inputIds ?? input.decoderInputIds)!.shape[0]!);
    return forward(input);
  };
  return rows;
}

async function peakBytes(fn: () => void): Promise<number> {
  return (await tf.profile(fn)).peakBytes;
}

/** 6 prompts of `length` tokens, the last two with 5 pads (on the right for T5, on the left for GPT-2). */
function prompts(length: number, padding: 'left' | 'right') {
  const inputIds = Array.from({ length: 6 }, (_, p) => Array.from({ length }, (_, i) => 10 + ((p * 31 + i * 7) % 500)));
  const isPad = (i: number) => (padding === 'right' ? i >= length - 5 : i < 5);
  const attentionMask = inputIds.map((r, p) => r.map((_, i) => (p >= 4 && isPad(i) ? 0 : 1)));
  return { inputIds, attentionMask };
}

const beam: GenerationOptions = { strategy: 'beam', numBeams: 4, maxNewTokens: 3, eosTokenId: 1, padTokenId: 0 };

// Every hypothesis of a prompt is identical until its first token: the prompt (T5's encoder) runs once
// per prompt and its cache is copied to the beams, so beams do not multiply the prompt's activations.
describe('beam search runs each prompt once, then expands', () => {
  it('T5: the encoder sees one row per prompt, and 4 beams peak well below 4× greedy', async () => {
    const model = loadPretrained(fixture('t5-micro'));
    const p = prompts(160, 'right');
    const greedyPeak = await peakBytes(() => void generate(model, p, { ...beam, strategy: 'greedy', numBeams: 1 }));
    const beamPeak = await peakBytes(() => void generate(model, p, beam));
    const rows = forwardRows(model);
    generate(model, p, beam);
    expect(rows[0]).toBe(6);
    expect(rows.slice(1).every((r) => r === 24)).toBe(true);
    expect(beamPeak).toBeLessThan(2 * greedyPeak);
    model.dispose();
  });

  it('GPT-2: the prompt runs once per prompt row', () => {
    const model = loadPretrained(fixture('gpt2-micro'));
    const rows = forwardRows(model);
    generate(model, prompts(40, 'left'), beam);
    expect(rows[0]).toBe(6);
    expect(rows.slice(1).every((r) => r === 24)).toBe(true);
    model.dispose();
  });

  // The no-cache path runs every expanded row through the whole model at every step.
  it('decodes as running every expanded row: beams and sampled sequences (GPT-2, T5)', () => {
    const sample: GenerationOptions = { strategy: 'sample', numReturnSequences: 3, seed: 5, topK: 50, maxNewTokens: 4, eosTokenId: 1, padTokenId: 0 };
    for (const [name, padding] of [
      ['gpt2-micro', 'left'],
      ['t5-micro', 'right'],
    ] as const) {
      const model = loadPretrained(fixture(name));
      const p = prompts(24, padding);
      for (const opts of [beam, sample])
        expect(generate(model, p, opts).sequences, `${name} ${opts.strategy}`).toEqual(generateWithoutCache(model, p, opts).sequences);
      model.dispose();
    }
  });
});
