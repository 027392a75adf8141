import type { MethodInfo } from '../../src/peft/methodInfo.ts';

export const promptTuningInfo: MethodInfo = { name: 'prompt_tuning', title: 'prompt tuning', isBaseline: false, isPromptLearning: true };
