import type { MethodInfo } from '../../src/peft/methodInfo.ts';

export const pTuningInfo: MethodInfo = { name: 'p_tuning', title: 'P-tuning', isBaseline: false, isPromptLearning: true };
