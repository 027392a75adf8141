import { describe, expect, it } from 'vitest';
import { ALL_METHOD_INFOS } from '../../plugins/methodInfos.ts';
import { buildReport } from '../../src/report/model.ts';
import { PYTORCH_REFERENCE } from '../../src/report/pytorchReference.ts';
import { standing } from '../../src/report/referenceComparison.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { experimentIn, makeExperiment, reportInput } from './fixtures.ts';

/** Translation and summarization on both models, LoRA r=8 α=16 with the grid's hyperparameters, plus LoRA on every linear layer. */
function input() {
  const inp = reportInput([
    { task: 'translation', family: 'gpt2' },
    { task: 'translation', family: 't5' },
    { task: 'summarization', family: 'gpt2' },
  ]);
  for (const task of ['translation', 'summarization'] as const) {
    experimentIn(inp, task, 'gpt2', 'LoRA r=8 α=16').hyperparameters = { r: 8, alpha: 16, lr: 0.005 };
    experimentIn(inp, task, 'gpt2', 'LoRA r=4 α=16').hyperparameters = { r: 4, alpha: 16, lr: 0.005 };
  }
  const allLinear = makeExperiment({
    task: 'translation',
    family: 'gpt2',
    caseId: 'lora-all-r8-a16',
    method: 'lora',
    label: 'LoRA r=8 α=16, all linear layers',
    order: 13,
    main: 9,
    trainable: 90_000,
  });
  allLinear.hyperparameters = { r: 8, alpha: 16, targets: 'all linear', lr: 0.005 };
  inp.tests.push({ file: 's', path: ['translation · gpt2', allLinear.label], state: 'passed', errors: [], duration_ms: 1, meta: { experiment: allLinear } });
  return inp;
}

describe('our runs against the PyTorch + peft reference', () => {
  const { view } = buildReport(input());

  it('compare like with like: the same setting, the same metric, the reference model family only', () => {
    expect(view.reference.map((c) => c.block)).toEqual(['English → Russian translation · gpt2 (gpt2-micro)', 'Summarization · gpt2 (gpt2-micro)']);
    const translation = view.reference[0]!;
    const chrf = translation.pairs.filter((p) => p.metric === 'chrf').map((p) => [p.setting, p.run]);
    // LoRA r=4 and IA³ without peft's defaults marked have no reference setting; LoRA on every linear
    // layer is compared with that row, not with LoRA on c_attn.
    expect(chrf).toEqual([
      ['untuned base', 'untuned base'],
      ['LoRA r=8, α=16 on c_attn', 'LoRA r=8 α=16'],
      ['LoRA r=8 on every linear layer', 'LoRA r=8 α=16, all linear layers'],
      ['full fine-tuning', 'full fine-tuning'],
    ]);
    expect(translation.pairs.map((p) => p.metric_label)).not.toContain('ROUGE-L');
    expect(view.reference[1]!.pairs.map((p) => p.metric_label)).not.toContain('BLEU');
  });

  it('put one line per compared block in the summary, with the reference setup that makes it indicative', () => {
    const [translation] = view.summary.reference;
    expect(translation!.text).toBe(
      'chrF ours vs reference: untuned base 1.00 vs 0.4; LoRA r=8 α=16 7.00 vs 10.0 ± 0.3; LoRA r=8 α=16, all linear layers 9.00 vs 11.9 ± 0.4; ' +
        'full fine-tuning 12.00 vs 24.3 ± 1.1. Ours is below the reference on 3 of 4 settings, above it on 1 ' +
        '(reference: a 4-layer GPT-2 fine-tuned for 6 minutes per method (≈ 0.8k–1.2k steps of 32 pairs), scored on 1,000 Tatoeba sentences; ours: 12 steps, 24 test examples).',
    );
    const md = renderMarkdown(view);
    expect(md).toContain('| LoRA r=8 on every linear layer | LoRA r=8 α=16, all linear layers | chrF | 9.00 [8.50, 9.50] | 11.9 ± 0.4 | below |');
  });

  it("stand below or above only when the intervals do not touch (the reference's point where it has no interval)", () => {
    expect(standing({ score: 9.5, low: 9.1, high: 9.69 }, { score: 10, half_width: 0.3 })).toBe('below');
    expect(standing({ score: 9.5, low: 9.1, high: 9.7 }, { score: 10, half_width: 0.3 })).toBe('overlapping');
    expect(standing({ score: 0.5, low: 0.2, high: 0.8 }, { score: 0.4 })).toBe('overlapping');
    expect(standing({ score: 0.5, low: 0.41, high: 0.8 }, { score: 0.4 })).toBe('above');
  });

  it('names every method by a title a registered method has', () => {
    const titles = new Set(ALL_METHOD_INFOS.map((m) => m.title));
    for (const table of PYTORCH_REFERENCE) for (const row of table.rows) if (row.run.kind === 'method') expect(titles, row.setting).toContain(row.run.title);
  });
});
