import type { Task } from '../../src/util/task.ts';
import { atLearningRate, NUM_VIRTUAL_TOKENS, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 3e-2;

/** The text prompt tuning starts from (peft's TEXT init: the embeddings of these tokens). */
export function promptInitText(task: Task): string {
  return task === 'translation' ? 'Translate the English sentence into Russian:' : 'Summarize the package description in one line:';
}

function promptTuningCase(task: Task, tokens: number, init: 'TEXT' | 'RANDOM'): MethodCase {
  const text = init === 'TEXT';
  return {
    case: `prompt_tuning-${tokens}${text ? '' : '-random'}`,
    method: 'prompt_tuning',
    label: `prompt tuning (${tokens} tokens${text ? '' : ', random init'})`,
    peft_config: {
      num_virtual_tokens: tokens,
      prompt_tuning_init: init,
      // tokenizer_name_or_path: the base model's directory, filled in when the model is known.
      ...(text ? { prompt_tuning_init_text: promptInitText(task) } : {}),
    },
    learning_rate: LEARNING_RATE,
    hyperparameters: { virtual_tokens: tokens, init: text ? 'text' : 'random', lr: LEARNING_RATE },
  };
}

/**
 * Prompt tuning from a task description (TEXT init); its grid: half the prompt length, a random
 * init (peft's default), and half the rate.
 */
export function promptTuningCases(ctx: CaseContext): MethodCase[] {
  const main = promptTuningCase(ctx.task, NUM_VIRTUAL_TOKENS, 'TEXT');
  return [
    main,
    { ...promptTuningCase(ctx.task, NUM_VIRTUAL_TOKENS / 2, 'TEXT'), grid_point: true },
    { ...promptTuningCase(ctx.task, NUM_VIRTUAL_TOKENS, 'RANDOM'), grid_point: true },
    atLearningRate(main, LEARNING_RATE / 2),
  ];
}
