/**
 * The report's opening, every number taken from the blocks: per (task, model) block the best method
 * on the main metric with its interval; the cost–quality trade-off between the best adapter and full
 * fine-tuning; and where our numbers stand against the PyTorch + peft reference. The news blocks get
 * one line per dataset (its blocks' best runs beside the extractive references), so the summary keeps
 * its length however many news blocks ran.
 *
 * "Best" is chosen among the main tables' runs (each method's grid point chosen on validation data,
 * gridBest.ts), and only among sound runs, by the recommendations' own tests as the tables' verdict
 * column shows them (runVerdict.ts): a run whose outputs collapsed or that is not significantly above
 * the untuned base is never named, however high it scores, because its score does not measure the
 * task (a collapsed run can still collect chrF points) or does not beat noise.
 */
import type { Block, Row } from './model.ts';
import type { NewsSection } from './newsSections.ts';
import { fmtCi, fmtInt, fmtNum, fmtPct, fmtPText, fmtSigned } from './numberFormat.ts';
import type { ReferenceComparison, Standing } from './referenceComparison.ts';
import type { Verdict } from './runVerdict.ts';

export interface SummaryLine {
  /** The block (or comparison) the line is about, as the report titles it. */
  block: string;
  text: string;
}

export interface Summary {
  best: SummaryLine[];
  /** One line per news dataset. */
  news: SummaryLine[];
  tradeoffs: SummaryLine[];
  reference: SummaryLine[];
}

/** The main table's trained runs (each method's chosen grid point) that pass the recommendations' tests, in grid order. */
function soundRuns(b: Block): Row[] {
  return b.main_rows.filter((r) => r.verdict === 'sound');
}

/** The highest main-metric score; ties keep grid order. */
function top(rows: readonly Row[]): Row | undefined {
  return rows.reduce<Row | undefined>((best, r) => (!best || r.main.score > best.main.score ? r : best), undefined);
}

function failedNote(trained: number, sound: number): string {
  return trained > sound ? `; ${trained - sound} of ${trained} runs failed (collapsed outputs or not above the base)` : '';
}

/** Why no run is named: none above the base, or those above it collapsed. */
function noWinner(b: Block, trained: Row[], base: Row | undefined): string {
  const baseText = base ? ` (${b.main_label} ${fmtCi(base.main)})` : '';
  // Above the base but collapsed; every other failed run is not above it.
  const above = trained.filter((r) => r.verdict === 'collapsed').length;
  if (!trained.length) return `no fine-tuned run${baseText}.`;
  if (!above) return `no method cleared the untuned base${baseText}; ${trained.length} of ${trained.length} runs failed.`;
  const collapsed = above === 1 ? 'the one run above it collapsed' : `the ${above} runs above it collapsed`;
  return `no method cleared the untuned base with sound outputs${baseText}: ${collapsed}${failedNote(trained.length, 0)}.`;
}

function bestLine(b: Block): string {
  const base = b.rows.find((r) => r.is_base);
  // The failure count is over every run of the block; the best is named from the main table's.
  const trained = b.rows.filter((r) => !r.is_base);
  const sound = trained.filter((r) => r.verdict === 'sound');
  const best = top(soundRuns(b));
  if (!best) return noWinner(b, trained, base);
  const vs = best.vs_base!;
  const baseScore = base ? ` ${fmtNum(base.main.score)}` : '';
  return (
    `${best.label}, ${b.main_label} ${fmtCi(best.main)}, significantly above the untuned base${baseScore} ` +
    `(${fmtSigned(vs.delta)}, ${fmtPText(vs.p_value)})${failedNote(trained.length, sound.length)}.`
  );
}

/** A run's training time, marked when it was not taken on an idle machine (timingLoad.ts). */
const seconds = (r: Pick<Row, 'train_s' | 'speed_note'>) =>
  r.train_s === null ? 'an unrecorded time' : `${fmtInt(r.train_s)} s${r.speed_note ? ' (not timed on an idle machine)' : ''}`;

/** The paired difference between the adapter and full fine-tuning, in words. */
function gap(a: Row, full: Row, metric: string): string {
  const s = a.vs_full;
  const d = s ? s.delta : a.main.score - full.main.score;
  const side = d >= 0 ? 'higher' : 'lower';
  const test = !s
    ? 'no paired test'
    : s.ci_separated || s.p_value < 0.05
      ? `a significant difference, paired ${fmtPText(s.p_value)}`
      : `within noise, paired ${fmtPText(s.p_value)}`;
  return `the adapter is ${fmtNum(Math.abs(d))} ${metric} ${side} (${test})`;
}

/** One sentence on what the best adapter saves against full fine-tuning and what it costs in quality; null when neither is sound. */
function tradeoffLine(b: Block): string | null {
  const sound = soundRuns(b);
  const adapter = top(sound.filter((r) => !r.is_baseline));
  const full = b.main_rows.find((r) => r.is_baseline);
  const fullSound = !!full && sound.includes(full);
  const m = b.main_label;
  if (!adapter && fullSound)
    return `no adapter cleared the untuned base; only full fine-tuning did: ${m} ${fmtNum(full.main.score)}, training ${fmtPct(full.percent)} of the parameters in ${seconds(full)}.`;
  if (!adapter) return null;
  const cost = `the best adapter, ${adapter.label}, trains ${fmtPct(adapter.percent)} of the parameters in ${seconds(adapter)} for ${m} ${fmtNum(adapter.main.score)}`;
  if (!full) return `${cost}; full fine-tuning did not run.`;
  if (!fullSound) return `${cost}; full fine-tuning (${m} ${fmtNum(full.main.score)}) failed here (${full.verdict}).`;
  return `${cost}; full fine-tuning trains ${fmtPct(full.percent)} in ${seconds(full)} for ${fmtNum(full.main.score)}: ${gap(adapter, full, m)}.`;
}

/** "below the reference on 4 of 5 settings, overlapping it on 1": our intervals against the reference's, counted. */
function standingCounts(standings: readonly Standing[]): string {
  const counted = (['below', 'overlapping', 'above'] as const).map((s) => [s, standings.filter((x) => x === s).length] as const).filter(([, n]) => n > 0);
  return counted.map(([s, n], i) => (i === 0 ? `${s} the reference on ${n} of ${standings.length} settings` : `${s} it on ${n}`)).join(', ');
}

const verdictNote = (v: Verdict | null) => (v && v !== 'sound' ? ` (${v})` : '');

function referenceLine(c: ReferenceComparison, block: Block | undefined): string {
  const main = c.pairs.filter((p) => p.metric === c.main_metric);
  const ours = block ? `; ours: ${block.steps.map(fmtInt).join('/')} steps, ${fmtInt(block.test_examples)} test examples` : '';
  const scores = main.map((p) => `${p.run} ${fmtNum(p.ours.score)}${verdictNote(p.verdict)} vs ${p.reference_text}`).join('; ');
  return `${main[0]!.metric_label} ours vs reference: ${scores}. Ours is ${standingCounts(main.map((p) => p.standing))} (reference: ${c.setup}${ours}).`;
}

/** A news block's best sound run in a few words: `LoRA r=8 α=16 12.00 [11.50, 12.50]`. */
function newsBest(b: Block): string {
  const best = top(soundRuns(b));
  if (best) return `${best.label} ${fmtCi(best.main)}`;
  const base = b.rows.find((r) => r.is_base);
  const baseText = base ? ` (${fmtNum(base.main.score)})` : '';
  return b.rows.some((r) => !r.is_base) ? `no sound run above the untuned base${baseText}` : `no fine-tuned run${baseText}`;
}

/** One news dataset: each block's best sound run (setting · family), then the extractive references on the same articles. */
function newsLine(n: NewsSection): string {
  const blocks = n.blocks.map((b) => `${b.news!.setting === 'transfer' ? 'transfer' : 'few-shot'} · ${b.family}: ${newsBest(b)}`);
  const runs = blocks.length ? `${n.main_label} of the best sound run per block: ${blocks.join('; ')}` : `${n.main_label}: no block ran`;
  if (!n.context) return `${runs}.`;
  const refs = n.context.rows.map((r) => `${r.label} ${fmtNum(r.main.score)}`).join(', ');
  return `${runs} — extractive references on the same ${fmtInt(n.context.test_examples)} test articles: ${refs}.`;
}

export function buildSummary(blocks: readonly Block[], reference: readonly ReferenceComparison[], news: readonly NewsSection[]): Summary {
  const main = blocks.filter((b) => !b.block);
  return {
    best: main.map((b) => ({ block: b.title, text: bestLine(b) })),
    news: news.map((n) => ({ block: `News summarization · ${n.title}`, text: newsLine(n) })),
    tradeoffs: main.flatMap((b) => {
      const text = tradeoffLine(b);
      return text ? [{ block: b.title, text }] : [];
    }),
    reference: reference
      .filter((c) => c.pairs.some((p) => p.metric === c.main_metric))
      .map((c) => ({
        block: c.block,
        text: referenceLine(
          c,
          blocks.find((b) => b.title === c.block),
        ),
      })),
  };
}
