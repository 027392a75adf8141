import { describe, expect, it } from 'vitest';
import type { ScoreWithCi } from '../../src/experiment/results.ts';
import { buildReport } from '../../src/report/model.ts';
import { onMetricScale } from '../../src/report/metricScale.ts';
import { fmtCi } from '../../src/report/numberFormat.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { reportInput } from './fixtures.ts';

/** A bound below 0 as the report would print it: "[-0.02, …" or ", -0.02]". */
const NEGATIVE_BOUND = /\[-\d|, -\d[\d.]*\]/;

/**
 * Results scored before the switch to percentile intervals carry sacrebleu's mean ± half-width,
 * which goes below 0 near 0: every interval of the fixture is pushed that way (score 0.2, low -0.3).
 */
function inputWithNegativeBounds() {
  const input = reportInput([
    { task: 'translation', family: 'gpt2' },
    { task: 'summarization', family: 't5' },
  ]);
  const skew = (s: ScoreWithCi): ScoreWithCi => ({ score: 0.2, low: -0.3, high: s.high - s.score + 0.7 });
  for (const t of input.tests) {
    const e = t.meta?.experiment;
    if (e) {
      for (const k of Object.keys(e.quality) as (keyof typeof e.quality)[]) e.quality[k] = skew(e.quality[k]);
      e.per_domain = e.per_domain.map((d) => ({ ...d, main: skew(d.main) }));
    }
    const d = t.meta?.decoding;
    if (d) d.rows = d.rows.map((r) => ({ ...r, main: skew(r.main), bleu: skew(r.bleu), chrf: skew(r.chrf), rougeL: skew(r.rougeL) }));
  }
  return input;
}

describe('intervals in the report', () => {
  const { view, charts } = buildReport(inputWithNegativeBounds());
  const md = renderMarkdown(view);

  it('never show a bound below 0, in tables, prose or charts', () => {
    // The fixture reached the report: its scores are there, with their lower bounds at 0.
    expect(md).toContain('0.20 [0.00, ');
    expect(md).not.toMatch(NEGATIVE_BOUND);
    for (const c of charts) expect(c.svg, c.file).not.toMatch(NEGATIVE_BOUND);
  });

  it('keep bounds on the 0–100 scale and the score as measured', () => {
    expect(onMetricScale({ score: 0.2, low: -0.02, high: 1.13 })).toEqual({ score: 0.2, low: 0, high: 1.13 });
    expect(onMetricScale({ score: 99.5, low: 98.7, high: 100.4 })).toEqual({ score: 99.5, low: 98.7, high: 100 });
    expect(fmtCi({ score: 0.2, low: -0.02, high: 1.13 })).toBe('0.20 [0.00, 1.13]');
    expect(fmtCi({ score: 4.94, low: 4.64, high: 5.23 }, 1)).toBe('4.9 [4.6, 5.2]');
  });
});
