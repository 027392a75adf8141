import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { scoreComet } from '../../src/experiment/evaluate.ts';
import type { CometRecord, ExperimentResult } from '../../src/experiment/results.ts';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { reportInput } from './fixtures.ts';

// COMET's column end to end: a stub scorer (a script printing comet-score's format) stands in for
// Unbabel's, configured as a user would (PEFT_COMET_COMMAND); without one the report says "not run",
// why, and how to enable it, once.

const dir = mkdtempSync(path.join(tmpdir(), 'peft-comet-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** A scorer whose segment i scores 0.5 + i/100 (so the system score, their mean, depends on n). */
function stubScorer(): string {
  const p = path.join(dir, 'stub-comet-score');
  writeFileSync(
    p,
    `#!${process.execPath}
const fs = require('fs'); const a = process.argv.slice(2);
const hyp = fs.readFileSync(a[a.indexOf('-t') + 1], 'utf8').trimEnd().split('\\n');
const s = hyp.map((_, i) => 0.5 + i / 100);
s.forEach((x, i) => console.log('hyp.txt\\tSegment ' + i + '\\tscore: ' + x.toFixed(4)));
console.log('hyp.txt\\tscore: ' + (s.reduce((p, q) => p + q, 0) / s.length).toFixed(4));
`,
  );
  chmodSync(p, 0o755);
  return p;
}

const rows = Array.from({ length: 8 }, (_, i) => ({ source: `source ${i}`, reference: `ссылка ${i}`, prediction: `вывод ${i}` }));

function translationRuns(input: ReportInput): ExperimentResult[] {
  return input.tests.flatMap((t) => (t.meta?.experiment?.task === 'translation' ? [t.meta.experiment] : []));
}

function render(input: ReportInput): string {
  return renderMarkdown(buildReport(input).view);
}

/** The rows of the first table whose header starts with `header`. */
function tableRows(md: string, header: string): string[] {
  const start = md.indexOf(header);
  return md.slice(start).split('\n\n')[0]!.split('\n').slice(2);
}

const MAIN_HEADER = '| method | hyperparameters | trainable (%) | chrF [95% CI] | BLEU | COMET | vs untuned base | verdict |';
const DETAIL_HEADER = '| method | chrF | BLEU | chrF++ | mean sentence BLEU | COMET |';

describe('COMET in the report', () => {
  it("fills the translation tables' COMET column with the configured scorer's numbers", async () => {
    const stub = stubScorer();
    vi.stubEnv('PEFT_COMET_COMMAND', stub);
    const comet = await scoreComet('translation', rows, 200);
    // Segments 0.50 … 0.57: system score their mean, the interval inside their range.
    expect(comet).toMatchObject({ score: 0.535, command: stub });
    const c = comet as Exclude<CometRecord, { not_run: string }>;
    expect(c.low).toBeGreaterThanOrEqual(0.5);
    expect(c.high).toBeLessThanOrEqual(0.57);
    expect(c.low).toBeLessThan(c.high);

    const input = reportInput([
      { task: 'translation', family: 'gpt2' },
      { task: 'summarization', family: 'gpt2' },
    ]);
    for (const r of translationRuns(input)) r.comet = c;
    const md = render(input);
    // The main table: the base and one row per method (LoRA's two points as one); the detail table: every run.
    const main = tableRows(md, MAIN_HEADER);
    expect(main).toHaveLength(4);
    for (const r of main) expect(r).toContain('| 0.5350 |');
    const detail = tableRows(md, DETAIL_HEADER);
    expect(detail).toHaveLength(5);
    for (const r of detail) expect(r).toContain(`| 0.5350 [${c.low.toFixed(4)}, ${c.high.toFixed(4)}] |`);
    expect(md).not.toContain('not run');
    expect(md).toContain(`COMET (translation) comes from an external scorer (${stub.replace(/_/g, '\\_')})`);
    // Summarization has no COMET column.
    expect(md).toContain('| method | hyperparameters | trainable (%) | ROUGE-L [95% CI] | ROUGE-1 | ROUGE-2 | vs untuned base | verdict |');
  });

  it('says "not run" in every COMET cell without a scorer, and the reason and how to enable it once', async () => {
    vi.stubEnv('PEFT_COMET_COMMAND', 'no-such-comet-scorer');
    const comet = await scoreComet('translation', rows);
    expect(comet).toEqual({ not_run: "no COMET scorer: 'no-such-comet-scorer' is not on PATH" });
    const input = reportInput([
      { task: 'translation', family: 'gpt2' },
      { task: 'translation', family: 't5' },
    ]);
    for (const r of translationRuns(input)) r.comet = comet;
    const md = render(input);
    for (const r of [...tableRows(md, MAIN_HEADER), ...tableRows(md, DETAIL_HEADER)]) expect(r).toContain('| not run |');
    const note = "**COMET: not run** — no COMET scorer: 'no-such-comet-scorer' is not on PATH.";
    expect(md.split(note)).toHaveLength(2);
    expect(md.match(/To enable it: `pip install unbabel-comet`/g)).toHaveLength(1);
  });

  it('shows results recorded before COMET existed as not run, saying so', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    expect(translationRuns(input).every((r) => r.comet === undefined)).toBe(true);
    const md = render(input);
    expect(tableRows(md, MAIN_HEADER).every((r) => r.includes('| not run |'))).toBe(true);
    expect(md).toContain('**COMET: not run** — these results were recorded before COMET was part of the experiments.');
  });

  it('names the unscored runs when only some were scored', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    const [first, ...others] = translationRuns(input);
    first!.comet = { score: 0.61, low: 0.6, high: 0.62, command: 'comet-score' };
    for (const r of others) r.comet = { not_run: "COMET scorer 'comet-score' failed (exit 1): CUDA out of memory" };
    const md = render(input);
    expect(md).toContain("**COMET: not run** for the runs marked *not run* — COMET scorer 'comet-score' failed (exit 1): CUDA out of memory.");
    expect(tableRows(md, MAIN_HEADER).map((r) => r.includes('| 0.6100 |'))).toEqual([true, false, false, false]);
  });

  it('is not scored for summarization', async () => {
    vi.stubEnv('PEFT_COMET_COMMAND', stubScorer());
    expect(await scoreComet('summarization', rows)).toBeUndefined();
  });
});
