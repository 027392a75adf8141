import { atLearningRate, LORA_DROPOUT, runLengthRate, type CaseContext, type MethodCase, type RunLengthRates } from '../../src/peft/experimentCase.ts';
import type { ModelFamilyName } from '../../src/models/registry.ts';

/**
 * Swept on the standard profile's translation budget (1,000 steps × 32 pairs, chrF on the everyday
 * test pairs): gpt2-micro's LoRA r=8 on c_attn 11.5 at 5e-3; a 5M-parameter model over a short run
 * wants larger steps than peft's examples. t5-micro (dropout 0) on q, v: 9.8 at 2e-3 with 7.8% of all
 * outputs degenerate, 10.4 at 5e-3 with 4.4%. QLoRA and AdaLoRA take the same.
 */
const LORA_LEARNING_RATE: RunLengthRates = {
  standard: { gpt2: 5e-3, t5: 5e-3 },
  // t5-micro over the smoke profile's dozen steps: 5e-3 left the held-out loss flat (r=4 α=64), 2e-3 lowers it.
  shortRun: { gpt2: 5e-3, t5: 2e-3 },
};

/** The rate of LoRA and the methods built on it for the block's run length. */
export function loraLearningRate(ctx: CaseContext): number {
  return runLengthRate(ctx, LORA_LEARNING_RATE);
}

/**
 * Every linear layer of a block (peft's `all-linear`, which leaves the LM head out): GPT-2's fused
 * attention, its output projection and both MLP layers; T5's q/k/v/o and feed-forward wi/wo.
 */
export const ALL_LINEAR_TARGETS: Readonly<Record<ModelFamilyName, readonly string[]>> = {
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
  t5: ['q', 'k', 'v', 'o', 'wi', 'wo'],
};

/** peft's example setting: the case every other method is compared against (with full fine-tuning). */
const REFERENCE = { r: 8, alpha: 16 };

/**
 * LoRA over the profile's r × α grid (peft's default targets) and r=8 α=16 at half the rate, then
 * r=8 α=16 on all linear layers (its own row in the report, as in the PyTorch reference's table).
 */
export function loraCases(ctx: CaseContext): MethodCase[] {
  const lr = loraLearningRate(ctx);
  const cases: MethodCase[] = ctx.loraGrid.map(({ r, alpha }) => ({
    case: `lora-r${r}-a${alpha}`,
    method: 'lora',
    label: `LoRA r=${r} α=${alpha}`,
    peft_config: { r, lora_alpha: alpha, lora_dropout: LORA_DROPOUT },
    learning_rate: lr,
    hyperparameters: { r, alpha, lr },
    ...(r === REFERENCE.r && alpha === REFERENCE.alpha ? { reference: true as const } : {}),
  }));
  const reference = cases.find((c) => c.reference);
  if (reference) cases.push(atLearningRate(reference, lr / 2));
  cases.push({
    case: 'lora-all-r8-a16',
    method: 'lora',
    label: 'LoRA r=8 α=16, all linear layers',
    peft_config: {
      r: 8,
      lora_alpha: 16,
      lora_dropout: LORA_DROPOUT,
      target_modules: [...ALL_LINEAR_TARGETS[ctx.family]],
    },
    learning_rate: lr,
    hyperparameters: { r: 8, alpha: 16, targets: 'all linear', lr },
    table_group: 'lora-all-linear',
  });
  return cases;
}
