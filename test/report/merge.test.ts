import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportInput, TestRecord } from '../../src/report/input.ts';
import { mergeReportInput } from '../../src/report/merge.ts';
import { writeReport } from '../../src/report/render.ts';
import { reportInput } from './fixtures.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'peft-merge-'));
const TRANSLATION = [
  { task: 'translation', family: 'gpt2' },
  { task: 'translation', family: 't5' },
] as const;
const SUMMARIZATION = [
  { task: 'summarization', family: 'gpt2' },
  { task: 'summarization', family: 't5' },
] as const;

function charts(dir: string): Record<string, string> {
  const assets = path.join(dir, 'report-assets');
  return Object.fromEntries(
    readdirSync(assets)
      .filter((f) => f.endsWith('.svg'))
      .sort()
      .map((f) => [f, readFileSync(path.join(assets, f), 'utf8')]),
  );
}

const at = (input: ReportInput, generated_at: string): ReportInput => ({ ...input, generated_at });
const md = (dir: string) => readFileSync(path.join(dir, 'REPORT.md'), 'utf8');

/** What vitest records for a test that `-t` filtered out: skipped, nothing attached. */
const filteredOut = (t: TestRecord): TestRecord => ({ file: t.file, path: t.path, state: 'skipped', errors: [], duration_ms: 0 });

describe('a partial run merges into the report in its folder', () => {
  it('a report of task B written into the folder of task A keeps A’s tables and charts', () => {
    const dir = tmp();
    writeReport(at(reportInput([...TRANSLATION]), '2024-01-01T00:00:00.000Z'), dir);
    const before = charts(dir);
    const translationTables = md(dir).split('#### English → Russian translation · gpt2')[1]!.split('####')[0]!;
    writeReport(at(reportInput([...SUMMARIZATION]), '2024-02-02T00:00:00.000Z'), dir);
    const after = md(dir);
    expect(after).toContain(translationTables);
    expect(after).toContain('#### Summarization · t5');
    for (const [file, svg] of Object.entries(before)) expect(charts(dir)[file], file).toBe(svg);
    expect(Object.keys(charts(dir))).toHaveLength(4 * 5);
    expect(after).toContain(
      'This run did not rerun translation · gpt2 (report of 2024-01-01T00:00:00.000Z), translation · t5 (report of 2024-01-01T00:00:00.000Z);',
    );
    const data = JSON.parse(readFileSync(path.join(dir, 'report-assets', 'report-data.json'), 'utf8')) as ReportInput;
    expect(new Set(data.tests.map((t) => t.path[0]))).toEqual(
      new Set(['translation · gpt2', 'translation · t5', 'summarization · gpt2', 'summarization · t5']),
    );
  });

  it('a block run again replaces its earlier results; tests filtered out keep theirs; removed grid points go', () => {
    const first = reportInput([...TRANSLATION]);
    const again = reportInput([...TRANSLATION]);
    const lora = again.tests.find((t) => t.path[0] === 'translation · gpt2' && t.meta?.experiment?.label === 'LoRA r=8 α=16')!.meta!.experiment!;
    lora.quality.chrf = { score: 8.25, low: 7.75, high: 8.75 };
    // The t5 block filtered out (`-t gpt2`), and IA³ dropped from the gpt2 grid.
    const tests = again.tests.filter((t) => t.path.join(' ') !== 'translation · gpt2 IA³').map((t) => (t.path[0] === 'translation · t5' ? filteredOut(t) : t));
    const merged = mergeReportInput(first, { ...again, tests });
    const gpt2 = merged.tests.filter((t) => t.path[0] === 'translation · gpt2');
    expect(gpt2.find((t) => t.meta?.experiment?.label === 'LoRA r=8 α=16')!.meta!.experiment!.quality.chrf.score).toBe(8.25);
    expect(gpt2.some((t) => t.path[1] === 'IA³')).toBe(false);
    expect(gpt2.every((t) => t.reported_at === undefined)).toBe(true);
    const t5 = merged.tests.filter((t) => t.path[0] === 'translation · t5');
    expect(t5).toHaveLength(first.tests.filter((t) => t.path[0] === 'translation · t5').length);
    expect(t5.every((t) => t.reported_at === first.generated_at && (t.meta || t.note))).toBe(true);
  });

  it('drops earlier blocks of another profile rather than mixing them with this run', () => {
    const smoke = reportInput([...TRANSLATION]);
    const standard = reportInput([...SUMMARIZATION]);
    for (const t of standard.tests) if (t.meta?.experiment) t.meta.experiment.profile = 'standard';
    const merged = mergeReportInput(smoke, standard);
    expect(new Set(merged.tests.map((t) => t.path[0]))).toEqual(new Set(['summarization · gpt2', 'summarization · t5']));
  });

  it('removes only stale charts of the blocks it draws, never another report’s', () => {
    const dir = tmp();
    const assets = path.join(dir, 'report-assets');
    mkdirSync(assets, { recursive: true });
    writeFileSync(path.join(assets, 'translation-gpt2-retired-chart.svg'), '<svg/>');
    writeFileSync(path.join(assets, 'someone-elses-chart.svg'), '<svg/>');
    writeReport(reportInput([{ task: 'translation', family: 'gpt2' }]), dir);
    expect(existsSync(path.join(assets, 'translation-gpt2-retired-chart.svg'))).toBe(false);
    expect(existsSync(path.join(assets, 'someone-elses-chart.svg'))).toBe(true);
  });

  it('refuses to overwrite the report when the earlier data cannot be read', () => {
    const dir = tmp();
    writeReport(reportInput([...SUMMARIZATION]), dir);
    const report = md(dir);
    writeFileSync(path.join(dir, 'report-assets', 'report-data.json'), '{"tests": [');
    expect(() => writeReport(reportInput([...TRANSLATION]), dir)).toThrow(/report-data\.json is not valid JSON.*move it away/);
    expect(md(dir)).toBe(report);
  });

  it('renders exactly the data given when merging is off (peft-lab report --data)', () => {
    const dir = tmp();
    writeReport(reportInput([...SUMMARIZATION]), dir);
    writeReport(reportInput([...TRANSLATION]), dir, undefined, { merge: false });
    expect(md(dir)).not.toContain('Summarization ·');
    expect(Object.keys(charts(dir)).filter((f) => f.startsWith('summarization-'))).toHaveLength(5 * 2);
  });
});
