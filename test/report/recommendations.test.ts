import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { makeExperiment, reportInput } from './fixtures.ts';

describe('rule-based recommendations', () => {
  it('cite the figures of the runs the rules select', () => {
    const recs = buildReport(reportInput([{ task: 'translation', family: 'gpt2' }])).view.recommendations;
    const by = (rule: string) => recs.find((r) => r.rule === rule)!.text;
    // Best quality: full fine-tuning (12); runner-up LoRA r=8 (7), intervals separate.
    expect(by('best quality')).toBe('full fine-tuning: chrF 12.00 [11.50, 12.50] (untuned base 1.00); the runner-up LoRA r=8 α=16 scores 7.00 [6.50, 7.50] — the intervals do not overlap.');
    // Memory: LoRA r=4, r=8 and IA³ peak at 120–130 MB, full fine-tuning at 300 MB; the median of the
    // four is between the adapters, and the best run within it is the better of the cheaper two.
    const mem = by('memory budget');
    expect(mem).toMatch(/^Within the median peak training memory of the runs, 1\d\d\.\d MB; full fine-tuning peaks at 300\.0 MB: /);
    expect(mem).toMatch(/(LoRA r=8 α=16, chrF 7\.00|LoRA r=4 α=16, chrF 6\.00|IA³, chrF 4\.00) \[[\d., ]+\] at 1\d\d\.\d MB\.$/);
    // Per parameter among significant winners (main > 3): IA³ (+3 with 1,792 params) beats LoRA r=4 (+5 / 4,096).
    expect(by('quality per parameter')).toContain('IA³: +3.00 chrF over the untuned base with 1,792 trainable parameters');
    expect(by('full fine-tuning')).toContain('Worth it here: full fine-tuning (12.00 [11.50, 12.50]) beats the best adapter LoRA r=8 α=16 (7.00 [6.50, 7.50]) by 5.00 chrF, paired p = 0.001');
  });

  it('say when nothing beats the untuned base, and when full fine-tuning is not worth it', () => {
    const mk = (caseId: string, method: string, label: string, order: number, main: number, trainable: number) =>
      makeExperiment({ task: 'summarization', family: 't5', caseId, method, label, order, main, trainable });
    const exps = [mk('base', 'base', 'untuned base', 0, 2, 0), mk('lora-r8-a16', 'lora', 'LoRA r=8 α=16', 4, 2.5, 8192), mk('full', 'full', 'full fine-tuning', 20, 2.4, 6e6)];
    for (const e of exps.slice(1)) e.vs_base = { against: 'untuned base', metric: 'rougeL', delta: e.quality.rougeL.score - 2, p_value: 0.3, ci_separated: false };
    const input: ReportInput = {
      generated_at: 'x',
      bench: null,
      tests: [
        ...exps.map((e) => ({ file: 's', path: ['summarization · t5', e.label], state: 'passed' as const, errors: [], duration_ms: 1, meta: { experiment: e } })),
        {
          file: 's',
          path: ['summarization · t5', 'significance against LoRA r=8 and full fine-tuning'],
          state: 'passed' as const,
          errors: [],
          duration_ms: 1,
          meta: { comparison: { task: 'summarization' as const, model_family: 't5', metric: 'rougeL' as const, against: { [exps[2]!.id]: { [exps[1]!.id]: { against: 'full', metric: 'rougeL' as const, delta: 0.1, p_value: 0.6, ci_separated: false } } } } },
        },
      ],
    };
    const recs = buildReport(input).view.recommendations;
    expect(recs[0]!.rule).toBe('caveat');
    expect(recs[0]!.text).toContain('No method beats the untuned base significantly (base ROUGE-L 2.00 [1.50, 2.50]');
    expect(recs.find((r) => r.rule === 'full fine-tuning')!.text).toContain('Not worth it here: the best adapter LoRA r=8 α=16 (2.50 [2.00, 3.00]) is at least as good as full fine-tuning');
    expect(recs.some((r) => r.rule === 'quality per parameter')).toBe(false);
  });

  it('leave collapsed runs out of every rule and name them', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const full = input.tests.map((t) => t.meta?.experiment).find((e) => e?.method === 'full')!;
    full.degeneration = { outputs: 24, empty: 2, one_word_dominant: 10, degenerate: 12, degenerate_rate: 0.5, distinct_outputs: 3, distinct_per_input: 0.125 };
    const recs = buildReport(input).view.recommendations;
    const by = (rule: string) => recs.find((r) => r.rule === rule)?.text;
    expect(by('collapsed runs')).toBe('1 of 4 runs collapsed and are left out of every recommendation: full fine-tuning (50.0% degenerate outputs, 3 distinct of 24).');
    expect(by('best quality')).toMatch(/^LoRA r=8 α=16: chrF 7\.00/);
    expect(by('full fine-tuning')).toBeUndefined();
  });
});
