import type { Task } from '../../src/util/task.ts';
import { NUM_VIRTUAL_TOKENS, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 3e-2;

/** The text prompt tuning starts from (peft's TEXT init: the embeddings of these tokens). */
export function promptInitText(task: Task): string {
  return task === 'translation' ? 'Translate the English sentence into Russian:' : 'Summarize the package description in one line:';
}

/** Prompt tuning from a task description (TEXT init). */
export function promptTuningCases(ctx: CaseContext): MethodCase[] {
  return [
    {
      case: `prompt_tuning-${NUM_VIRTUAL_TOKENS}`,
      method: 'prompt_tuning',
      label: `prompt tuning (${NUM_VIRTUAL_TOKENS} tokens)`,
      peft_config: {
        num_virtual_tokens: NUM_VIRTUAL_TOKENS,
        prompt_tuning_init: 'TEXT',
        prompt_tuning_init_text: promptInitText(ctx.task),
        // tokenizer_name_or_path: the base model's directory, filled in when the model is known.
      },
      learning_rate: LEARNING_RATE,
      hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, init: 'text', lr: LEARNING_RATE },
    },
  ];
}
