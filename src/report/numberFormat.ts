/**
 * Number formatting for the report (also registered as Handlebars helpers, see render.ts): one place
 * decides how many digits a score, a percentage or a p-value gets. Missing values print as "–".
 */
import type { ScoreWithCi, Significance } from '../experiment/results.ts';
import { escapeMarkdown } from './escape.ts';
import { onMetricScale } from './metricScale.ts';

const DASH = '–';
const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function fmtNum(v: unknown, digits = 2): string {
  if (!ok(v)) return DASH;
  const s = v.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

/** 1234567 → "1,234,567". */
export function fmtInt(v: unknown): string {
  if (!ok(v)) return DASH;
  return Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A percentage with enough digits to tell 0.012% from 0.1%. */
export function fmtPct(v: unknown): string {
  if (!ok(v)) return DASH;
  if (v === 0) return '0%';
  if (v >= 10) return `${v.toFixed(1)}%`;
  if (v >= 1) return `${v.toFixed(2)}%`;
  return `${v.toPrecision(2)}%`;
}

function fmtInterval(score: number, { low, high }: { low: number; high: number }, digits: number): string {
  return `${fmtNum(score, digits)} [${fmtNum(low, digits)}, ${fmtNum(high, digits)}]`;
}

/** "12.34 [11.02, 13.70]": the bounds on the metric's 0–100 scale (metricScale.ts says why). */
export function fmtCi(s: ScoreWithCi | null | undefined, digits = 2): string {
  return s && ok(s.score) ? fmtInterval(s.score, onMetricScale(s), digits) : DASH;
}

/** "0.8123 [0.8011, 0.8230]" as measured: for a score on a scale of its own (COMET), where the 0–100 bounds do not apply. */
export function fmtCiAsMeasured(s: ScoreWithCi | null | undefined, digits = 4): string {
  return s && ok(s.score) ? fmtInterval(s.score, s, digits) : DASH;
}

/** A figure copied from elsewhere with the decimals it was written with, at least one: 10.0 → "10.0", 0.01 → "0.01". */
export function fmtAsWritten(v: unknown): string {
  if (!ok(v)) return DASH;
  const decimals = String(v).split('.')[1]?.length ?? 0;
  return fmtNum(v, Math.min(6, Math.max(1, decimals)));
}

/** "+1.23" / "-0.40": a difference, with its sign either way. */
export function fmtSigned(v: number): string {
  return `${v >= 0 ? '+' : ''}${fmtNum(v)}`;
}

/** "p = 0.004" or "p < 0.001", for prose. */
export function fmtPText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${fmtP(p)}`;
}

export function fmtP(p: unknown): string {
  if (!ok(p)) return DASH;
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/** "+1.23 (p 0.004) ▲" — ▲/▼ when significant (p < 0.05 or separated intervals), · otherwise. */
export function fmtSig(s: Significance | null | undefined): string {
  if (!s) return DASH;
  const significant = s.delta !== 0 && (s.ci_separated || s.p_value < 0.05);
  const mark = !significant ? '·' : s.delta > 0 ? '▲' : '▼';
  return `${s.delta >= 0 ? '+' : ''}${fmtNum(s.delta)} (p ${fmtP(s.p_value)}) ${mark}`;
}

/** Megabytes with one decimal. */
export function fmtMb(v: unknown): string {
  return ok(v) ? v.toFixed(1) : DASH;
}

/** Throughput and other large-range figures: 3 significant digits, thousands separated. */
export function fmtRate(v: unknown): string {
  if (!ok(v)) return DASH;
  if (v >= 100) return fmtInt(v);
  return v.toPrecision(3);
}

/**
 * Data text for a Markdown table cell: whitespace flattened, long text cut (before escaping, so a cut
 * never splits an escape), then escaped by escapeMarkdown, which also escapes the pipes.
 */
export function cell(s: unknown, max = 160): string {
  const t = String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = t.length > max ? `${t.slice(0, max - 1)}…` : t;
  return escapeMarkdown(cut) || DASH;
}
