import type { MethodInfo } from '../../src/peft/methodInfo.ts';

export const prefixTuningInfo: MethodInfo = { name: 'prefix_tuning', title: 'prefix tuning', isBaseline: false, isPromptLearning: true };

export const pTuningV2Info: MethodInfo = { name: 'p_tuning_v2', title: 'P-tuning v2', isBaseline: false, isPromptLearning: true };
