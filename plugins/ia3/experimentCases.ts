import type { MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters and an identity start: IA³ takes large steps (scaled for short CPU runs). */
const LEARNING_RATE = 1e-2;

/** IA³ on peft's default targets. */
export function ia3Cases(): MethodCase[] {
  return [
    {
      case: 'ia3',
      method: 'ia3',
      label: 'IA³',
      peft_config: {},
      learning_rate: LEARNING_RATE,
      hyperparameters: { targets: 'peft default', lr: LEARNING_RATE },
    },
  ];
}
