import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../../src/experiment/results.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { experimentIn, fixtureMemory, reportInput } from './fixtures.ts';

const HEADER = '| method | weights | of them trainable | optimizer state | activations + gradients | peak |';
const NOTE = /At this micro scale a step's activations and gradients make up most of its peak/;

/** The detail section of one block, up to the next block's heading. */
function detailOf(md: string, title: string): string {
  const detail = md.slice(md.indexOf('\n## 9. Detail tables'));
  const start = detail.indexOf(`\n### ${title}`);
  return detail.slice(start, detail.indexOf('\n### ', start + 1));
}

function render(input: ReportInput): string {
  return detailOf(renderMarkdown(buildReport(input).view), 'English → Russian translation · gpt2');
}

/** Rows of the table under `header`, as cells. */
function tableRows(text: string, header: string): string[][] {
  const lines = text.slice(text.indexOf(header)).split('\n').slice(2);
  const rows: string[][] = [];
  for (const l of lines) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** Gives a run a new training peak, split as the fixtures split theirs (weights and optimizer unchanged). */
function setPeak(e: ExperimentResult, peak: number): void {
  e.training!.peak_tensor_mb = peak;
  e.training!.memory = fixtureMemory(e.params, peak);
}

const input = () => reportInput([{ task: 'translation', family: 'gpt2' }]);

describe('peak training memory by part (detail tables)', () => {
  it('splits every trained run’s peak into weights, optimizer state and activations, in a table of at most 8 columns', () => {
    const md = render(input());
    expect(md).toContain(HEADER);
    const rows = tableRows(md, HEADER);
    expect(rows.map((r) => r[0])).toEqual(['LoRA r=4 α=16', 'LoRA r=8 α=16', 'IA³', 'full fine-tuning']);
    for (const r of rows) {
      expect(r.length).toBeLessThanOrEqual(8);
      const [weights, , optimizer, activations, peak] = r.slice(1).map(Number) as [number, number, number, number, number];
      // Each part is rounded to 0.01 MB.
      expect(Math.abs(weights + optimizer + activations - peak)).toBeLessThanOrEqual(0.015 + 1e-9);
    }
    // Full fine-tuning of the 5.3M-parameter fixture: 20.3 MB of weights, all trainable, and AdamW's 2 × 20.3 MB.
    expect(rows.at(-1)).toEqual(['full fine-tuning', '20.30', '20.30', '40.61', '239.09', '300.00']);
    // LoRA r=8 (8,192 weights): its optimizer state is small, not nothing.
    expect(rows[1]!.slice(2, 4)).toEqual(['0.03', '0.06']);
    expect(md).not.toMatch(/\| other \|/);
  });

  it('explains, from the numbers, why an adapter can peak above full fine-tuning while holding far less', () => {
    const i = input();
    setPeak(experimentIn(i, 'translation', 'gpt2', 'LoRA r=8 α=16'), 350);
    setPeak(experimentIn(i, 'translation', 'gpt2', 'IA³'), 320);
    const md = render(i);
    expect(md).toMatch(NOTE);
    expect(md).toContain(
      "(94% of LoRA r=8 α=16's), so LoRA r=8 α=16 peaks above full fine-tuning (350.0 vs 300.0 MB) " +
        'while its weights and optimizer state take far less (20.4 vs 60.9 MB); 1 other run peaks above it the same way.',
    );
  });

  it('says nothing of it when no adapter peaks above full fine-tuning, or when activations are not most of its peak', () => {
    expect(render(input())).not.toMatch(NOTE);
    const i = input();
    const lora = experimentIn(i, 'translation', 'gpt2', 'LoRA r=8 α=16');
    setPeak(lora, 350);
    // The same peak, but mostly tensors held elsewhere in the process: not the activations' doing.
    lora.training!.memory = {
      ...lora.training!.memory!,
      other_mb: 300,
      activations_mb: 350 - 300 - lora.training!.memory!.weights_mb - lora.training!.memory!.optimizer_mb,
    };
    const md = render(i);
    expect(md).not.toMatch(NOTE);
    expect(md).toContain('| method | weights | of them trainable | optimizer state | activations + gradients | other | peak |');
  });

  it('leaves the table out for results recorded before the split, and names them when others have it', () => {
    const old = input();
    for (const t of old.tests) if (t.meta?.experiment?.training) delete t.meta.experiment.training.memory;
    expect(render(old)).not.toContain(HEADER);
    const mixed = input();
    delete experimentIn(mixed, 'translation', 'gpt2', 'IA³').training!.memory;
    const md = render(mixed);
    expect(tableRows(md, HEADER).map((r) => r[0])).toEqual(['LoRA r=4 α=16', 'LoRA r=8 α=16', 'full fine-tuning']);
    expect(md).toContain('Recorded before the split was measured (peak only): IA³.');
  });
});
