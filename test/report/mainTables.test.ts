import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { reportInput } from './fixtures.ts';

const md = renderMarkdown(
  buildReport(
    reportInput([
      { task: 'translation', family: 'gpt2' },
      { task: 'translation', family: 't5' },
      { task: 'summarization', family: 'gpt2' },
      { task: 'summarization', family: 't5' },
    ]),
  ).view,
);

/** The text of a `## ` section, up to the next one. */
function section(heading: string): string {
  const start = md.indexOf(`\n## ${heading}`);
  return md.slice(start, md.indexOf('\n## ', start + 1));
}

/** Cells of a table row (pipes escaped by the report's escaping are not separators). */
const cells = (row: string) =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

/** Each table of a text: its header cells and its rows' cells, per `####` block title. */
function tables(text: string): { block: string; header: string[]; rows: string[][] }[] {
  const out: { block: string; header: string[]; rows: string[][] }[] = [];
  let block = '';
  let current: { block: string; header: string[]; rows: string[][] } | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#### ')) block = line.slice(5);
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    if (!current) out.push((current = { block, header: cells(line), rows: [] }));
    else if (!line.startsWith('| ---')) current.rows.push(cells(line));
  }
  return out;
}

const main = tables(section('2. Comparison'));

describe('the main comparison tables', () => {
  it('are one per block, of at most 8 columns', () => {
    expect(main).toHaveLength(4);
    for (const t of main) {
      expect(t.header.length, t.block).toBeLessThanOrEqual(8);
      for (const r of t.rows) expect(r.length, t.block).toBe(t.header.length);
    }
  });

  it("show the task's own metrics only, the main one first", () => {
    for (const t of main.filter((x) => x.block.startsWith('English → Russian translation'))) {
      expect(t.header.filter((h) => /chrF|BLEU|ROUGE/.test(h))).toEqual(['chrF [95% CI]', 'BLEU']);
    }
    for (const t of main.filter((x) => x.block.startsWith('Summarization'))) {
      expect(t.header.filter((h) => /chrF|BLEU|ROUGE/.test(h))).toEqual(['ROUGE-L [95% CI]', 'ROUGE-1', 'ROUGE-2']);
    }
  });

  it('give an interval on the main metric only, and leave memory, speed and the pairwise tests to the detail tables', () => {
    const interval = /^\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]$/;
    for (const t of main) {
      const mainColumn = t.header.findIndex((h) => h.endsWith('[95% CI]'));
      for (const r of t.rows) {
        expect(r[mainColumn]).toMatch(interval);
        expect(r.filter((c) => c.includes('['))).toHaveLength(1);
      }
      expect(t.header.join(' ')).not.toMatch(/memory|tok\/s|s\/epoch|vs full FT|vs LoRA/);
    }
    const detail = section('9. Detail tables');
    expect(detail).toContain('| method | chrF | BLEU | chrF++ | mean sentence BLEU |');
    expect(detail).toContain('| method | ROUGE-L | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |');
    expect(detail).toContain('memory train / inference (MB)');
    expect(detail).toContain('| vs LoRA r=8 α=16 | vs full FT |');
  });

  it('mark each run with the verdict the summary and the recommendations go by', () => {
    const t = main[0]!;
    const verdict = t.header.indexOf('verdict');
    expect(t.rows.map((r) => r[verdict])).toEqual(['–', 'sound', 'sound', 'sound']);
  });

  it('keep every table of the detail section within 8 columns too', () => {
    for (const t of tables(section('9. Detail tables'))) expect(t.header.length, t.header.join(' | ')).toBeLessThanOrEqual(8);
  });
});
