import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown, writeReport } from '../../src/report/render.ts';
import { ALL_BLOCKS as ALL, blockFixture, reportInput } from './fixtures.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'peft-report-'));

describe('REPORT.md rendering', () => {
  const input = reportInput([...ALL]);
  const { view, charts } = buildReport(input);
  const md = renderMarkdown(view);

  it("opens with the summary, then the report's nine sections, in order", () => {
    const heads = [...md.matchAll(/^## (\d)\. /gm)].map((m) => Number(m[1]));
    expect(heads).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(md.indexOf('\n## Summary\n')).toBeGreaterThan(0);
    expect(md.indexOf('\n## Summary\n')).toBeLessThan(md.indexOf('\n## 1. Setup\n'));
  });

  it("shows each method's chosen grid point in its block comparison table, in grid order, with CIs and significance", () => {
    for (const b of ALL) {
      const section = md.split(`#### ${b.task === 'translation' ? 'English → Russian translation' : 'Summarization'} · ${b.family}`)[1]!.split('####')[0]!;
      const table = section.slice(section.indexOf('\n| method |')).split('\n\n')[0]!;
      const labels = [...table.matchAll(/^\| \*?([^|*]+?)\*? \| /gm)].map((m) => m[1]).filter((l) => l !== 'method' && l !== '---');
      // LoRA's two points share one row: r=8, the lower validation loss.
      expect(labels).toEqual(['untuned base', 'LoRA r=8 α=16', 'IA³', 'full fine-tuning']);
      expect(section).toContain('(chosen of 2 grid points by validation loss)');
      expect(section).toContain('prompt tuning (20 tokens) — method');
    }
    // Every run is in the detail tables.
    const detail = md.split('## 9. Detail tables')[1]!;
    for (const b of ALL) for (const e of blockFixture(b.task, b.family).experiments) expect(detail).toContain(`| ${e.label} |`);
    // chrF of LoRA r=8 on translation/gpt2: 7.00 [6.50, 7.50]; full vs LoRA r=8: +5.00, p 0.001 ▲.
    expect(md).toContain('7.00 [6.50, 7.50]');
    expect(md).toContain('+5.00 (p 0.001) ▲');
    expect(md).toContain('-1.00 (p 0.200) ·');
  });

  it('names the Pareto frontier points and links one chart per axis', () => {
    expect(charts.filter((c) => c.file.includes('pareto'))).toHaveLength(3 * ALL.length);
    expect(md).toContain('![chrF vs trainable parameters (% of total)](report-assets/translation-gpt2-pareto-trainable.svg)');
    // Trainable %: IA³ (cheapest) → LoRA r=4 → LoRA r=8 → full are all on the frontier (each scores higher).
    const table = md.split('| frontier run (trainable parameters (% of total))')[1]!.split('\n\n')[0]!;
    expect([...table.matchAll(/^\| ([^|]+?) \| /gm)].map((m) => m[1]).slice(1)).toEqual(['IA³', 'LoRA r=4 α=16', 'LoRA r=8 α=16', 'full fine-tuning']);
  });

  it('charts each main-table run with its interval, per block, and links the chart', () => {
    expect(charts.filter((c) => c.file.endsWith('-methods.svg'))).toHaveLength(ALL.length);
    expect(md).toContain('![chrF by method](report-assets/translation-gpt2-methods.svg)');
    expect(md).toContain('![ROUGE-L by method](report-assets/summarization-t5-methods.svg)');
    const svg = charts.find((c) => c.file === 'translation-gpt2-methods.svg')!.svg;
    // One entry per method (LoRA, IA³, full), LoRA by its chosen grid point, highest score first; the base is the dashed line.
    const labels = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle" fill="#222">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(['full fine-tuning', 'LoRA r=8 α=16', 'IA³']);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('12 [11.5, 12.5]');
    expect(svg).toContain('7 [6.5, 7.5]');
    expect(svg).toContain('untuned base 1.00');
  });

  it('has the setup facts, loss-curve charts, decoding, per-domain, examples, errors and recommendations', () => {
    expect(md).toContain('| Test CPU | 2 | 8.0 GB |');
    expect(md).toContain('`abc123`');
    expect(md).toContain('seed 42');
    expect(md).toContain('![training loss](report-assets/translation-gpt2-loss.svg)');
    expect(md).toContain('| adapter | strategy | chrF | BLEU | tokens/s | seconds |');
    expect(md).toContain('| full fine-tuning | beam | 13.00 [12.00, 14.00] | 2.00 [1.50, 2.50] | 250 | 2.0 |');
    expect(md).toContain('| full fine-tuning | greedy (no\\_repeat\\_ngram\\_size=3) | 12.50 [11.50, 13.50] |');
    expect(md).toContain('| full fine-tuning | greedy (repetition\\_penalty=1.2) | 11.50 [10.50, 12.50] |');
    expect(md).toContain("Each adapter's settings decoded the same examples: the first 24 of the test split (the main tables score all of it).");
    expect(md).toContain('| adapter | strategy | ROUGE-L | tokens/s | seconds |');
    expect(md).toContain('everyday (Tatoeba) (n=14)');
    expect(md).toContain('I see you \\| every now and then.');
    expect(md).toMatch(/\| LoRA r=8 α=16 \| 24 \| 0 \| 1 \(4\.17%\) \| \d+ \(3\) \|/);
    expect(md).toContain('— best quality.** full fine-tuning: chrF 12.00 [11.50, 12.50]');
    expect(md).toContain('— full fine-tuning.** Worth it here');
    expect(md).not.toContain('Synthetic data');
  });

  it('puts a banner on synthetic data', () => {
    const syn = renderMarkdown(buildReport(reportInput([{ task: 'translation', family: 'gpt2', synthetic: true }])).view);
    expect(syn).toContain('**⚠ Synthetic data.**');
  });

  it('writes REPORT.md, the charts and the data it was made from', () => {
    const dir = tmp();
    const w = writeReport(input, dir);
    expect(readFileSync(w.file, 'utf8')).toBe(md);
    expect(readdirSync(path.join(dir, 'report-assets')).filter((f) => f.endsWith('.svg'))).toHaveLength(charts.length);
    expect(JSON.parse(readFileSync(path.join(dir, 'report-assets', 'report-data.json'), 'utf8'))).toEqual(input);
    expect(existsSync(path.join(dir, 'REPORT.md.tmp-' + process.pid))).toBe(false);
  });
});
