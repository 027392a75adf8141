import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { makeExperiment, reportInput, setMain } from './fixtures.ts';

describe('rule-based recommendations', () => {
  it('cite the figures of the runs the rules select', () => {
    const recs = buildReport(reportInput([{ task: 'translation', family: 'gpt2' }])).view.recommendations;
    const by = (rule: string) => recs.find((r) => r.rule === rule)!.text;
    // Best quality: full fine-tuning (12); runner-up LoRA r=8 (7), intervals separate.
    expect(by('best quality')).toBe(
      'full fine-tuning: chrF 12.00 [11.50, 12.50] (untuned base 1.00; +11.00, p = 0.001); the runner-up LoRA r=8 α=16 scores 7.00 [6.50, 7.50] — the intervals do not overlap.',
    );
    // Memory: LoRA r=4, r=8 and IA³ peak at 120–130 MB, full fine-tuning at 300 MB; the median of the
    // four is between the adapters, and the best run within it is the better of the cheaper two.
    const mem = by('memory budget');
    expect(mem).toMatch(/^Within the median peak training memory of the sound runs, 1\d\d\.\d MB; full fine-tuning peaks at 300\.0 MB: /);
    expect(mem).toMatch(/(LoRA r=8 α=16, chrF 7\.00|LoRA r=4 α=16, chrF 6\.00|IA³, chrF 4\.00) \[[\d., ]+\] at 1\d\d\.\d MB\.$/);
    // Per parameter among significant winners (main > 3): IA³ (+3 with 1,792 params) beats LoRA r=4 (+5 / 4,096).
    expect(by('quality per parameter')).toContain('IA³: +3.00 chrF over the untuned base with 1,792 trainable parameters');
    expect(by('full fine-tuning')).toContain(
      'Worth it here: full fine-tuning (12.00 [11.50, 12.50]) beats the best adapter LoRA r=8 α=16 (7.00 [6.50, 7.50]) by 5.00 chrF, paired p = 0.001',
    );
  });

  it('name runs not above the untuned base as failed and recommend nothing when every run failed', () => {
    const mk = (caseId: string, method: string, label: string, order: number, main: number, trainable: number) =>
      makeExperiment({ task: 'summarization', family: 't5', caseId, method, label, order, main, trainable });
    const exps = [
      mk('base', 'base', 'untuned base', 0, 2, 0),
      mk('lora-r8-a16', 'lora', 'LoRA r=8 α=16', 4, 2.5, 8192),
      mk('full', 'full', 'full fine-tuning', 20, 2.4, 6e6),
    ];
    for (const e of exps.slice(1))
      e.vs_base = { against: 'untuned base', metric: 'rougeL', delta: e.quality.rougeL.score - 2, p_value: 0.3, ci_separated: false };
    const input: ReportInput = {
      generated_at: 'x',
      bench: null,
      tests: [
        ...exps.map((e) => ({
          file: 's',
          path: ['summarization · t5', e.label],
          state: 'passed' as const,
          errors: [],
          duration_ms: 1,
          meta: { experiment: e },
        })),
        {
          file: 's',
          path: ['summarization · t5', 'significance against LoRA r=8 and full fine-tuning'],
          state: 'passed' as const,
          errors: [],
          duration_ms: 1,
          meta: {
            comparison: {
              task: 'summarization' as const,
              model_family: 't5',
              metric: 'rougeL' as const,
              against: { [exps[2]!.id]: { [exps[1]!.id]: { against: 'full', metric: 'rougeL' as const, delta: 0.1, p_value: 0.6, ci_separated: false } } },
            },
          },
        },
      ],
    };
    const recs = buildReport(input).view.recommendations;
    expect(recs.map((r) => r.rule)).toEqual(['failed', 'nothing recommended']);
    expect(recs[0]!.text).toBe(
      '2 of 2 runs failed and are never recommended: ' +
        "LoRA r=8 α=16: not significantly above the untuned base (ROUGE-L 2.50 [2.00, 3.00] against the base's 2.00 [1.50, 2.50]: +0.50, p = 0.300, intervals overlap); " +
        "full fine-tuning: not significantly above the untuned base (ROUGE-L 2.40 [1.90, 2.90] against the base's 2.00 [1.50, 2.50]: +0.40, p = 0.300, intervals overlap).",
    );
    expect(recs[1]!.text).toContain('base ROUGE-L 2.00 [1.50, 2.50]; highest-scoring run LoRA r=8 α=16 2.50 [2.00, 3.00])');
  });

  it('name collapsed runs as failed, with the numbers, and leave them out of every rule', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const full = input.tests.map((t) => t.meta?.experiment).find((e) => e?.method === 'full')!;
    full.degeneration = { outputs: 24, empty: 2, one_word_dominant: 10, degenerate: 12, degenerate_rate: 0.5, distinct_outputs: 3, distinct_per_input: 0.125 };
    const recs = buildReport(input).view.recommendations;
    const by = (rule: string) => recs.find((r) => r.rule === rule)?.text;
    expect(by('failed')).toBe(
      '1 of 4 runs failed and are never recommended: full fine-tuning: 50.0% of its outputs degenerate (12 of 24, limit 5%) and only 3 distinct outputs for 24 inputs (limit 25% distinct).',
    );
    expect(by('best quality')).toMatch(/^LoRA r=8 α=16: chrF 7\.00/);
    expect(by('full fine-tuning')).toBeUndefined();
  });
});

describe('recommendations from the degeneration profile and the decoding comparison', () => {
  const experimentOf = (input: ReportInput, method: string) => input.tests.map((t) => t.meta?.experiment).find((e) => e?.method === method)!;
  const decodingOf = (input: ReportInput) => input.tests.map((t) => t.meta?.decoding).find((d) => d)!;

  it('a run with very few distinct outputs fails even when few outputs are degenerate, also for results without a profile', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    experimentOf(input, 'full').degeneration = {
      outputs: 24,
      empty: 0,
      one_word_dominant: 0,
      degenerate: 0,
      degenerate_rate: 0,
      distinct_outputs: 2,
      distinct_per_input: 2 / 24,
    };
    const ia3 = experimentOf(input, 'ia3');
    (ia3 as { degeneration: unknown }).degeneration = undefined;
    ia3.errors.distinct_outputs = 3;
    const recs = buildReport(input).view.recommendations;
    const failed = recs.find((r) => r.rule === 'failed')!.text;
    expect(failed).toContain('full fine-tuning: only 2 distinct outputs for 24 inputs (limit 25% distinct)');
    expect(failed).toContain('IA³: only 3 distinct outputs for 24 inputs');
    expect(recs.find((r) => r.rule === 'best quality')!.text).toMatch(/^LoRA r=8 α=16: chrF 7\.00/);
    expect(
      recs
        .filter((r) => r.rule !== 'failed')
        .map((r) => r.text)
        .join(' '),
    ).not.toMatch(/IA³|full fine-tuning \(/);
  });

  it('say when no decoding setting clearly beats greedy search, with the closest one', () => {
    const recs = buildReport(reportInput([{ task: 'translation', family: 'gpt2' }])).view.recommendations;
    expect(recs.filter((r) => r.rule === 'decoding').map((r) => r.text)).toEqual([
      "No decoding setting clearly beats greedy search, the main tables' decoding (intervals overlap or lie below); the closest is sampling for full fine-tuning, chrF 14.00 [13.00, 15.00] against greedy search's 12.00 [11.00, 13.00] (+2.00).",
    ]);
  });

  it('name a decoding setting whose interval lies above greedy search’s, against the plain greedy row', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const d = decodingOf(input);
    const row = (option: string) => d.rows.find((r) => option in r.options)!;
    row('no_repeat_ngram_size').main = { score: 16, low: 15.2, high: 16.8 };
    const recs = buildReport(input).view.recommendations.filter((r) => r.rule === 'decoding');
    expect(recs.map((r) => r.text)).toEqual([
      "greedy search (no_repeat_ngram_size=3) clearly helps full fine-tuning: chrF 16.00 [15.20, 16.80] against greedy search's 12.00 [11.00, 13.00] (+4.00), the intervals do not overlap.",
    ]);
  });

  it('weigh the repetition penalty like any other setting: named when clearly above greedy search, never the baseline', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const d = decodingOf(input);
    const penalty = d.rows.find((r) => 'repetition_penalty' in r.options)!;
    penalty.main = { score: 15.5, low: 14.1, high: 16.9 };
    // Listed first, it must still not be taken for the greedy row the others are measured against.
    d.rows = [penalty, ...d.rows.filter((r) => r !== penalty)];
    const recs = buildReport(input).view.recommendations.filter((r) => r.rule === 'decoding');
    expect(recs.map((r) => r.text)).toEqual([
      "greedy search (repetition_penalty=1.2) clearly helps full fine-tuning: chrF 15.50 [14.10, 16.90] against greedy search's 12.00 [11.00, 13.00] (+3.50), the intervals do not overlap.",
    ]);
    penalty.main = { score: 14.5, low: 12.9, high: 16.1 }; // overlaps greedy's [11, 13]: not clear, and the closest
    expect(
      buildReport(input)
        .view.recommendations.filter((r) => r.rule === 'decoding')
        .map((r) => r.text),
    ).toEqual([
      "No decoding setting clearly beats greedy search, the main tables' decoding (intervals overlap or lie below); the closest is greedy search (repetition_penalty=1.2) for full fine-tuning, chrF 14.50 [12.90, 16.10] against greedy search's 12.00 [11.00, 13.00] (+2.50).",
    ]);
  });

  it('measure every setting against the main tables’ decoding when that is not greedy search', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const d = decodingOf(input);
    for (const r of d.rows) r.main_decoding = r.strategy === 'beam';
    d.rows.find((r) => r.strategy === 'greedy' && !('no_repeat_ngram_size' in r.options) && !('repetition_penalty' in r.options))!.main = {
      score: 15.5,
      low: 14.6,
      high: 16.4,
    };
    const recs = buildReport(input).view.recommendations.filter((r) => r.rule === 'decoding');
    expect(recs.map((r) => r.text)).toEqual([
      "greedy search clearly helps full fine-tuning: chrF 15.50 [14.60, 16.40] against beam search's 13.00 [12.00, 14.00] (+2.50), the intervals do not overlap.",
    ]);
  });

  it('every recommendation cites numbers', () => {
    const recs = buildReport(
      reportInput([
        { task: 'translation', family: 'gpt2' },
        { task: 'summarization', family: 't5' },
      ]),
    ).view.recommendations;
    expect(recs.length).toBeGreaterThan(8);
    for (const r of recs) expect(r.text, r.rule).toMatch(/\d+\.\d\d/);
  });
});

describe('full fine-tuning among sound runs', () => {
  it('is not worth it when the best adapter is not significantly worse', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const cmp = input.tests.map((t) => t.meta?.comparison).find((c) => c)!;
    const [fullId, row] = Object.entries(cmp.against).find(([id]) => id.endsWith('/full'))!;
    const lora = Object.keys(row).find((id) => id.endsWith('/lora-r8-a16'))!;
    cmp.against[fullId]![lora] = { against: 'full', metric: 'chrf', delta: -0.4, p_value: 0.3, ci_separated: false };
    const text = buildReport(input).view.recommendations.find((r) => r.rule === 'full fine-tuning')!.text;
    expect(text).toMatch(
      /^Not worth it here: the best adapter LoRA r=8 α=16 \(7\.00 \[6\.50, 7\.50\]\) is not significantly worse than full fine-tuning \(12\.00 \[11\.50, 12\.50\]; paired p = 0\.300\), which would cost [\d.]+× the trainable parameters/,
    );
  });
});

describe('the frozen-base note on prompt learning', () => {
  /** The gpt2 translation fixture plus a prompt-tuning run answering `distinct` different outputs to its 24 inputs. */
  function withPromptRun(distinct: number): ReportInput {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const pt = makeExperiment({
      task: 'translation',
      family: 'gpt2',
      caseId: 'prompt_tuning-20',
      method: 'prompt_tuning',
      label: 'prompt tuning (20 tokens)',
      order: 17,
      main: 5,
      trainable: 5120,
    });
    setMain(pt, 5, { p: 0.001, separated: true });
    pt.degeneration = { ...pt.degeneration!, distinct_outputs: distinct, distinct_per_input: distinct / 24 };
    input.tests.push({ file: 's', path: ['translation · gpt2', pt.label], state: 'passed', errors: [], duration_ms: 1, meta: { experiment: pt } });
    return input;
  }

  it('explains prompt-learning runs collapsed onto stock answers beside sound runs that change weights, with the numbers', () => {
    const recs = buildReport(withPromptRun(2)).view.recommendations;
    expect(recs.find((r) => r.rule === 'failed')!.text).toContain('prompt tuning (20 tokens): only 2 distinct outputs for 24 inputs');
    const note = recs.find((r) => r.rule === 'frozen base')!.text;
    expect(note).toMatch(
      /^1 of 1 prompt-learning runs collapsed onto stock answers \(prompt tuning \(20 tokens\), 2 distinct outputs for 24 inputs\), while 4 sound runs change the base's weights \(most varied: (LoRA|IA³|full)[^,]*, \d+ distinct outputs for 24 inputs\)\. /,
    );
    expect(note).toContain('(the untuned base: chrF 1.00 [0.50, 1.50]); the known result that these methods need a strong base.');
    expect(recs.map((r) => r.rule).indexOf('frozen base')).toBe(1);
  });

  it('says nothing when the prompt-learning run answers varied outputs, or when no prompt-learning run is in the block', () => {
    expect(buildReport(withPromptRun(20)).view.recommendations.map((r) => r.rule)).not.toContain('frozen base');
    expect(buildReport(reportInput([{ task: 'translation', family: 'gpt2' }])).view.recommendations.map((r) => r.rule)).not.toContain('frozen base');
  });
});
