/**
 * Renders REPORT.md from REPORT.md.hbs (Handlebars) and writes the charts beside it. The template
 * holds the wording and layout; the helpers below hold the number formatting, so either can change
 * without touching the other.
 *
 * Every `{{value}}` in the template is escaped for Markdown and HTML by escapeMarkdown (escape.ts)
 * unless a helper below marks its result as trusted (number formatting, or data it escaped itself):
 * values come from dataset and result files, and escaping by default means a field added to the
 * template later cannot forget it. `{{{value}}}` is the explicit opt-out, for trusted text only.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { METRIC_LABELS, type MetricName } from '../experiment/results.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { escapeMarkdown } from './escape.ts';
import { cell, fmtAsWritten, fmtCi, fmtCiAsMeasured, fmtInt, fmtMb, fmtNum, fmtP, fmtPct, fmtRate, fmtSig } from './numberFormat.ts';
import type { ReportInput } from './input.ts';
import { mergeReportInput, readReportData } from './merge.ts';
import { buildReport, type ReportView } from './model.ts';

export const DEFAULT_TEMPLATE = path.join(REPO_ROOT, 'REPORT.md.hbs');

const ESCAPE_HELPER = 'escapeMarkdown';

function helpers(hb: typeof Handlebars): void {
  const safe = (s: string) => new hb.SafeString(s);
  const h = <A extends unknown[]>(name: string, fn: (...a: A) => string | boolean | number | Handlebars.SafeString) =>
    // Handlebars passes its options object last; helpers here ignore it.
    hb.registerHelper(name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args.slice(0, -1)));
  h(ESCAPE_HELPER, (v: unknown) => (v instanceof hb.SafeString ? v : safe(escapeMarkdown(v))));
  h('num', (v: unknown, digits: unknown) => safe(fmtNum(v, typeof digits === 'number' ? digits : 2)));
  h('int', (v: unknown) => safe(fmtInt(v)));
  h('asWritten', (v: unknown) => safe(fmtAsWritten(v)));
  h('pct', (v: unknown) => safe(fmtPct(v)));
  h('ci', (s: Parameters<typeof fmtCi>[0], digits: unknown) => safe(fmtCi(s, typeof digits === 'number' ? digits : 2)));
  h('ciAsMeasured', (s: Parameters<typeof fmtCiAsMeasured>[0], digits: unknown) => safe(fmtCiAsMeasured(s, typeof digits === 'number' ? digits : 4)));
  h('p', (v: unknown) => safe(fmtP(v)));
  h('sig', (s: Parameters<typeof fmtSig>[0]) => safe(fmtSig(s)));
  h('mb', (v: unknown) => safe(fmtMb(v)));
  h('rate', (v: unknown) => safe(fmtRate(v)));
  h('cell', (s: unknown, max: unknown) => safe(cell(s, typeof max === 'number' ? max : 160)));
  h('metric', (m: unknown) => safe(METRIC_LABELS[m as MetricName] ?? escapeMarkdown(m)));
  h('eq', (a: unknown, b: unknown) => a === b);
  // The separator is template text; the items are data.
  h('join', (xs: unknown, sep: unknown) => safe(Array.isArray(xs) ? xs.map(escapeMarkdown).join(typeof sep === 'string' ? sep : ', ') : ''));
  h('mul100', (v: unknown) => (typeof v === 'number' ? 100 * v : NaN));
  h('perSecond', (count: unknown, ms: unknown) => Number(count) / (Number(ms) / 1000));
  h('json', (v: unknown) => JSON.stringify(v));
}

/**
 * Rewrites every escaped mustache into a call of the escape helper: `{{helper args}}` becomes
 * `{{escapeMarkdown (helper args)}}` and `{{path}}` becomes `{{escapeMarkdown path}}`. Handlebars
 * always calls a sub-expression as a helper, so a plain lookup must stay a parameter; a bare name that
 * is a registered helper is still called, as the mustache would have called it.
 */
function escapeEveryOutput(program: hbs.AST.Program, isHelper: (name: string) => boolean): void {
  for (const node of program.body) {
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement;
      if (!m.escaped) continue;
      const path = m.path as hbs.AST.PathExpression;
      const bareHelper = path.type === 'PathExpression' && path.parts.length === 1 && path.depth === 0 && !path.data && isHelper(path.parts[0]!);
      const call = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || bareHelper;
      const value: hbs.AST.Expression = call ? ({ type: 'SubExpression', path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression) : m.path;
      m.path = { type: 'PathExpression', data: false, depth: 0, parts: [ESCAPE_HELPER], original: ESCAPE_HELPER, loc: m.loc };
      m.params = [value];
      m.hash = { type: 'Hash', pairs: [], loc: m.loc };
    } else if (node.type === 'BlockStatement') {
      const b = node as hbs.AST.BlockStatement;
      if (b.program) escapeEveryOutput(b.program, isHelper);
      if (b.inverse) escapeEveryOutput(b.inverse, isHelper);
    }
  }
}

export function renderMarkdown(view: ReportView, templateFile = DEFAULT_TEMPLATE): string {
  const hb = Handlebars.create();
  helpers(hb);
  const ast = hb.parse(readFileSync(templateFile, 'utf8'));
  escapeEveryOutput(ast, (name) => Object.hasOwn(hb.helpers, name));
  // noEscape: Handlebars' own HTML escaping is replaced by escapeMarkdown above.
  const template = hb.compile(ast, { noEscape: true, strict: false });
  // Collapse the blank-line runs that block helpers leave behind.
  return (
    template(view)
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

export interface WrittenReport {
  file: string;
  charts: string[];
  view: ReportView;
}

export interface WriteOptions {
  /**
   * Merge into the report already in `dir` (merge.ts): blocks this run did not run are kept. Off
   * renders exactly `input`, as `peft-lab report --data` does.
   */
  merge?: boolean;
}

/**
 * Builds and writes `<dir>/REPORT.md`, its charts under `<dir>/report-assets/` and the data it was
 * made from (`report-assets/report-data.json`, for `peft-lab report --data`). Only charts of the
 * blocks in this report that it no longer draws are removed: any other chart in the folder may belong
 * to a report this one does not know about, and deleting it would break that report.
 */
export function writeReport(input: ReportInput, dir: string, templateFile = DEFAULT_TEMPLATE, opts: WriteOptions = {}): WrittenReport {
  const assetsName = 'report-assets';
  const assets = path.join(dir, assetsName);
  const dataFile = path.join(assets, 'report-data.json');
  const data = opts.merge === false ? input : mergeReportInput(readReportData(dataFile), input);
  const { view, charts } = buildReport(data, assetsName);
  mkdirSync(assets, { recursive: true });
  removeStaleCharts(assets, view, charts);
  for (const c of charts) writeFileSync(path.join(assets, c.file), c.svg);
  writeFileSync(dataFile, JSON.stringify(data) + '\n');
  const file = path.join(dir, 'REPORT.md');
  writeFileAtomic(file, renderMarkdown(view, templateFile));
  return { file, charts: charts.map((c) => path.join(assets, c.file)), view };
}

/** Charts named after a block of this report (`<task>-<family>-…`) that this report no longer draws. */
function removeStaleCharts(assets: string, view: ReportView, charts: readonly { file: string }[]): void {
  const drawn = new Set(charts.map((c) => c.file));
  const prefixes = view.tasks.flatMap((t) => t.blocks.map((b) => `${b.anchor}-`));
  for (const f of readdirSync(assets)) if (f.endsWith('.svg') && !drawn.has(f) && prefixes.some((p) => f.startsWith(p))) rmSync(path.join(assets, f));
}
