import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generate, generateWith } from '../../src/generate/generate.ts';
import { argmax } from '../../src/generate/logitsProcessors.ts';
import { validateGenerationOptions, type GenerationOptions } from '../../src/generate/options.ts';
import type { Stepper } from '../../src/generate/stepper.ts';
import type { StepTrace } from '../../src/generate/tokenByToken.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { UserError } from '../../src/util/errors.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

/** A model whose next-token logits never change: what each step picks depends only on the processors. */
function constantStepper(logits: number[]): (prompts: { inputIds: number[][] }, expand: number) => Stepper {
  return (prompts, expand) => {
    const rows = prompts.inputIds.length * expand;
    const out = () => Float32Array.from({ length: rows * logits.length }, (_, i) => logits[i % logits.length]!);
    return { rows, vocabSize: logits.length, prefill: out, step: out, reorder: () => {}, dispose: () => {} };
  };
}

// Token 0 leads token 1 by 0.2 logits; token 2 is never a candidate.
const LOGITS = [2, 1.8, -20];
const opts = (o: Partial<GenerationOptions>): GenerationOptions => ({ strategy: 'greedy', maxNewTokens: 3, eosTokenId: 2, padTokenId: 2, ...o });
const run = (o: Partial<GenerationOptions>, prompt = [0]) => generateWith(constantStepper(LOGITS), { inputIds: [prompt] }, [prompt], opts(o)).sequences[0];

describe('repetition_penalty in generation (transformers 4.39 semantics)', () => {
  it('greedy: the prompt counts as seen, so a penalised leader gives way, then both tokens are penalised alike', () => {
    expect(run({})).toEqual([0, 0, 0, 0]);
    // 2 / 1.2 = 1.67 < 1.8: token 1; then both are seen and 1.67 > 1.8 / 1.2 = 1.5: token 0 again.
    expect(run({ repetitionPenalty: 1.2 })).toEqual([0, 1, 0, 0]);
    expect(run({ repetitionPenalty: 1.2 }, [2])).toEqual([2, 0, 1, 0]);
    expect(run({ repetitionPenalty: 1 })).toEqual(run({}));
  });

  it('encoder-decoder: only the decoder ids count, as transformers passes decoder_input_ids to the processors', () => {
    // Encoder prompt [0], decoder start token 2: token 0 is not penalised at the first step.
    const seq = generateWith(constantStepper(LOGITS), { inputIds: [[0]] }, [[2]], opts({ repetitionPenalty: 1.2 })).sequences[0];
    expect(seq).toEqual([2, 0, 1, 0]);
  });

  it('beam search penalises log-probabilities, as transformers does after its log_softmax', () => {
    // log-probs −0.598 and −0.798: ×1.2 gives −0.718, still above −0.798, so token 0 stays, where
    // penalising the raw logits would have switched to token 1 (as greedy does above).
    const beam = { strategy: 'beam' as const, numBeams: 1 };
    expect(run({ ...beam })).toEqual([0, 0, 0, 0]);
    expect(run({ ...beam, repetitionPenalty: 1.2 })).toEqual([0, 0, 0, 0]);
    expect(run({ ...beam, repetitionPenalty: 2 })).toEqual([0, 1, 0, 0]);
  });

  it('sampling: the penalty comes before the top-k warper', () => {
    // Penalty first makes token 1 the only one top-k keeps; top-k first would keep token 0.
    for (const seed of [0, 1, 2]) expect(run({ strategy: 'sample', topK: 1, seed, repetitionPenalty: 1.2, maxNewTokens: 1 })).toEqual([0, 1]);
  });

  it('validates the penalty with one line naming the value and what is valid', () => {
    for (const bad of [0, -1.2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => validateGenerationOptions(opts({ repetitionPenalty: bad }))).toThrow(UserError);
      expect(() => validateGenerationOptions(opts({ repetitionPenalty: bad }))).toThrow(
        new RegExp(`^repetition_penalty must be a number > 0 \\(1\\.0 = off, above 1 penalises repeats\\), got ${String(bad)}$`),
      );
    }
    for (const good of [0.5, 1, 1.2, 10]) expect(() => validateGenerationOptions(opts({ repetitionPenalty: good }))).not.toThrow();
  });
});

const gpt2 = goldenPath('models', 'tiny-gpt2');
const t5 = goldenPath('models', 'tiny-t5');

/** How many tokens of `xs` equal an earlier one. */
const repeats = (xs: number[]) => xs.length - new Set(xs).size;

describe('repetition_penalty on tiny random models', needsShared(gpt2, t5), () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('GPT-2 greedy: each step picks the argmax of the logits penalised over prompt and output so far', () => {
    const model = loadPretrained(gpt2!);
    const prompt = [5, 6, 7, 8];
    const base = { strategy: 'greedy' as const, maxNewTokens: 12, eosTokenId: 999, padTokenId: 999 };
    const plain = generate(model, { inputIds: [prompt] }, base).sequences[0]!;
    const trace: StepTrace[] = [];
    const penalised = generate(model, { inputIds: [prompt] }, { ...base, repetitionPenalty: 1.5 }, trace).sequences[0]!;
    expect(repeats(plain.slice(prompt.length))).toBeGreaterThan(0); // the untrained model loops
    expect(penalised).not.toEqual(plain);
    expect(repeats(penalised)).toBeLessThan(repeats(plain));
    expect(generate(model, { inputIds: [prompt] }, { ...base, repetitionPenalty: 1 }).sequences[0]).toEqual(plain);
    // The reference: one forward pass over the whole output (no cache), the penalty applied by hand.
    const out = tf.tidy(() => model.forward({ inputIds: tf.tensor2d([penalised], [1, penalised.length], 'int32') }).logits);
    const logits = out.arraySync() as number[][][];
    out.dispose();
    for (let t = 0; t < trace.length; t++) {
      const pos = prompt.length + t;
      const seen = new Set(penalised.slice(0, pos));
      const row = Float32Array.from(logits[0]![pos - 1]!, (x, v) => (seen.has(v) ? (x < 0 ? x * 1.5 : x / 1.5) : x));
      expect(trace[t]!.token[0], `step ${t}`).toBe(penalised[pos]);
      expect(argmax(row), `step ${t}`).toBe(penalised[pos]);
      expect(trace[t]!.score[0]!).toBeCloseTo(row[penalised[pos]!]!, 4);
    }
    model.dispose();
  });

  it('T5 greedy and beam search leave their loops with a penalty', () => {
    const model = loadPretrained(t5!);
    const src = { inputIds: [[5, 6, 7, 1]] };
    for (const o of [
      { strategy: 'greedy' as const, maxNewTokens: 12, eosTokenId: 1, padTokenId: 0 },
      { strategy: 'beam' as const, numBeams: 3, maxNewTokens: 12, eosTokenId: 1, padTokenId: 0 },
    ]) {
      const plain = generate(model, src, o).sequences[0]!;
      const penalised = generate(model, src, { ...o, repetitionPenalty: 2 }).sequences[0]!;
      expect(repeats(plain.slice(1)), o.strategy).toBeGreaterThan(0);
      expect(repeats(penalised), o.strategy).toBeLessThan(repeats(plain));
      expect(generate(model, src, { ...o, repetitionPenalty: 1 }).sequences[0], o.strategy).toEqual(plain);
    }
    model.dispose();
  });

  it('GPT-2 beam search changes its output under the penalty', () => {
    const model = loadPretrained(gpt2!);
    const o = { strategy: 'beam' as const, numBeams: 3, maxNewTokens: 12, eosTokenId: 999, padTokenId: 999 };
    const plain = generate(model, { inputIds: [[5, 6, 7, 8]] }, o).sequences[0]!;
    const penalised = generate(model, { inputIds: [[5, 6, 7, 8]] }, { ...o, repetitionPenalty: 1.2 }).sequences[0]!;
    expect(repeats(plain)).toBeGreaterThan(0);
    expect(repeats(penalised)).toBeLessThan(repeats(plain));
    model.dispose();
  });
});
