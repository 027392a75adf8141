import type { ModelFamilyName } from '../../src/models/registry.ts';
import { atLearningRate, runLengthRate, type CaseContext, type MethodCase, type RunLengthRates } from '../../src/peft/experimentCase.ts';

/**
 * Few parameters and an identity start: IA³ takes large steps. Swept on the standard translation
 * budget (1,000 steps × 32 pairs, gpt2-micro, chrF on the everyday test pairs): peft's default
 * targets 9.1 at 3e-2; every linear layer 9.5 at 3e-2 and at 6e-2; every linear layer with the
 * template tokens' embedding rows 9.87 at 5e-2, 9.96 at 3e-2, 10.10 at 1.5e-2 (held-out loss 4.088 at
 * 5e-2, 4.084 at 1.5e-2). t5-micro on peft's default targets (k, v, wo), same budget: 9.69 at 1e-2
 * with 8.4% of all outputs degenerate (one word repeated), 10.67 at 2e-2 with 3.4%, 11.16 at 3e-2
 * with 1.2%; on every linear layer 11.20 at 1e-2, 12.04 at 3e-2 (1.2% degenerate).
 */
const LEARNING_RATE: RunLengthRates = {
  standard: { gpt2: 1.5e-2, t5: 3e-2 },
  // The smoke profile's dozen steps keep the rate its thresholds were measured at.
  shortRun: { gpt2: 3e-2, t5: 1e-2 },
};

/**
 * Every linear layer of a block, the feed-forward output projection scaled on its input (the paper's
 * l_ff). Listed by full suffix: IA³ requires feedforward_modules to be a subset of target_modules.
 */
const ALL_LINEAR: Readonly<Record<ModelFamilyName, { target_modules: string[]; feedforward_modules: string[] }>> = {
  gpt2: { target_modules: ['c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'], feedforward_modules: ['mlp.c_proj'] },
  t5: { target_modules: ['q', 'k', 'v', 'o', 'wi', 'wo'], feedforward_modules: ['wo'] },
};

/**
 * IA³ on peft's default targets, and on every linear layer with the prompt template's token rows
 * trained beside it (a base pretrained on plain text never saw `<sep>`, and scaling alone cannot give
 * an unseen marker a meaning; an encoder-decoder has no template, so there it is every linear layer);
 * the grid adds the latter at half the rate.
 */
export function ia3Cases(ctx: CaseContext): MethodCase[] {
  const lr = runLengthRate(ctx, LEARNING_RATE);
  const all = ALL_LINEAR[ctx.family];
  const allTokens: MethodCase = {
    case: 'ia3-all-tokens',
    method: 'ia3',
    label: 'IA³, all linear layers + template tokens',
    peft_config: { target_modules: [...all.target_modules], feedforward_modules: [...all.feedforward_modules] },
    learning_rate: lr,
    hyperparameters: { targets: 'all linear', template_tokens: true, lr },
    train_template_tokens: true,
  };
  return [
    {
      case: 'ia3',
      method: 'ia3',
      label: 'IA³',
      peft_config: {},
      learning_rate: lr,
      hyperparameters: { targets: 'peft default', lr },
    },
    allTokens,
    atLearningRate(allTokens, lr / 2),
  ];
}
