/**
 * Renders REPORT.md from REPORT.md.hbs (Handlebars) and writes the charts beside it. The template
 * holds the wording and layout; the helpers below hold the number formatting, so either can change
 * without touching the other.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { METRIC_LABELS, type MetricName } from '../experiment/results.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { cell, fmtCi, fmtInt, fmtMb, fmtNum, fmtP, fmtPct, fmtRate, fmtSig } from './format.ts';
import type { ReportInput } from './input.ts';
import { buildReport, type ReportView } from './model.ts';

export const DEFAULT_TEMPLATE = path.join(REPO_ROOT, 'REPORT.md.hbs');

function helpers(hb: typeof Handlebars): void {
  const h = <A extends unknown[]>(name: string, fn: (...a: A) => string | boolean | number) =>
    // Handlebars passes its options object last; helpers here ignore it.
    hb.registerHelper(name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args.slice(0, -1)));
  h('num', (v: unknown, digits: unknown) => fmtNum(v, typeof digits === 'number' ? digits : 2));
  h('int', fmtInt);
  h('pct', fmtPct);
  h('ci', (s: Parameters<typeof fmtCi>[0]) => fmtCi(s));
  h('p', fmtP);
  h('sig', (s: Parameters<typeof fmtSig>[0]) => fmtSig(s));
  h('mb', fmtMb);
  h('rate', fmtRate);
  h('cell', (s: unknown, max: unknown) => cell(s, typeof max === 'number' ? max : 160));
  h('metric', (m: unknown) => METRIC_LABELS[m as MetricName] ?? String(m));
  h('eq', (a: unknown, b: unknown) => a === b);
  h('join', (xs: unknown, sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
  h('mul100', (v: unknown) => (typeof v === 'number' ? 100 * v : NaN));
  h('perSecond', (count: unknown, ms: unknown) => Number(count) / (Number(ms) / 1000));
  h('json', (v: unknown) => JSON.stringify(v));
}

export function renderMarkdown(view: ReportView, templateFile = DEFAULT_TEMPLATE): string {
  const hb = Handlebars.create();
  helpers(hb);
  const template = hb.compile(readFileSync(templateFile, 'utf8'), { noEscape: true, strict: false });
  // Collapse the blank-line runs that block helpers leave behind.
  return template(view).replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export interface WrittenReport {
  file: string;
  charts: string[];
  view: ReportView;
}

/**
 * Builds and writes `<dir>/REPORT.md`, its charts under `<dir>/report-assets/` and the data it was
 * made from (`report-assets/report-data.json`, for `peft-lab report --data`). Old charts are removed
 * so the folder holds exactly this report's.
 */
export function writeReport(input: ReportInput, dir: string, templateFile = DEFAULT_TEMPLATE): WrittenReport {
  const assetsName = 'report-assets';
  const { view, charts } = buildReport(input, assetsName);
  const assets = path.join(dir, assetsName);
  mkdirSync(assets, { recursive: true });
  for (const f of readdirSync(assets)) if (f.endsWith('.svg')) rmSync(path.join(assets, f));
  for (const c of charts) writeFileSync(path.join(assets, c.file), c.svg);
  writeFileSync(path.join(assets, 'report-data.json'), JSON.stringify(input) + '\n');
  const file = path.join(dir, 'REPORT.md');
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, renderMarkdown(view, templateFile));
  renameSync(tmp, file);
  return { file, charts: charts.map((c) => path.join(assets, c.file)), view };
}
