/**
 * The grid each suite block runs: LoRA over r ∈ {4, 8, 16, 32} × α ∈ {16, 32, 64}, QLoRA, AdaLoRA at
 * two budgets, IA³, prompt tuning, prefix tuning, P-tuning and full fine-tuning — with the
 * hyperparameters and learning rates used, in one readable table.
 *
 * Learning rates follow each method's usual range (the papers' and peft's examples), scaled for short
 * CPU runs: adapters with few parameters and a zero or identity start (prompt methods, IA³) take
 * large steps; full fine-tuning takes small ones. Every method gets the same number of optimizer
 * steps and the same data, so the comparison is per step budget.
 */
import type { Task } from '../data/index.ts';
import type { OptimizerName } from '../train/arguments.ts';
import type { ModelFamilyName } from './baseModels.ts';
import type { Profile } from './profile.ts';

export interface MethodCase {
  /** Unique within the block: becomes part of the experiment id. */
  case: string;
  method: string;
  label: string;
  peft_config: Record<string, unknown>;
  learning_rate: number;
  /** TrainingArguments.optim when not HF's default adamw_torch. */
  optim?: OptimizerName;
  /** What the report's hyperparameter column shows. */
  hyperparameters: Record<string, number | string | boolean>;
}

export const LORA_DROPOUT = 0.05;
export const NUM_VIRTUAL_TOKENS = 20;

/** The case every comparison refers to (LoRA r=8, α=16: peft's example setting). */
export const REFERENCE_LORA_CASE = 'lora-r8-a16';
export const FULL_CASE = 'full';

/**
 * Swept on the standard profile's translation budget (1,000 steps × 32 pairs, gpt2-micro, chrF on
 * the everyday test pairs): LoRA r=8 on c_attn 11.5 at 5e-3; full fine-tuning 19.6 at 5e-4, 23.6 at
 * 1e-3, 26.6 at 2e-3. A 5M-parameter model over a short run wants larger steps than peft's examples.
 */
const LR = {
  lora: 5e-3,
  adalora: 5e-3,
  ia3: 1e-2,
  prompt_tuning: 3e-2,
  prefix_tuning: 1e-2,
  p_tuning: 1e-2,
  full: 2e-3,
} as const;

/** The text prompt tuning starts from (peft's TEXT init: the embeddings of these tokens). */
export function promptInitText(task: Task): string {
  return task === 'translation' ? 'Translate the English sentence into Russian:' : 'Summarize the package description in one line:';
}

/**
 * AdaLoRA's budget schedule for a run of `steps` optimizer steps: warm up the first 10% at init_r,
 * prune on a cubic schedule, hold the final budget over the last 20%, reallocate every ~5% of steps.
 */
function adaloraSchedule(steps: number): Record<string, number> {
  return { tinit: Math.max(1, Math.round(steps * 0.1)), tfinal: Math.max(1, Math.round(steps * 0.2)), deltaT: Math.max(1, Math.round(steps / 20)) };
}

/**
 * Every linear layer of a block (peft's `all-linear`, which leaves the LM head out): GPT-2's fused
 * attention, its output projection and both MLP layers; T5's q/k/v/o and feed-forward wi/wo.
 */
export const ALL_LINEAR_TARGETS: Readonly<Record<ModelFamilyName, readonly string[]>> = {
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
  t5: ['q', 'k', 'v', 'o', 'wi', 'wo'],
};

/**
 * Full fine-tuning by family. T5's weights differ in scale by two orders of magnitude (embeddings
 * N(0, 1), attention N(0, 1/128)), so it is fine-tuned with steps relative to each tensor's RMS
 * (adamw_scale, as Adafactor's scale_parameter, the optimizer T5 was made with): 1e-3 moves every
 * tensor by about 0.1% of its size per step. GPT-2 takes plain AdamW.
 */
const FULL: Readonly<Record<ModelFamilyName, { lr: number; optim?: OptimizerName }>> = { gpt2: { lr: LR.full }, t5: { lr: 1e-3, optim: 'adamw_scale' } };

export function methodCases(task: Task, family: ModelFamilyName, profile: Profile): MethodCase[] {
  const cases: MethodCase[] = [];
  for (const { r, alpha } of profile.lora_grid)
    cases.push({
      case: `lora-r${r}-a${alpha}`,
      method: 'lora',
      label: `LoRA r=${r} α=${alpha}`,
      peft_config: { r, lora_alpha: alpha, lora_dropout: LORA_DROPOUT },
      learning_rate: LR.lora,
      hyperparameters: { r, alpha, lr: LR.lora },
    });
  cases.push({
    case: 'lora-all-r8-a16',
    method: 'lora',
    label: 'LoRA r=8 α=16, all linear layers',
    peft_config: { r: 8, lora_alpha: 16, lora_dropout: LORA_DROPOUT, target_modules: [...ALL_LINEAR_TARGETS[family]] },
    learning_rate: LR.lora,
    hyperparameters: { r: 8, alpha: 16, targets: 'all linear', lr: LR.lora },
  });
  cases.push({
    case: 'qlora-r8-a16',
    method: 'qlora',
    label: 'QLoRA (NF4) r=8 α=16',
    peft_config: { r: 8, lora_alpha: 16, lora_dropout: LORA_DROPOUT, bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true },
    learning_rate: LR.lora,
    hyperparameters: { r: 8, alpha: 16, quant: 'nf4+dq', lr: LR.lora },
  });
  for (const [initR, targetR] of [
    [12, 8],
    [6, 4],
  ] as const)
    cases.push({
      case: `adalora-r${initR}-t${targetR}`,
      method: 'adalora',
      label: `AdaLoRA r ${initR}→${targetR}`,
      peft_config: { init_r: initR, target_r: targetR, lora_alpha: 32, lora_dropout: LORA_DROPOUT, ...adaloraSchedule(profile.sizes[task].max_steps) },
      learning_rate: LR.adalora,
      hyperparameters: { init_r: initR, target_r: targetR, alpha: 32, lr: LR.adalora },
    });
  cases.push({ case: 'ia3', method: 'ia3', label: 'IA³', peft_config: {}, learning_rate: LR.ia3, hyperparameters: { targets: 'peft default', lr: LR.ia3 } });
  cases.push({
    case: `prompt_tuning-${NUM_VIRTUAL_TOKENS}`,
    method: 'prompt_tuning',
    label: `prompt tuning (${NUM_VIRTUAL_TOKENS} tokens)`,
    peft_config: {
      num_virtual_tokens: NUM_VIRTUAL_TOKENS,
      prompt_tuning_init: 'TEXT',
      prompt_tuning_init_text: promptInitText(task),
      // tokenizer_name_or_path: the base model's directory, filled in when the model is known.
    },
    learning_rate: LR.prompt_tuning,
    hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, init: 'text', lr: LR.prompt_tuning },
  });
  cases.push({
    case: `prefix_tuning-${NUM_VIRTUAL_TOKENS}`,
    method: 'prefix_tuning',
    label: `prefix tuning (${NUM_VIRTUAL_TOKENS} tokens)`,
    peft_config: { num_virtual_tokens: NUM_VIRTUAL_TOKENS, prefix_projection: false },
    learning_rate: LR.prefix_tuning,
    hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, projection: false, lr: LR.prefix_tuning },
  });
  cases.push({
    case: `p_tuning-${NUM_VIRTUAL_TOKENS}`,
    method: 'p_tuning',
    label: `P-tuning (${NUM_VIRTUAL_TOKENS} tokens, MLP)`,
    peft_config: { num_virtual_tokens: NUM_VIRTUAL_TOKENS, encoder_reparameterization_type: 'MLP', encoder_hidden_size: 128 },
    learning_rate: LR.p_tuning,
    hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, encoder: 'MLP h=128', lr: LR.p_tuning },
  });
  const full = FULL[family];
  cases.push({
    case: FULL_CASE,
    method: 'full',
    label: 'full fine-tuning',
    peft_config: {},
    learning_rate: full.lr,
    ...(full.optim ? { optim: full.optim } : {}),
    hyperparameters: { lr: full.lr, ...(full.optim ? { optim: full.optim } : {}) },
  });
  return cases;
}
