/**
 * What every translation experiment must show (main metric chrF, see src/experiment/evaluate.ts),
 * per profile. Each number is the measured value with a safety margin of about half; the
 * measurements are quoted so the numbers can be re-derived. "Loss fall" is the held-out
 * (validation) loss: 1 − after / before training; where it is null, the test asserts only that it did
 * not rise by more than 5%. Every test also asserts no NaN and the trainable-parameter formula.
 */
import type { SuiteThresholds } from '../shared/thresholds.ts';

export const TRANSLATION_THRESHOLDS: SuiteThresholds = {
  // Smoke on the committed micro models (CI): 12 steps of 8 pairs, seed 42. Held-out loss fall
  // measured on the micro models of model.safetensors sha256 e3644afa… (gpt2-micro) / 786167a4…
  // (t5-micro), and [in brackets] on their earlier stage-1 checkpoints 6fbe31be… / 19425d91…:
  //   GPT-2: LoRA 1.4–2.5% [1.6–2.8], QLoRA 1.4% [1.7], AdaLoRA 4.8–6.3% [4.4–5.8], IA³ 0.9% [0.6],
  //          prompt 2.1% [2.4], prefix 0.8% [0.7], P-tuning 2.5% [2.0], full 2.9% [2.4];
  //   T5:    LoRA 5.4–10.9% [7.8–9.2], QLoRA 5.5% [7.8], AdaLoRA 2.5–2.7% [2.7–2.9], IA³ 4.2% [4.6],
  //          prompt 0.0% [0.6], prefix 0.0% [0.0], P-tuning 2.6% [1.6], full 12.1% [10.1].
  // Quality: GPT-2 outputs turn Cyrillic and many runs beat the floor (chrF 0.28 [0.20, 0.36] untuned
  // → 6.20 [5.08, 7.34] full fine-tuning, 3.52 LoRA r=32 α=64, 2.60 prompt tuning), but not all
  // (LoRA α=16: 0.40 [0.15, 0.68]); T5 mostly repeats its untuned output after 12 steps. A dozen steps
  // is a pipeline check, not a quality budget: smoke requires the loss fall, standard the win.
  smoke: {
    default: { minLossDrop: null, beatsBase: false, maxDegenerateRate: null, note: 'a dozen steps: the held-out loss falls, quality is not yet reliably above the floor' },
    overrides: {
      'gpt2:lora': { minLossDrop: 0.008 },
      'gpt2:qlora': { minLossDrop: 0.008 },
      'gpt2:adalora': { minLossDrop: 0.02 },
      'gpt2:prompt_tuning': { minLossDrop: 0.01 },
      'gpt2:p_tuning': { minLossDrop: 0.008 },
      'gpt2:full': { minLossDrop: 0.01 },
      't5:lora': { minLossDrop: 0.035 },
      't5:qlora': { minLossDrop: 0.035 },
      't5:adalora': { minLossDrop: 0.012 },
      't5:ia3': { minLossDrop: 0.02 },
      't5:p_tuning': { minLossDrop: 0.006 },
      't5:full': { minLossDrop: 0.05 },
      // IA³ on GPT-2 (0.6%), prefix tuning (0.7% / 0.0%) and prompt tuning on T5 (0.6%) barely move
      // the loss in 12 steps: only "did not rise" is asserted (the default).
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
      't5:full': { minLossDrop: 0.06 },
    },
  },
  // standard: the reference's budget (1,000 steps × 32 pairs (both sides ≤ 48 tokens, 70% everyday sentences)) on the micro models. Every fine-tuned method must
  // beat the untuned base significantly (95% intervals apart or paired bootstrap p < 0.05) with fewer
  // than 5% degenerate outputs: a collapsed run is a failed test, not a row of the report. The loss
  // margin is the general 1%; per-method margins are derived from the first standard run on these budgets.
  standard: {
    default: { minLossDrop: 0.01, beatsBase: true, maxDegenerateRate: 0.05 },
  },
  full: {
    default: { minLossDrop: 0.05, beatsBase: true, maxDegenerateRate: 0.05 },
  },
};
