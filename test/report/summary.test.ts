import { describe, expect, it } from 'vitest';
import type { ReportInput } from '../../src/report/input.ts';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { ALL_BLOCKS as ALL, experimentIn, reportInput, reportInputWithNews, setDegenerate, setMain } from './fixtures.ts';

/** The rendered `## Summary` section, heading included, up to the next section. */
function summarySection(md: string): string[] {
  const start = md.indexOf('## Summary\n');
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start, end).trimEnd().split('\n');
}

const render = (input: ReportInput) => renderMarkdown(buildReport(input).view);

/** The summary's best-method line of a block. */
const bestLine = (md: string, block: string) => summarySection(md).find((l) => l.startsWith(`- **${block}`) && !l.includes('the best adapter'))!;

describe('the summary at the top of REPORT.md', () => {
  it('is at most 30 lines even with every block (the news blocks too), every warning banner and every paragraph', () => {
    const input = reportInputWithNews(ALL.map((b) => ({ ...b, synthetic: true })));
    for (const t of input.tests) {
      if (t.meta?.experiment) t.meta.experiment.model.random_init = true;
      t.reported_at = '2024-01-01T00:00:00.000Z';
    }
    const md = render(input);
    const summary = summarySection(md);
    // Every part is there, so the count is of a full summary.
    for (const part of [
      'Synthetic data',
      'Random-init base models',
      'Kept from earlier runs',
      '**Best method**',
      '**Cost and quality**',
      '**Against the PyTorch',
    ]) {
      expect(summary.join('\n')).toContain(part);
    }
    // Best per main block and one line per news dataset; trade-offs per main block; the reference's two blocks.
    expect(summary.filter((l) => l.startsWith('- **'))).toHaveLength(4 + 2 + 4 + 2);
    expect(summary.length).toBeLessThanOrEqual(30);
    // Title, provenance and the summary come before the details.
    expect(md.split('\n').indexOf('## 1. Setup')).toBeLessThanOrEqual(35);
  });

  it('names the best sound run per block, with its interval and its test against the untuned base', () => {
    const md = render(reportInput([...ALL]));
    // blockFixture: full fine-tuning scores 12 [11.5, 12.5] against the base's 1 (p 0.001).
    expect(bestLine(md, 'English → Russian translation · gpt2')).toBe(
      '- **English → Russian translation · gpt2 (gpt2-micro):** full fine-tuning, chrF 12.00 [11.50, 12.50], significantly above the untuned base 1.00 (+11.00, p = 0.001).',
    );
    expect(bestLine(md, 'Summarization · t5')).toContain('full fine-tuning, ROUGE-L 12.00 [11.50, 12.50]');
  });

  it('never names a collapsed run or one not significantly above the base, however high it scores', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const run = (label: string) => experimentIn(input, 'translation', 'gpt2', label);
    // The three highest scores all fail: 5% degenerate outputs (the limit itself), too few distinct
    // outputs, and a gain over the base that the paired test does not support.
    setMain(run('full fine-tuning'), 30, { p: 0.001, separated: true });
    setDegenerate(run('full fine-tuning'), 2); // 2 of 24 = 8.3%
    setMain(run('LoRA r=8 α=16'), 25, { p: 0.001, separated: true });
    run('LoRA r=8 α=16').degeneration = { ...run('LoRA r=8 α=16').degeneration!, distinct_outputs: 3, distinct_per_input: 3 / 24 };
    setMain(run('IA³'), 20, { p: 0.3, separated: false });
    // Sound, and lower than all three: the only one that may be named.
    setMain(run('LoRA r=4 α=16'), 6, { p: 0.001, separated: true });
    const line = bestLine(render(input), 'English → Russian translation · gpt2');
    expect(line).toContain(':** LoRA r=4 α=16, chrF 6.00 [5.50, 6.50], significantly above the untuned base');
    for (const failed of ['full fine-tuning', 'LoRA r=8', 'IA³']) expect(line).not.toContain(failed);
    expect(line).toContain('3 of 4 runs failed');
  });

  it('counts exactly 5% degenerate outputs as collapsed', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const full = experimentIn(input, 'translation', 'gpt2', 'full fine-tuning');
    full.degeneration = { ...full.degeneration!, outputs: 20, degenerate: 1, one_word_dominant: 1, degenerate_rate: 0.05 };
    expect(bestLine(render(input), 'English → Russian translation · gpt2')).toContain(':** LoRA r=8 α=16, chrF 7.00');
  });

  it('says that no method cleared the untuned base when none is significantly above it', () => {
    const input = reportInput([{ task: 'summarization', family: 't5' }]);
    for (const label of ['LoRA r=4 α=16', 'LoRA r=8 α=16', 'IA³', 'full fine-tuning'])
      setMain(experimentIn(input, 'summarization', 't5', label), 1.4, { p: 0.2, separated: false });
    const md = render(input);
    expect(bestLine(md, 'Summarization · t5')).toBe(
      '- **Summarization · t5 (t5-micro):** no method cleared the untuned base (ROUGE-L 1.00 [0.50, 1.50]); 4 of 4 runs failed.',
    );
    // Nothing to trade off either.
    expect(summarySection(md).join('\n')).not.toContain('**Cost and quality**');
  });

  it('tells apart runs above the base that collapsed from runs below it', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    for (const label of ['LoRA r=4 α=16', 'LoRA r=8 α=16', 'IA³'])
      setMain(experimentIn(input, 'translation', 'gpt2', label), 1.2, { p: 0.4, separated: false });
    setDegenerate(experimentIn(input, 'translation', 'gpt2', 'full fine-tuning'), 12);
    expect(bestLine(render(input), 'English → Russian translation · gpt2')).toContain(
      'no method cleared the untuned base with sound outputs (chrF 1.00 [0.50, 1.50]): the one run above it collapsed',
    );
  });

  it('weighs the best adapter against full fine-tuning with the numbers of the runs', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const { view } = buildReport(input);
    const rows = view.tasks[0]!.blocks[0]!.rows;
    const lora = rows.find((r) => r.label === 'LoRA r=8 α=16')!;
    const full = rows.find((r) => r.label === 'full fine-tuning')!;
    const line = view.summary.tradeoffs[0]!.text;
    // LoRA r=8 (7.00) is the best adapter; full fine-tuning (12.00) beats it, paired p 0.001 in the block comparison.
    expect(line).toContain(
      `the best adapter, LoRA r=8 α=16, trains ${lora.percent.toPrecision(2)}% of the parameters in ${Math.round(lora.train_s!)} s for chrF 7.00`,
    );
    expect(line).toContain(
      `full fine-tuning trains 100.0% in ${Math.round(full.train_s!)} s for 12.00: the adapter is 5.00 chrF lower (a significant difference, paired p = 0.001)`,
    );
  });
});
