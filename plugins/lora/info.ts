import type { MethodInfo } from '../../src/peft/methodInfo.ts';

export const loraInfo: MethodInfo = { name: 'lora', title: 'LoRA', isBaseline: false, isPromptLearning: false };
