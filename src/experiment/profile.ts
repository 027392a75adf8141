/**
 * Experiment profiles: how big a run is. The profile picks sizes (examples, steps, lengths, test set)
 * and where the base models come from — never a different code path, so a smoke run in CI exercises
 * exactly what a standard or full run does.
 *
 * - smoke: CI, minutes. The micro models when committed, else small random-init models built on the
 *   spot; a few hundred training pairs, a dozen steps, a few dozen test examples.
 * - standard: the micro models on the real shared data; what the committed REPORT.md is made from on a
 *   CPU (an hour or two for both suites).
 * - full: real gpt2 / t5-small / mt5-small directories given by the user (PEFT_GPT2_DIR, PEFT_T5_DIR,
 *   PEFT_MT5_DIR), for a machine with a GPU.
 */
import type { Task } from '../data/index.ts';
import type { DecodingSpec } from './predict.ts';
import { UserError } from '../util/errors.ts';
import type { NewsDataset } from './newsDatasets.ts';

export const PROFILE_NAMES = ['smoke', 'standard', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface TaskSizes {
  train_examples: number;
  /** Held-out examples for eval_loss during training (0 = none). */
  validation_examples: number;
  test_examples: number;
  /** Decoder-only: prompt + target tokens; T5: source tokens. */
  max_length: number;
  /** T5: target tokens. */
  max_target_length: number;
  max_new_tokens: number;
  /** Optimizer steps per experiment (the same for every method, so the comparison is fair). */
  max_steps: number;
  batch_size: number;
  /** Sampling weights by domain prefix (src/experiment/selection.ts); absent: the first n examples. */
  domains?: Readonly<Record<string, number>>;
  /** Training pairs with a side longer than this many tokens are skipped (absent: none). */
  max_tokens?: number;
}

/**
 * How the main tables decode, per task (the decoding comparison tries the others). Translation: greedy,
 * as the PyTorch reference. Summarization: beam search with 4 beams and no_repeat_ngram_size 4, the
 * usual summarization setting (BART's CNN/DailyMail generation config: 4 beams, no-repeat 3). Measured
 * on gpt2-micro fully fine-tuned on the standard budget (ROUGE-L, share of looping outputs): greedy
 * 19.8 / 7.7%, beam 4 22.6 / 8.7%, greedy no-repeat 3 17.8 / 0.7%, beam 4 no-repeat 3 19.2 / 0.3%,
 * beam 4 no-repeat 4 21.3 / 0.7%. On a decoder-only model transformers counts the prompt's n-grams
 * too, so 3 forbids copying any three-word phrase of the description, which a synopsis often does;
 * 4 lets the model copy and still stops the loops.
 */
export const MAIN_DECODING: Readonly<Record<Task, Omit<DecodingSpec, 'max_new_tokens'>>> = {
  translation: { strategy: 'greedy' },
  summarization: { strategy: 'beam', num_beams: 4, length_penalty: 1, no_repeat_ngram_size: 4 },
};

/**
 * The news summarization blocks (src/experiment/newsBlocks.ts). Transfer blocks score the Debian
 * block's trained cases with these lengths; few-shot blocks train on the news corpus's own train split
 * with `few_shot`.
 */
export interface NewsSizes {
  /**
   * The article truncation, as TaskSizes.max_length: decoder-only prompt + target tokens (generation
   * reads max_length − max_new_tokens prompt tokens), T5 source tokens. Results record what it meant
   * (DataRecord.truncation).
   */
  max_length: number;
  /** At most this many examples of the news test split (the shared samples' splits hold 64 and 40). */
  test_examples: number;
  few_shot: { train_examples: number; validation_examples: number; max_steps: number; batch_size: number };
  /** Per corpus: CNN/DM highlights run to 3–4 sentences (median ≈ 90 micro-tokenizer tokens), XSum's summary is one (≈ 40). */
  targets: Readonly<Record<NewsDataset, { max_target_length: number; max_new_tokens: number }>>;
  /**
   * The method cases each news block runs: `all` (every case of the grid), `main` (each method's main
   * setting, without the further grid points: eight blocks would otherwise repeat the whole grid), or
   * `reference` (the reference cases only, LoRA r=8 α=16 and full fine-tuning: the smoke profile's
   * pipeline check of the eight news blocks, which would otherwise train every case eight more times in CI).
   */
  cases: BlockCases;
}

/** Which of the method cases a block runs (see blockCases in blockSpec.ts). */
export type BlockCases = 'all' | 'main' | 'reference';

export interface Profile {
  name: ProfileName;
  sizes: Record<Task, TaskSizes>;
  news: NewsSizes;
  warmup_ratio: number;
  /** Batches of similar lengths (HF's group_by_length): far less padding on short pairs. */
  group_by_length: boolean;
  /** LoRA's rank × alpha grid. */
  lora_grid: readonly { r: number; alpha: number }[];
  /**
   * The main blocks' cases: `all` (each method's grid: its main setting and further points such as
   * another learning rate or prompt length) or `main` (the main settings only).
   */
  method_grid: 'all' | 'main';
  /** Prompts per generation batch. */
  generation_batch_size: number;
  bootstrap_samples: number;
  /** Test examples shown side by side in the report. */
  examples_shown: number;
  /** The decoding comparison runs on this many of the best adapters per (task, model). */
  decoding_top: number;
  /** Test examples the decoding comparison uses (beam search is the slow one). */
  decoding_examples: number;
  /** Per-test time limit in the suites (an experiment test trains, generates and scores). */
  test_timeout_s: number;
  /** Random-init smoke models (only when the committed micro models are absent). */
  smoke_model: { vocab_size: number; layers: number; width: number; heads: number; tokenizer_texts: number };
}

function cross(ranks: number[], alphas: number[]): { r: number; alpha: number }[] {
  return ranks.flatMap((r) => alphas.map((alpha) => ({ r, alpha })));
}

/**
 * The translation mix: everyday sentences first (the reference drew 70% Tatoeba), then the other
 * text types of the shared en-ru corpus, so quality per text type can be reported.
 */
export const TRANSLATION_DOMAINS: Readonly<Record<string, number>> = Object.freeze({
  tatoeba: 0.7,
  wmt: 0.1,
  'debian-ddtp': 0.1,
  tico19: 0.05,
  ntrex: 0.05,
});

const SMOKE: Profile = {
  name: 'smoke',
  sizes: {
    translation: {
      train_examples: 256,
      validation_examples: 32,
      test_examples: 24,
      max_length: 64,
      max_target_length: 32,
      max_new_tokens: 24,
      max_steps: 12,
      batch_size: 8,
    },
    summarization: {
      train_examples: 256,
      validation_examples: 32,
      test_examples: 24,
      max_length: 96,
      max_target_length: 24,
      max_new_tokens: 16,
      max_steps: 12,
      batch_size: 8,
    },
  },
  // A pipeline check on the news samples: a few steps, a handful of test articles, the reference cases.
  // T5 drops a training pair whose summary is longer than max_target_length, so the target lengths are
  // the standard profile's (the summaries' own); only the generated summaries are shorter.
  news: {
    max_length: 128,
    test_examples: 8,
    few_shot: { train_examples: 64, validation_examples: 8, max_steps: 6, batch_size: 4 },
    targets: { cnn_dailymail: { max_target_length: 128, max_new_tokens: 32 }, xsum: { max_target_length: 64, max_new_tokens: 16 } },
    cases: 'reference',
  },
  warmup_ratio: 0.1,
  group_by_length: false,
  lora_grid: cross([4, 8, 16, 32], [16, 32, 64]),
  // CI time: the further grid points are the same code path at other settings.
  method_grid: 'main',
  generation_batch_size: 24,
  bootstrap_samples: 1000,
  examples_shown: 3,
  decoding_top: 1,
  decoding_examples: 16,
  test_timeout_s: 600,
  smoke_model: { vocab_size: 1024, layers: 2, width: 128, heads: 4, tokenizer_texts: 4000 },
};

const STANDARD: Profile = {
  name: 'standard',
  sizes: {
    // The reference pipeline's budget (../shared/REFERENCE_RESULTS.md): ~1,000 steps × 32 pairs with
    // both sides ≤ 48 tokens, 70% everyday sentences; 16,000 pairs seen twice.
    translation: {
      train_examples: 16000,
      validation_examples: 200,
      test_examples: 500,
      max_length: 104,
      max_target_length: 48,
      max_new_tokens: 64,
      max_steps: 1000,
      batch_size: 32,
      domains: TRANSLATION_DOMAINS,
      max_tokens: 48,
    },
    // Sized by tokens: 600 × 32 descriptions of up to 160 tokens ≈ 2.8M tokens. At 300 steps (about
    // the reference's 5 minutes per method) gpt2-micro's LoRA r=8 reached ROUGE-L 10.3 against the
    // reference's 11.9 and 5.7% of full fine-tuning's outputs were loops; 600 steps gave 12.9. Each
    // description is seen once: on 8,000 seen 2.4 times full fine-tuning overfitted (training loss 2.41,
    // held-out 3.44; ROUGE-L 18.7), on 19,200 it did not (3.28 / 3.27; 19.8).
    summarization: {
      train_examples: 19200,
      validation_examples: 200,
      test_examples: 300,
      max_length: 160,
      max_target_length: 32,
      max_new_tokens: 24,
      max_steps: 600,
      batch_size: 32,
    },
  },
  // gpt2-micro reads 256 positions: with CNN/DM's 96 new tokens, 160 prompt tokens of a median
  // 1,081-token article. Few-shot: 60 steps × 16 = 4 passes over CNN/DM's 240 training articles.
  news: {
    max_length: 256,
    test_examples: 64,
    few_shot: { train_examples: 240, validation_examples: 16, max_steps: 60, batch_size: 16 },
    targets: { cnn_dailymail: { max_target_length: 128, max_new_tokens: 96 }, xsum: { max_target_length: 64, max_new_tokens: 48 } },
    cases: 'main',
  },
  warmup_ratio: 0.05,
  group_by_length: true,
  lora_grid: [
    { r: 4, alpha: 8 },
    { r: 8, alpha: 16 },
    { r: 16, alpha: 32 },
  ],
  method_grid: 'all',
  generation_batch_size: 32,
  bootstrap_samples: 1000,
  examples_shown: 4,
  decoding_top: 2,
  decoding_examples: 100,
  test_timeout_s: 3 * 3600,
  smoke_model: SMOKE.smoke_model,
};

const FULL: Profile = {
  name: 'full',
  sizes: {
    translation: {
      train_examples: 40000,
      validation_examples: 1000,
      test_examples: 1000,
      max_length: 128,
      max_target_length: 64,
      max_new_tokens: 64,
      max_steps: 2000,
      batch_size: 16,
      domains: TRANSLATION_DOMAINS,
    },
    summarization: {
      train_examples: 20000,
      validation_examples: 500,
      test_examples: 500,
      max_length: 512,
      max_target_length: 48,
      max_new_tokens: 48,
      max_steps: 2000,
      batch_size: 16,
    },
  },
  // t5-small's usual 512 source tokens (gpt2 reads 1,024 positions).
  news: {
    max_length: 512,
    test_examples: 64,
    few_shot: { train_examples: 240, validation_examples: 16, max_steps: 200, batch_size: 8 },
    targets: { cnn_dailymail: { max_target_length: 128, max_new_tokens: 128 }, xsum: { max_target_length: 64, max_new_tokens: 64 } },
    cases: 'all',
  },
  warmup_ratio: 0.03,
  group_by_length: true,
  lora_grid: cross([4, 8, 16, 32], [16, 32, 64]),
  method_grid: 'all',
  generation_batch_size: 32,
  bootstrap_samples: 1000,
  examples_shown: 5,
  decoding_top: 3,
  decoding_examples: 500,
  test_timeout_s: 24 * 3600,
  smoke_model: SMOKE.smoke_model,
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = { smoke: SMOKE, standard: STANDARD, full: FULL };

/** The profile named by PEFT_PROFILE (default smoke: the only one that finishes in minutes). */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): Profile {
  const name = (env.PEFT_PROFILE ?? 'smoke').trim().toLowerCase();
  if (!(PROFILE_NAMES as readonly string[]).includes(name))
    throw new UserError(`PEFT_PROFILE='${env.PEFT_PROFILE}' is not a profile; valid: ${PROFILE_NAMES.join(', ')}`);
  return PROFILES[name as ProfileName];
}

/** PEFT_FRESH=1 ignores cached experiment results (the suites' `--fresh`). */
export function freshFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.PEFT_FRESH ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}
