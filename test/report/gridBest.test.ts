import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import { experimentIn, reportInput } from './fixtures.ts';

/** The main table's labels of the translation · gpt2 block. */
function mainLabels(input: ReturnType<typeof reportInput>): string[] {
  const block = buildReport(input).view.tasks[0]!.blocks[0]!;
  return block.main_rows.map((r) => r.label);
}

describe("the main table's grid point of each method", () => {
  const fresh = () => reportInput([{ task: 'translation', family: 'gpt2' }]);

  it('is the lowest validation loss, not the best test score', () => {
    const input = fresh();
    // r=4 scores lower on the test split (6 against 7) but has the lower validation loss.
    experimentIn(input, 'translation', 'gpt2', 'LoRA r=4 α=16').training!.eval_loss = 4.1;
    expect(mainLabels(input)).toEqual(['untuned base', 'LoRA r=4 α=16', 'IA³', 'full fine-tuning']);
  });

  it('is a sound run over a failed one with a lower validation loss', () => {
    const input = fresh();
    const r4 = experimentIn(input, 'translation', 'gpt2', 'LoRA r=4 α=16');
    r4.training!.eval_loss = 4.0;
    r4.degeneration = { outputs: 24, empty: 12, one_word_dominant: 0, degenerate: 12, degenerate_rate: 0.5, distinct_outputs: 3, distinct_per_input: 0.125 };
    expect(mainLabels(input)).toContain('LoRA r=8 α=16');
  });

  it('gives a setting with its own table group its own row', () => {
    const input = fresh();
    experimentIn(input, 'translation', 'gpt2', 'LoRA r=4 α=16').table_group = 'lora-all-linear';
    expect(mainLabels(input)).toEqual(['untuned base', 'LoRA r=4 α=16', 'LoRA r=8 α=16', 'IA³', 'full fine-tuning']);
    const rows = buildReport(input).view.tasks[0]!.blocks[0]!.main_rows;
    expect(rows.every((r) => r.grid_note === null)).toBe(true);
  });
});
