import type { MethodInfo } from '../../src/peft/methodInfo.ts';

/** Full fine-tuning is the baseline: the report compares every method's runs with its run. */
export const fullInfo: MethodInfo = { name: 'full', title: 'full fine-tuning', isBaseline: true, isPromptLearning: false };
