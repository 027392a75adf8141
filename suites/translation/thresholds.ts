/**
 * What every translation experiment must show (main metric chrF, see src/experiment/evaluate.ts),
 * per profile. Each number is the measured value with a safety margin of about half; the
 * measurements are quoted so the numbers can be re-derived. "Loss fall" is the held-out
 * (validation) loss: 1 − after / before training; where it is null, the test asserts only that it did
 * not rise by more than 5%. Every test also asserts no NaN and the trainable-parameter formula.
 */
import { GRID_POINT, type SuiteThresholds } from '../shared/thresholds.ts';

export const TRANSLATION_THRESHOLDS: SuiteThresholds = {
  // Smoke on the committed micro models (CI): 12 steps of 8 pairs, seed 42. Held-out loss fall
  // measured on the micro models of model.safetensors sha256 bb7a8d6a… (gpt2-micro, stage 3) /
  // 5a025b45… (t5-micro stage 1, span corruption + prefix LM, dropout 0.1), each threshold about half
  // the smallest fall:
  //   GPT-2: LoRA 2.2–5.6%, QLoRA 2.4%, AdaLoRA 5.9–7.7%, IA³ 2.2%, prompt 4.8%, prefix 3.6%,
  //          P-tuning 3.5%, full 4.7%;
  //   T5:    LoRA 0.6–2.0%, QLoRA 1.4%, AdaLoRA 2.7–3.4%, IA³ 1.2%, prompt 1.2%, prefix 0.9%,
  //          P-tuning 1.9%, full 1.8% (full fine-tuning takes RMS-relative steps at lr 1e-3).
  // Re-measured on the shipped t5-micro (stage 2, bf10e8c9…, dropout 0; short-run rates: LoRA 2e-3,
  // full 1e-3): LoRA 2.3–3.3%, QLoRA 2.5%, AdaLoRA 2.6–3.6%, IA³ 1.2–2.0%, prompt 1.5%, prefix 1.2%,
  // P-tuning 2.2%, full 2.2% — every threshold is still at most half of it. Again on the t5-micro of
  // mBART denoising (stage 5, 49d05813…): LoRA 6.5–7.8%, QLoRA 6.4%, AdaLoRA 5.0%, IA³ 4.5–5.6%, prompt
  // 3.9%, prefix 2.9%, P-tuning 4.6%, full 5.9%.
  // Quality after a dozen steps is not yet reliably above the untuned floor: a pipeline check, not a
  // quality budget; smoke requires the loss fall, standard the win.
  smoke: {
    default: {
      minLossDrop: null,
      beatsBase: false,
      maxDegenerateRate: null,
      note: 'a dozen steps: the held-out loss falls, quality is not yet reliably above the floor',
    },
    overrides: {
      'gpt2:lora': { minLossDrop: 0.011 },
      'gpt2:qlora': { minLossDrop: 0.012 },
      'gpt2:adalora': { minLossDrop: 0.03 },
      'gpt2:ia3': { minLossDrop: 0.011 },
      'gpt2:prompt_tuning': { minLossDrop: 0.024 },
      'gpt2:prefix_tuning': { minLossDrop: 0.018 },
      'gpt2:p_tuning': { minLossDrop: 0.017 },
      'gpt2:full': { minLossDrop: 0.023 },
      't5:lora': { minLossDrop: 0.003 },
      't5:qlora': { minLossDrop: 0.007 },
      't5:adalora': { minLossDrop: 0.013 },
      't5:ia3': { minLossDrop: 0.006 },
      't5:prompt_tuning': { minLossDrop: 0.006 },
      't5:prefix_tuning': { minLossDrop: 0.0045 },
      't5:p_tuning': { minLossDrop: 0.009 },
      't5:full': { minLossDrop: 0.009 },
    },
  },
  // Smoke without the micro models: small random-init bases built on the spot (2 layers × 128, vocab
  // 1024, 12 steps of 8, seed 42). Measured held-out loss fall: GPT-2 LoRA 0.3–1.7%, QLoRA 0.4%,
  // AdaLoRA 2.1–2.7%, IA³ 0.1%, prompt 0.9%, prefix 0.3%, P-tuning 1.1%, full 7.1%; T5 LoRA 4.7–11%,
  // QLoRA 4.9%, AdaLoRA 1.2–1.5%, IA³ 2.1%, prompt 1.1%, prefix 0.9%, P-tuning 5.4%, full 12.6%. No
  // method reliably beats the untuned base (best chrF ≈ 1 against 0).
  'smoke-random-init': {
    default: { minLossDrop: null, beatsBase: false, maxDegenerateRate: null, note: 'random-init base: adapters cannot learn the task in a dozen steps' },
    overrides: {
      'gpt2:adalora': { minLossDrop: 0.01 },
      'gpt2:prompt_tuning': { minLossDrop: 0.004 },
      'gpt2:p_tuning': { minLossDrop: 0.005 },
      'gpt2:full': { minLossDrop: 0.035 },
      't5:lora': { minLossDrop: 0.02 },
      't5:qlora': { minLossDrop: 0.02 },
      't5:adalora': { minLossDrop: 0.006 },
      't5:ia3': { minLossDrop: 0.01 },
      't5:prompt_tuning': { minLossDrop: 0.005 },
      't5:prefix_tuning': { minLossDrop: 0.004 },
      't5:p_tuning': { minLossDrop: 0.025 },
      't5:full': { minLossDrop: 0.025 }, // adamw_scale at lr 1e-3 since: 5.3% seen in CI
    },
  },
  // standard: the reference's budget (1,000 steps × 32 pairs (both sides ≤ 48 tokens, 70% everyday sentences)) on the micro models. Every fine-tuned method must
  // beat the untuned base significantly (95% intervals apart or paired bootstrap p < 0.05) with fewer
  // than 5% degenerate outputs: a collapsed run is a failed test, not a row of the report. The loss
  // margin is the general 1%; per-method margins are derived from the first standard run on these budgets.
  standard: {
    default: { minLossDrop: 0.01, beatsBase: true, maxDegenerateRate: 0.05 },
    grid_point: GRID_POINT,
  },
  full: {
    default: { minLossDrop: 0.05, beatsBase: true, maxDegenerateRate: 0.05 },
    grid_point: GRID_POINT,
  },
};
