import { describe, expect, it } from 'vitest';
import { newsBlockSuiteName, newsSuiteName } from '../../src/experiment/newsDatasets.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { newsRecord, reportInput, reportInputWithNews } from './fixtures.ts';

/*
 * The news summarization blocks in REPORT.md: kept apart from the Debian blocks (results, comparisons,
 * skips and failed tests by task, family and block id), one section per dataset with its extractive
 * context rows, the article truncation and the evaluation corpus stated above every table.
 */

const DEBIAN = [
  { task: 'summarization', family: 'gpt2' },
  { task: 'summarization', family: 't5' },
] as const;

const render = (input: ReportInput) => renderMarkdown(buildReport(input).view);

/** The text from a heading line to the next heading of the same or a higher level. */
function under(md: string, heading: string): string {
  const start = md.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading '${heading}'`);
  const level = heading.indexOf(' ');
  const rest = md.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return next < 0 ? rest : rest.slice(0, next);
}

const cells = (row: string) =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

/** The first cell of every body row of the text's tables. */
const firstCells = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('| ---'))
    .map((l) => cells(l)[0]!);

describe('news blocks in REPORT.md', () => {
  const input = reportInputWithNews([...DEBIAN]);
  const { view, charts } = buildReport(input);
  const md = renderMarkdown(view);
  const comparison = under(md, '## 2. Comparison');

  it('are grouped by task, family and block: a group per dataset, transfer then few-shot per family', () => {
    const summarization = view.tasks.find((t) => t.task === 'summarization')!;
    expect(summarization.groups.map((g) => g.title)).toEqual(['Summarization', 'News summarization · CNN/DailyMail', 'News summarization · XSum']);
    expect(summarization.groups[0]!.blocks.map((b) => b.title)).toEqual(['Summarization · gpt2 (gpt2-micro)', 'Summarization · t5 (t5-micro)']);
    expect(summarization.groups[1]!.blocks.map((b) => b.title)).toEqual([
      'CNN/DailyMail · transfer from debian-descriptions · gpt2 (gpt2-micro)',
      'CNN/DailyMail · few-shot · gpt2 (gpt2-micro)',
      'CNN/DailyMail · transfer from debian-descriptions · t5 (t5-micro)',
      'CNN/DailyMail · few-shot · t5 (t5-micro)',
    ]);
    for (const g of summarization.groups)
      for (const b of g.blocks) {
        // Each block holds its own five runs and its own skip, never another block's.
        expect(b.rows).toHaveLength(5);
        const prefix = `summarization/${b.family}/${b.block ? `${b.block.id}/` : ''}`;
        expect(b.rows.map((r) => r.id.slice(0, prefix.length) === prefix && r.id.split('/').length === prefix.split('/').length)).not.toContain(false);
        expect(b.skipped.map((s) => s.id)).toEqual([
          b.block ? `summarization/${b.family}/${b.block.id}/prompt_tuning-20` : `summarization/${b.family}/prompt_tuning-20`,
        ]);
      }
  });

  it("compare each news block's runs by its own paired tests", () => {
    const block = view.tasks[0]!.groups[2]!.blocks[1]!;
    expect(block.title).toBe('XSum · few-shot · gpt2 (gpt2-micro)');
    const lora4 = block.rows.find((r) => r.label === 'LoRA r=4 α=16')!;
    expect(lora4.vs_lora).toMatchObject({ delta: -1, p_value: 0.2 });
    expect(lora4.vs_full).toMatchObject({ delta: -6, p_value: 0.001 });
  });

  it('leave the Debian tables as they are without news', () => {
    const without = render(reportInput([...DEBIAN]));
    for (const heading of ['#### Summarization · gpt2 (gpt2-micro)', '#### Summarization · t5 (t5-micro)'])
      expect(under(comparison, heading)).toBe(under(under(without, '## 2. Comparison'), heading));
    for (const heading of ['### Summarization · gpt2 (gpt2-micro)', '### Summarization · t5 (t5-micro)']) {
      expect(under(under(md, '## 9. Detail tables'), heading)).toBe(under(under(without, '## 9. Detail tables'), heading));
      expect(under(under(md, '## 6. Quality by text type'), heading)).toBe(under(under(without, '## 6. Quality by text type'), heading));
    }
    // The PyTorch reference scored Debian descriptions: the news blocks are never compared with it.
    expect(view.reference.map((c) => c.block)).toEqual(['Summarization · gpt2 (gpt2-micro)']);
  });

  it('show the extractive context rows of each dataset as references, with the sentence-split ROUGE-Lsum', () => {
    const cnn = under(comparison, '### News summarization · CNN/DailyMail — main metric ROUGE-L');
    expect(cnn).toContain('**Extractive references** on the same 8 test articles, not trained systems');
    expect(cnn).toContain('| extractive reference | sentences per summary | ROUGE-L [95% CI] | ROUGE-1 | ROUGE-2 | ROUGE-Lsum, sentence-split [95% CI] |');
    expect(cnn).toContain('| Lead-3 | 3.0 | 22.25 [21.25, 23.25] | 26.70 | 8.90 | 33.10 [31.10, 35.10] |');
    expect(cnn).toContain('| extractive oracle | 2.4 | 31.75 [30.75, 32.75] | 38.10 | 12.70 | 46.20 [44.20, 48.20] |');
    expect(cnn).toContain('ROUGE-Lsum, sentence-split, scores one sentence per line');
    // The context comes before the dataset's first table.
    expect(cnn.indexOf('| Lead-3 |')).toBeLessThan(cnn.indexOf('#### CNN/DailyMail · transfer'));
    const xsum = under(comparison, '### News summarization · XSum — main metric ROUGE-L');
    expect(firstCells(xsum).slice(1, 3)).toEqual(['Lead-1', 'extractive oracle']);
  });

  it('state the article truncation and the evaluation corpus above every news table', () => {
    const transfer = under(comparison, '#### CNN/DailyMail · transfer from debian-descriptions · gpt2 (gpt2-micro)');
    expect(transfer).toContain(
      "Trained on debian-descriptions (256 examples, 12 steps): the summarization block's own models, trained there once and decoded here;",
    );
    expect(transfer).toContain('scored on cnn\\_dailymail: 8 test articles (cnn\\_dailymail-sample.jsonl).');
    expect(transfer).toContain('Articles cut to their first 155 gpt2-micro tokens (of a 160-token prompt):');
    expect(transfer).toContain('8 of 8 test articles cut; the median test article has 912 tokens.');
    const fewShot = under(comparison, '#### XSum · few-shot · t5 (t5-micro)');
    expect(fewShot).toContain("Trained on xsum (256 examples, 12 steps), the sample's own train split;");
    expect(fewShot).toContain('Articles cut to their first 252 t5-micro tokens (of a 256-token prompt):');
    expect(fewShot).toContain('7 of 8 test articles cut');
    // The Debian blocks say nothing of articles.
    expect(under(comparison, '#### Summarization · gpt2 (gpt2-micro)')).not.toContain('Articles cut');
  });

  it('say so when the results did not record the truncation', () => {
    const old = reportInputWithNews([], ['xsum']);
    for (const t of old.tests) if (t.meta?.experiment) delete t.meta.experiment.data.truncation;
    expect(under(render(old), '#### XSum · few-shot · gpt2 (gpt2-micro)')).toContain('Article truncation: not recorded in these results.');
  });

  it("keep the main tables within 8 columns, with the task's own metrics and the verdict", () => {
    const tables = comparison.split('\n').filter((l) => l.startsWith('| method |') || l.startsWith('| extractive reference |'));
    expect(tables).toHaveLength(2 + 8 + 2);
    for (const header of tables) expect(cells(header).length, header).toBeLessThanOrEqual(8);
    const news = under(comparison, '#### XSum · transfer from debian-descriptions · t5 (t5-micro)');
    expect(news).toContain('| method | hyperparameters | trainable (%) | ROUGE-L [95% CI] | ROUGE-1 | ROUGE-2 | vs untuned base | verdict |');
    // Details in section 9, in their own block.
    const detail = under(under(md, '## 9. Detail tables'), '### XSum · transfer from debian-descriptions · t5 (t5-micro)');
    expect(detail).toContain('| method | ROUGE-L | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |');
    expect(detail).toContain('| vs LoRA r=8 α=16 | vs full FT |');
  });

  it('give every news block its own charts', () => {
    const files = charts.map((c) => c.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files).toContain('summarization-gpt2-news-few-shot-cnn-dailymail-methods.svg');
    expect(files).toContain('summarization-t5-news-transfer-xsum-loss.svg');
    expect(comparison).toContain('![ROUGE-L by method](report-assets/summarization-gpt2-news-few-shot-cnn-dailymail-methods.svg)');
    expect(charts.find((c) => c.file === 'summarization-t5-news-transfer-xsum-loss.svg')!.svg).toContain(
      'XSum · transfer from debian-descriptions · t5: training loss',
    );
  });

  it('put one summary line per news dataset: the best sound run of each block beside the extractive references', () => {
    expect(view.summary.news.map((l) => l.block)).toEqual(['News summarization · CNN/DailyMail', 'News summarization · XSum']);
    expect(view.summary.news[0]!.text).toBe(
      'ROUGE-L of the best sound run per block: transfer · gpt2: full fine-tuning 12.00 [11.50, 12.50]; few-shot · gpt2: full fine-tuning 13.00 [12.50, 13.50]; ' +
        'transfer · t5: full fine-tuning 12.00 [11.50, 12.50]; few-shot · t5: full fine-tuning 13.00 [12.50, 13.50] — ' +
        'extractive references on the same 8 test articles: Lead-3 22.25, extractive oracle 31.75.',
    );
    // The news blocks add no lines of their own to the per-block paragraphs.
    expect(view.summary.best.map((l) => l.block)).toEqual(['Summarization · gpt2 (gpt2-micro)', 'Summarization · t5 (t5-micro)']);
    expect(view.summary.tradeoffs).toHaveLength(2);
  });

  it('never name a failed news run in the summary', () => {
    const failing = reportInputWithNews([], ['xsum']);
    for (const t of failing.tests) {
      const e = t.meta?.experiment;
      if (e?.block?.id === 'news-transfer-xsum' && e.model.family === 't5' && e.method !== 'base')
        e.vs_base = { ...e.vs_base!, p_value: 0.4, ci_separated: false };
    }
    expect(buildReport(failing).view.summary.news[0]!.text).toContain('transfer · t5: no sound run above the untuned base (1.00);');
  });
});

describe('failed tests of the news suite', () => {
  const input = reportInputWithNews([...DEBIAN]);
  const fail = (file: string, path: string[], error: string) =>
    input.tests.push({ file: `suites/summarization/${file}`, path, state: 'failed', errors: [error], duration_ms: 1 });
  const block = newsRecord('cnn_dailymail', 'few_shot');
  fail('news-t5.test.ts', [newsSuiteName('cnn_dailymail'), newsBlockSuiteName(block.title, 't5'), 'LoRA r=8 α=16'], 'held-out loss rose');
  fail('news-context.test.ts', [newsSuiteName('xsum'), 'extractive context: Lead-k and the greedy oracle'], 'oracle below Lead-1');
  input.tests.push({
    file: 'suites/summarization/summarization.test.ts',
    path: ['summarization · t5', 'IA³'],
    state: 'failed',
    errors: ['no NaN'],
    duration_ms: 1,
  });
  const { view } = buildReport(input);
  const md = renderMarkdown(view);
  const blocks = view.tasks[0]!.blocks;

  it('are listed with the news block they belong to, under the name the block gives them', () => {
    const owner = blocks.filter((b) => b.failed.length);
    expect(owner.map((b) => b.title)).toEqual(['Summarization · t5 (t5-micro)', 'CNN/DailyMail · few-shot · t5 (t5-micro)']);
    expect(owner[1]!.failed).toEqual([{ name: 'LoRA r=8 α=16', error: 'held-out loss rose' }]);
    expect(under(under(md, '## 2. Comparison'), '#### CNN/DailyMail · few-shot · t5 (t5-micro)')).toContain('- LoRA r=8 α=16: held-out loss rose');
  });

  it("list a dataset's own failed tests in its section, and none under other failures", () => {
    const xsum = view.tasks[0]!.groups.find((g) => g.title === 'News summarization · XSum')!;
    expect(xsum.news!.failed).toEqual([{ name: 'extractive context: Lead-k and the greedy oracle', error: 'oracle below Lead-1' }]);
    expect(under(md, '### News summarization · XSum — main metric ROUGE-L')).toContain(
      '- extractive context: Lead-k and the greedy oracle: oracle below Lead-1',
    );
    expect(view.failures).toEqual([]);
    expect(md).not.toContain('## Other failed tests');
  });

  it('of a dataset that produced no results still get its section', () => {
    const only = reportInput([...DEBIAN]);
    only.tests.push({
      file: 'suites/summarization/news-context.test.ts',
      path: [newsSuiteName('xsum'), 'extractive context: Lead-k and the greedy oracle'],
      state: 'failed',
      errors: ['boom'],
      duration_ms: 1,
    });
    const v = buildReport(only).view;
    expect(v.tasks[0]!.groups.map((g) => g.title)).toEqual(['Summarization', 'News summarization · XSum']);
    expect(v.failures).toEqual([]);
  });
});
