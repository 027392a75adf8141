/**
 * SVG charts for REPORT.md, rendered in Node: scatter plots (Pareto frontiers), line charts (loss
 * curves) and dot-and-whisker charts (each method's score with its interval).
 *
 * Why our own ~250 lines instead of vega-lite → SVG: the report needs three chart kinds, the output must
 * be byte-identical for identical data (the sharded-vs-unsharded report test compares files), and a
 * chart library with its dependency tree for that is more to audit than this. Text is escaped; all
 * numbers are written with fixed precision so output is stable across platforms.
 */

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  /** Drawn emphasised and joined by the frontier line. */
  highlight?: boolean;
  /** Colour group (method family). */
  group: string;
}

export interface ScatterSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  points: ScatterPoint[];
  /** Join the highlighted points in x order (the Pareto frontier). */
  frontierLine?: boolean;
}

export interface LineSeries {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface LineSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

const W = 720;
const H = 420;
const M = { left: 64, right: 190, top: 40, bottom: 52 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** A colour-blind-safe palette (Okabe–Ito, then Tol's muted), assigned in order of first use. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#882255',
  '#44AA99',
  '#999933',
  '#AA4499',
  '#332288',
  '#DDCC77',
];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (v: number) => (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '');

/** ~5 round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceTicks(lo - d, hi + d, count);
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if (out[0]! > lo) out.unshift(out[0]! - step);
  if (out.at(-1)! < hi) out.push(out.at(-1)! + step);
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return `${f(v / 1000)}k`;
  if (a < 0.01) return v.toExponential(0);
  return f(v);
}

interface Axis {
  ticks: number[];
  map: (v: number) => number;
}

function linearAxis(values: number[], size: number, invert: boolean): Axis {
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const lo = ticks[0]!;
  const hi = ticks.at(-1)!;
  return { ticks, map: (v) => (invert ? size - ((v - lo) / (hi - lo)) * size : ((v - lo) / (hi - lo)) * size) };
}

function logAxis(values: number[], size: number): Axis {
  const pos = values.filter((v) => v > 0);
  const ticks = logTicks(Math.min(...pos), Math.max(...pos));
  const lo = Math.log10(ticks[0]!);
  const hi = Math.log10(ticks.at(-1)!);
  const span = hi > lo ? hi - lo : 1;
  return { ticks, map: (v) => ((Math.log10(Math.max(v, 10 ** lo)) - lo) / span) * size };
}

function frame(title: string, xLabel: string, yLabel: string, x: Axis, y: Axis, body: string[], legend: string[]): string {
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<g transform="translate(${M.left},${M.top})">`);
  for (const t of y.ticks) {
    const py = f(y.map(t));
    out.push(`<line x1="0" x2="${PW}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="-6" y="${py}" text-anchor="end" dominant-baseline="middle" fill="#444">${escapeXml(tickLabel(t))}</text>`);
  }
  for (const t of x.ticks) {
    const px = f(x.map(t));
    out.push(`<line x1="${px}" x2="${px}" y1="0" y2="${PH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px}" y="${PH + 16}" text-anchor="middle" fill="#444">${escapeXml(tickLabel(t))}</text>`);
  }
  out.push(`<rect x="0" y="0" width="${PW}" height="${PH}" fill="none" stroke="#888"/>`);
  out.push(...body);
  out.push(`<text x="${PW / 2}" y="${PH + 38}" text-anchor="middle" fill="#222">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(-46,${PH / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(yLabel)}</text>`);
  out.push(`<g transform="translate(${PW + 14},4)">`, ...legend, '</g>');
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}

function colours(groups: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const g of groups) if (!m.has(g)) m.set(g, PALETTE[m.size % PALETTE.length]!);
  return m;
}

function legendEntries(items: { name: string; colour: string; dashed?: boolean; marker?: boolean }[]): string[] {
  return items.slice(0, 24).map((it, i) => {
    const y = i * 15;
    const mark = it.marker
      ? `<circle cx="6" cy="${y}" r="4" fill="${it.colour}"/>`
      : `<line x1="0" x2="14" y1="${y}" y2="${y}" stroke="${it.colour}" stroke-width="2"${it.dashed ? ' stroke-dasharray="4 2"' : ''}/>`;
    return `${mark}<text x="20" y="${y}" dominant-baseline="middle">${escapeXml(it.name)}</text>`;
  });
}

export function scatterChart(spec: ScatterSpec): string {
  const pts = spec.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.xLog || p.x > 0));
  if (!pts.length) return frame(spec.title, spec.xLabel, spec.yLabel, linearAxis([0, 1], PW, false), linearAxis([0, 1], PH, true), [], []);
  const x = spec.xLog
    ? logAxis(
        pts.map((p) => p.x),
        PW,
      )
    : linearAxis(
        pts.map((p) => p.x),
        PW,
        false,
      );
  const y = linearAxis(
    pts.map((p) => p.y),
    PH,
    true,
  );
  const col = colours(pts.map((p) => p.group));
  const body: string[] = [];
  if (spec.frontierLine) {
    const fr = pts.filter((p) => p.highlight).sort((a, b) => a.x - b.x || a.y - b.y);
    if (fr.length > 1)
      body.push(
        `<polyline fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="5 3" points="${fr.map((p) => `${f(x.map(p.x))},${f(y.map(p.y))}`).join(' ')}"/>`,
      );
  }
  // Frontier labels alternate above and below their points (in x order), so neighbours do not collide.
  const below = new Set(
    pts
      .filter((p) => p.highlight)
      .sort((a, b) => a.x - b.x || a.y - b.y)
      .filter((_, i) => i % 2 === 1),
  );
  for (const p of pts) {
    const px = f(x.map(p.x));
    const py = f(y.map(p.y));
    const c = col.get(p.group)!;
    body.push(
      p.highlight
        ? `<circle cx="${px}" cy="${py}" r="5.5" fill="${c}" stroke="#000" stroke-width="1.5"/>`
        : `<circle cx="${px}" cy="${py}" r="4" fill="${c}" fill-opacity="0.75"/>`,
    );
    if (p.highlight) {
      // Labels near the right or top edge go inside the plot, not into the legend or the title.
      const right = x.map(p.x) > PW * 0.7;
      const lx = right ? x.map(p.x) - 7 : x.map(p.x) + 7;
      const ly = y.map(p.y) < 14 || (below.has(p) && y.map(p.y) < PH - 14) ? y.map(p.y) + 16 : y.map(p.y) - 7;
      body.push(`<text x="${f(lx)}" y="${f(ly)}" font-size="10" fill="#111"${right ? ' text-anchor="end"' : ''}>${escapeXml(p.label)}</text>`);
    }
  }
  const legend = legendEntries([...col.entries()].map(([name, colour]) => ({ name, colour, marker: true })));
  if (spec.frontierLine)
    legend.push(
      ...legendEntries([{ name: 'Pareto frontier', colour: '#333', dashed: true }]).map((s) => `<g transform="translate(0,${col.size * 15 + 6})">${s}</g>`),
    );
  return frame(spec.title, spec.xLabel, spec.yLabel, x, y, body, legend);
}

export function lineChart(spec: LineSpec): string {
  const series = spec.series
    .map((s) => ({ ...s, points: s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)) }))
    .filter((s) => s.points.length);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x = linearAxis(xs.length ? xs : [0, 1], PW, false);
  const y = linearAxis(ys.length ? ys : [0, 1], PH, true);
  const col = colours(series.map((s) => s.name));
  const body = series.map(
    (s) =>
      `<polyline fill="none" stroke="${col.get(s.name)}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${s.points.map(([a, b]) => `${f(x.map(a))},${f(y.map(b))}`).join(' ')}"/>`,
  );
  const legend = legendEntries(series.map((s) => ({ name: s.name, colour: col.get(s.name)!, dashed: s.dashed })));
  return frame(spec.title, spec.xLabel, spec.yLabel, x, y, body, legend);
}

export interface IntervalEntry {
  label: string;
  score: number;
  low: number;
  high: number;
  /** Colour group (method family). */
  group: string;
  /** Drawn hollow: a run the recommendations reject (collapsed, or not above the untuned base). */
  muted?: boolean;
}

export interface IntervalSpec {
  title: string;
  xLabel: string;
  entries: IntervalEntry[];
  /** A dashed vertical line, e.g. the untuned base's score. */
  reference?: { label: string; value: number };
  /** One line under the axis saying what hollow dots mean (shown only when some entry is muted). */
  mutedNote?: string;
}

const IM = { left: 180, right: 150, top: 40, bottom: 62, row: 22 };
const IPW = W - IM.left - IM.right;

const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * Scores are never negative, so an interval that a normal approximation pushed below zero is drawn
 * from 0: the chart must not suggest a negative score is possible.
 */
function clampEntry(e: IntervalEntry): IntervalEntry {
  const low = Math.max(0, Math.min(e.low, e.score));
  return { ...e, score: Math.max(0, e.score), low, high: Math.max(e.high, e.score, low) };
}

function intervalRow(e: IntervalEntry, i: number, x: (v: number) => number, colour: string): string[] {
  const mid = i * IM.row + IM.row / 2;
  const [cy, capTop, capBottom] = [f(mid), f(mid - 5), f(mid + 5)];
  const [lo, hi, at] = [f(x(e.low)), f(x(e.high)), f(x(e.score))];
  const dot = e.muted ? `fill="#ffffff" stroke="${colour}" stroke-width="2"` : `fill="${colour}"`;
  return [
    `<text x="-8" y="${cy}" text-anchor="end" dominant-baseline="middle" fill="#222">${escapeXml(shorten(e.label, 30))}</text>`,
    `<line x1="${lo}" x2="${hi}" y1="${cy}" y2="${cy}" stroke="${colour}" stroke-width="2"/>`,
    `<line x1="${lo}" x2="${lo}" y1="${capTop}" y2="${capBottom}" stroke="${colour}" stroke-width="1.5"/>`,
    `<line x1="${hi}" x2="${hi}" y1="${capTop}" y2="${capBottom}" stroke="${colour}" stroke-width="1.5"/>`,
    `<circle cx="${at}" cy="${cy}" r="4.5" ${dot}/>`,
    `<text x="${f(IPW + 8)}" y="${cy}" dominant-baseline="middle" fill="#444">${f(e.score)} [${f(e.low)}, ${f(e.high)}]</text>`,
  ];
}

/** One row per entry: the score as a dot, its interval as a whisker, on an axis that starts at 0. */
export function intervalChart(spec: IntervalSpec): string {
  const entries = spec.entries.filter((e) => [e.score, e.low, e.high].every(Number.isFinite)).map(clampEntry);
  const ph = Math.max(1, entries.length) * IM.row;
  const h = IM.top + ph + IM.bottom;
  const ref = spec.reference && Number.isFinite(spec.reference.value) ? spec.reference : undefined;
  const ticks = niceTicks(0, Math.max(1e-9, ...entries.map((e) => e.high), ref ? ref.value : 0)).filter((t) => t >= 0);
  const top = ticks.at(-1)!;
  const x = (v: number) => (v / top) * IPW;
  const col = colours(entries.map((e) => e.group));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${h}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<g transform="translate(${IM.left},${IM.top})">`,
  ];
  for (const t of ticks) {
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="0" y2="${ph}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(x(t))}" y="${ph + 16}" text-anchor="middle" fill="#444">${escapeXml(tickLabel(t))}</text>`);
  }
  out.push(`<rect x="0" y="0" width="${IPW}" height="${ph}" fill="none" stroke="#888"/>`);
  if (ref) {
    out.push(`<line x1="${f(x(ref.value))}" x2="${f(x(ref.value))}" y1="0" y2="${ph}" stroke="#555" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${f(x(ref.value) + 4)}" y="-6" font-size="10" fill="#555">${escapeXml(shorten(ref.label, 40))}</text>`);
  }
  entries.forEach((e, i) => out.push(...intervalRow(e, i, x, col.get(e.group)!)));
  out.push(`<text x="${IPW / 2}" y="${ph + 36}" text-anchor="middle" fill="#222">${escapeXml(spec.xLabel)}</text>`);
  if (spec.mutedNote && entries.some((e) => e.muted))
    out.push(`<text x="${IPW / 2}" y="${ph + 52}" text-anchor="middle" font-size="10" fill="#555">${escapeXml(spec.mutedNote)}</text>`);
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}
