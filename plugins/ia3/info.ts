import type { MethodInfo } from '../../src/peft/methodInfo.ts';

export const ia3Info: MethodInfo = { name: 'ia3', title: 'IA³', isBaseline: false, isPromptLearning: false };
