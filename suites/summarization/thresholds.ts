/**
 * What every summarization experiment must show (main metric ROUGE-L, see
 * src/experiment/evaluate.ts), per profile. Each number is the measured value with a safety margin of
 * about half; the measurements are quoted so the numbers can be re-derived. "Loss fall" is the
 * held-out (validation) loss: 1 − after / before training; where it is null, the test asserts only
 * that it did not rise by more than 5%. Every test also asserts no NaN and the trainable-parameter
 * formula.
 */
import type { SuiteThresholds } from '../shared/thresholds.ts';

export const SUMMARIZATION_THRESHOLDS: SuiteThresholds = {
  // Smoke on the committed micro models (CI): 12 steps of 8 descriptions, seed 42. Held-out loss
  // fall measured on the micro models of model.safetensors sha256 e3644afa… (gpt2-micro) / 786167a4…
  // (t5-micro), and [in brackets] on their earlier stage-1 checkpoints 6fbe31be… / 19425d91…:
  //   GPT-2: LoRA 3.6–7.4% [4.0–6.1], QLoRA 4.1% [4.2], AdaLoRA 4.6–6.1% [4.4–5.8], IA³ 1.5% [1.1],
  //          prompt 5.8% [5.5], prefix 0.4% [0.5], P-tuning 2.6% [3.6], full 10.6% [7.2];
  //   T5:    LoRA 5.6–13.1% [10.9–13.5], QLoRA 5.8% [11.1], AdaLoRA 2.4–2.6% [3.4–3.5], IA³ 4.4% [6.9],
  //          prompt 0.1% [0.2], prefix 0.1% [0.6], P-tuning 0.0% [0.0], full 14.0% [13.9].
  // Quality: no run beats the untuned floor significantly (GPT-2 ROUGE-L 2.23 [0, 5.03] untuned, best
  // prompt tuning 4.89 [1.64, 8.74]; T5 stops at once: 0 for every run). Smoke requires the loss fall;
  // the standard profile the win.
  smoke: {
    default: { minLossDrop: null, beatsBase: false, note: 'a dozen steps: the held-out loss falls, quality is not yet above the floor' },
    overrides: {
      'gpt2:lora': { minLossDrop: 0.02 },
      'gpt2:qlora': { minLossDrop: 0.02 },
      'gpt2:adalora': { minLossDrop: 0.02 },
      'gpt2:ia3': { minLossDrop: 0.005 },
      'gpt2:prompt_tuning': { minLossDrop: 0.025 },
      'gpt2:p_tuning': { minLossDrop: 0.015 },
      'gpt2:full': { minLossDrop: 0.035 },
      't5:lora': { minLossDrop: 0.03 },
      't5:qlora': { minLossDrop: 0.03 },
      't5:adalora': { minLossDrop: 0.015 },
      't5:ia3': { minLossDrop: 0.03 },
      't5:full': { minLossDrop: 0.06 },
      // Prefix tuning (0.5% / 0.6%), prompt tuning and P-tuning on T5 (0.2% / 0.0%) barely move the
      // loss in 12 steps: only "did not rise" is asserted (the default).
    },
  },
  // Smoke without the micro models: small random-init bases built on the spot (2 layers × 128, vocab
  // 1024, 12 steps of 8, seed 42). Measured held-out loss fall: GPT-2 LoRA 0.3–1.3%, QLoRA 0.3%,
  // AdaLoRA 2.1–2.8%, IA³ 0.1%, prompt 0.5%, prefix 0.2%, P-tuning 0.6%, full 5.6%; T5 LoRA 3.4–9.3%,
  // QLoRA 3.3%, AdaLoRA 1.1–1.4%, IA³ 1.8%, prompt 0.5%, prefix 0.6%, P-tuning 4.0%, full 10.8%. No
  // method beats the untuned base.
  'smoke-random-init': {
    default: { minLossDrop: null, beatsBase: false, note: 'random-init base: adapters cannot learn the task in a dozen steps' },
    overrides: {
      'gpt2:adalora': { minLossDrop: 0.01 },
      'gpt2:p_tuning': { minLossDrop: 0.003 },
      'gpt2:full': { minLossDrop: 0.025 },
      't5:lora': { minLossDrop: 0.015 },
      't5:qlora': { minLossDrop: 0.015 },
      't5:adalora': { minLossDrop: 0.005 },
      't5:ia3': { minLossDrop: 0.008 },
      't5:prefix_tuning': { minLossDrop: 0.003 },
      't5:p_tuning': { minLossDrop: 0.02 },
      't5:full': { minLossDrop: 0.05 },
    },
  },
  // standard: derived from the committed REPORT.md's run (PEFT_PROFILE=standard, micro models, 120
  // steps of 16, seed 42; 2 h 18 min on 2 cores). Rules: minLossDrop = half the smallest held-out
  // loss fall measured for the method (null below 1%: only "did not rise"); beatsBase where every
  // case of the method won clearly (95% intervals apart or paired bootstrap p < 0.01), per case where
  // only some did. Measured (main metric ROUGE-L, untuned base in the report):
  //   gpt2:adalora: loss fall 20.2–23.7%, rougeL 3.70 / 2.72; clear wins 0/2, wins (p<0.05) 1/2
  //   gpt2:full: loss fall 14.1–14.1%, rougeL 5.60; clear wins 1/1, wins (p<0.05) 1/1
  //   gpt2:ia3: loss fall 9.9–9.9%, rougeL 5.89; clear wins 1/1, wins (p<0.05) 1/1
  //   gpt2:lora: loss fall 11.7–12.2%, rougeL 4.30 / 4.37 / 3.84 / 5.38 / 4.03 / 1.77 / 5.25 / 2.71 / 1.22 / 2.37 / 3.13 / 2.03; clear wins 5/12, wins (p<0.05) 6/12
  //   gpt2:p_tuning: loss fall 8.3–8.3%, rougeL 1.34; clear wins 0/1, wins (p<0.05) 0/1
  //   gpt2:prefix_tuning: loss fall 6.4–6.4%, rougeL 3.07; clear wins 0/1, wins (p<0.05) 1/1
  //   gpt2:prompt_tuning: loss fall 8.3–8.3%, rougeL 0.81; clear wins 0/1, wins (p<0.05) 0/1
  //   gpt2:qlora: loss fall 11.7–11.7%, rougeL 5.65; clear wins 1/1, wins (p<0.05) 1/1
  //   t5:adalora: loss fall 23.8–26.8%, rougeL 0.00 / 0.00; clear wins 0/2, wins (p<0.05) 0/2
  //   t5:full: loss fall 17.1–17.1%, rougeL 0.00; clear wins 0/1, wins (p<0.05) 0/1
  //   t5:ia3: loss fall 13.9–13.9%, rougeL 0.00; clear wins 0/1, wins (p<0.05) 0/1
  //   t5:lora: loss fall 15.6–16.2%, rougeL 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00 / 0.00; clear wins 0/12, wins (p<0.05) 0/12
  //   t5:p_tuning: loss fall -0.8–-0.8%, rougeL 0.00; clear wins 0/1, wins (p<0.05) 0/1
  //   t5:prefix_tuning: loss fall 0.4–0.4%, rougeL 0.53; clear wins 1/1, wins (p<0.05) 1/1
  //   t5:prompt_tuning: loss fall -0.0–-0.0%, rougeL 0.00; clear wins 0/1, wins (p<0.05) 0/1
  //   t5:qlora: loss fall 15.7–15.7%, rougeL 0.00; clear wins 0/1, wins (p<0.05) 0/1
  // T5-micro (undertrained: held-out span-corruption loss 5.91) falls in loss under every
  // method but its greedy outputs degenerate into repetitions at this budget: no win is required.
  standard: {
    default: { minLossDrop: 0.01, beatsBase: false },
    overrides: {
      'gpt2:adalora': { minLossDrop: 0.1, beatsBase: false },
      'gpt2:full': { minLossDrop: 0.07, beatsBase: true },
      'gpt2:ia3': { minLossDrop: 0.049, beatsBase: true },
      'gpt2:lora': { minLossDrop: 0.058, beatsBase: false },
      'gpt2:lora-r4-a16': { beatsBase: true },
      'gpt2:lora-r4-a32': { beatsBase: true },
      'gpt2:lora-r8-a16': { beatsBase: true },
      'gpt2:lora-r8-a32': { beatsBase: true },
      'gpt2:lora-r16-a16': { beatsBase: true },
      'gpt2:p_tuning': { minLossDrop: 0.041, beatsBase: false },
      'gpt2:prefix_tuning': { minLossDrop: 0.032, beatsBase: false },
      'gpt2:prompt_tuning': { minLossDrop: 0.041, beatsBase: false },
      'gpt2:qlora': { minLossDrop: 0.058, beatsBase: true },
      't5:adalora': { minLossDrop: 0.119, beatsBase: false },
      't5:full': { minLossDrop: 0.085, beatsBase: false },
      't5:ia3': { minLossDrop: 0.069, beatsBase: false },
      't5:lora': { minLossDrop: 0.077, beatsBase: false },
      't5:p_tuning': { minLossDrop: null, beatsBase: false },
      't5:prefix_tuning': { minLossDrop: null, beatsBase: true },
      't5:prompt_tuning': { minLossDrop: null, beatsBase: false },
      't5:qlora': { minLossDrop: 0.078, beatsBase: false },
    },
  },
  full: {
    default: { minLossDrop: 0.05, beatsBase: true },
  },
};
