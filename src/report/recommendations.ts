/**
 * Recommendations derived from the numbers by fixed rules, each sentence citing the figures it rests
 * on. Per (task, model) block:
 *
 * First, the runs that failed are named with why, and no rule below may pick them: a run whose
 * outputs collapsed (5% or more degenerate outputs — empty, or one word over half of the words — or
 * fewer distinct outputs than a quarter of the inputs), or that is not significantly above the
 * untuned base (paired p < 0.05 or separated intervals). Ranking such a run would crown an adapter
 * that does not do the task, or rank noise. When every run failed the block says so and recommends
 * nothing. When prompt-learning runs collapsed onto stock answers while runs that change the base's
 * weights stayed sound, one sentence says why (a prompt only steers the frozen base).
 *
 * Then, over the sound runs:
 * 1. Best quality: the highest main-metric score, its gain over the base; whether its 95% interval
 *    separates from the runner-up's.
 * 2. Best under a memory budget: the budget is the median peak training memory over the sound runs
 *    (what a typical method needs here: activations kept for the backward pass dominate at this
 *    scale, so "half of full fine-tuning" would exclude every method); the best score within it.
 * 3. Best quality per trainable parameter: the largest main-metric gain over the base per million
 *    trainable parameters.
 * 4. When full fine-tuning is worth it: full fine-tuning against the best adapter with the paired
 *    test of the block comparison — worth it when it is significantly better (p < 0.05 or separated
 *    intervals), with what it costs in trainable parameters, memory and time.
 *
 * Last, the decoding comparison: a setting (beam search, sampling, no-repeat-ngram, repetition
 * penalty) whose interval lies wholly above that of the main tables' decoding for the same adapter
 * clearly helps and is named with both intervals; otherwise one sentence says nothing did.
 */
import type { Block, Row } from './model.ts';
import { fmtCi, fmtInt, fmtNum, fmtPct, fmtPText, fmtSigned } from './numberFormat.ts';
import { median } from '../util/median.ts';
import { methodInfo } from '../peft/methodInfo.ts';

export interface Recommendation {
  block: string;
  rule: string;
  text: string;
}

const better = (s: { delta: number; p_value: number; ci_separated: boolean } | null) => !!s && s.delta > 0 && (s.ci_separated || s.p_value < 0.05);

/** The run is significantly above the untuned base on the main metric (paired p < 0.05 or separated intervals). */
export function aboveBase(r: Pick<Row, 'vs_base'>): boolean {
  return better(r.vs_base);
}

/** Share of degenerate outputs from which a run counts as collapsed. */
export const COLLAPSED_RATE = 0.05;

/**
 * Distinct outputs per test input below which a run has collapsed onto a few stock answers: outputs
 * for different inputs rarely coincide, while a collapsed adapter repeats two or three strings over
 * the whole test set, which corpus metrics do not reveal.
 */
export const MIN_DISTINCT_PER_INPUT = 0.25;

/** Distinct outputs over outputs, from the degeneration profile or (older results) the error analysis. */
function distinctShare(r: Pick<Row, 'degeneration' | 'errors'>): { distinct: number; outputs: number } {
  const d = r.degeneration;
  return d ? { distinct: d.distinct_outputs, outputs: d.outputs } : { distinct: r.errors.distinct_outputs, outputs: r.errors.outputs };
}

/** The run answers fewer distinct outputs than MIN_DISTINCT_PER_INPUT of its inputs (stock answers). */
function stockAnswers(r: Pick<Row, 'degeneration' | 'errors'>): boolean {
  const k = distinctShare(r);
  return k.outputs > 0 && k.distinct / k.outputs < MIN_DISTINCT_PER_INPUT;
}

/** Why a run's outputs count as collapsed, with the numbers; empty when they do not. */
export function collapseReasons(r: Pick<Row, 'degeneration' | 'errors'>): string[] {
  const out: string[] = [];
  const d = r.degeneration;
  if (d && d.degenerate_rate >= COLLAPSED_RATE)
    out.push(`${fmtPct(100 * d.degenerate_rate)} of its outputs degenerate (${d.degenerate} of ${d.outputs}, limit ${100 * COLLAPSED_RATE}%)`);
  const k = distinctShare(r);
  if (stockAnswers(r)) out.push(`only ${k.distinct} distinct outputs for ${k.outputs} inputs (limit ${100 * MIN_DISTINCT_PER_INPUT}% distinct)`);
  return out;
}

/** Why a run does not count as better than the untuned base, with the numbers; null when it does. */
function baseReason(r: Row, base: Row | undefined, metric: string): string | null {
  const s = r.vs_base;
  if (aboveBase(r)) return null;
  if (!s) return 'no test against the untuned base in this run';
  const vs = base ? ` against the base's ${fmtCi(base.main)}` : '';
  return `not significantly above the untuned base (${metric} ${fmtCi(r.main)}${vs}: ${fmtSigned(s.delta)}, ${fmtPText(s.p_value)}, intervals ${s.ci_separated ? 'separated' : 'overlap'})`;
}

/** Every reason a run must not be recommended; empty for a sound run. */
export function failureReasons(r: Row, base: Row | undefined, metric: string): string[] {
  const notAbove = baseReason(r, base, metric);
  return [...collapseReasons(r), ...(notAbove ? [notAbove] : [])];
}

type Add = (rule: string, text: string) => void;

export function recommendations(blocks: Block[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const b of blocks) blockRecommendations(b, (rule, text) => out.push({ block: b.title, rule, text }));
  return out;
}

function blockRecommendations(b: Block, add: Add): void {
  const trained = b.rows.filter((r) => !r.is_base);
  const base = b.rows.find((r) => r.is_base);
  const failed = new Map(trained.map((r) => [r, failureReasons(r, base, b.main_label)] as const).filter(([, why]) => why.length));
  if (failed.size)
    add(
      'failed',
      `${failed.size} of ${trained.length} runs failed and are never recommended: ` +
        [...failed].map(([r, why]) => `${r.label}: ${why.join(' and ')}`).join('; ') +
        '.',
    );
  const runs = trained.filter((r) => !failed.has(r));
  frozenBase(b, trained, runs, base, add);
  if (trained.length && !runs.length) nothingRecommended(b, trained, base, add);
  if (runs.length) {
    bestQuality(b, runs, base, add);
    memoryBudget(b, runs, add);
    perParameter(b, runs, base, add);
    fullFineTuning(b, runs, add);
  }
  decodingAdvice(b, new Set([...failed.keys()].map((r) => r.label)), add);
}

const distinctText = (r: Row) => {
  const k = distinctShare(r);
  return `${r.label}, ${fmtInt(k.distinct)} distinct outputs for ${fmtInt(k.outputs)} inputs`;
};

/**
 * Why prompt-learning runs collapse onto stock answers where methods that change the base's weights
 * do not: a prompt only steers the frozen base, and a base that does not do the task cannot be steered
 * into it (the known result that these methods need a strong base). Said only when the block shows
 * both sides: a prompt-learning run with stock answers, and a sound run that changes weights.
 */
function frozenBase(b: Block, trained: Row[], sound: Row[], base: Row | undefined, add: Add): void {
  const prompt = (r: Row) => methodInfo(r.method)?.isPromptLearning ?? false;
  const collapsed = trained.filter((r) => prompt(r) && stockAnswers(r));
  const changing = sound.filter((r) => !prompt(r));
  if (!collapsed.length || !changing.length) return;
  const varied = changing.reduce((a, r) => (distinctShare(r).distinct > distinctShare(a).distinct ? r : a));
  const promptRuns = trained.filter(prompt).length;
  add(
    'frozen base',
    `${collapsed.length} of ${promptRuns} prompt-learning runs collapsed onto stock answers (${collapsed.map(distinctText).join('; ')}), ` +
      `while ${changing.length} sound runs change the base's weights (most varied: ${distinctText(varied)}). ` +
      'Prompt learning leaves every base weight as it is and only puts trained virtual tokens (or per-layer prefixes) before the input, so it can draw out only what the frozen base already does' +
      (base ? ` (the untuned base: ${b.main_label} ${fmtCi(base.main)})` : '') +
      '; the known result that these methods need a strong base.',
  );
}

function nothingRecommended(b: Block, trained: Row[], base: Row | undefined, add: Add): void {
  const top = trained.reduce((a, r) => (r.main.score > a.main.score ? r : a));
  add(
    'nothing recommended',
    `No run is both sound and significantly above the untuned base` +
      (base ? ` (base ${b.main_label} ${fmtCi(base.main)}` : ` (${b.main_label}`) +
      `; highest-scoring run ${top.label} ${fmtCi(top.main)}), so nothing is recommended for this block; the failed runs above say why each one fell short.`,
  );
}

function bestQuality(b: Block, runs: Row[], base: Row | undefined, add: Add): void {
  const [top, second] = [...runs].sort((x, y) => y.main.score - x.main.score);
  const separated = second ? top!.main.low > second.main.high : false;
  add(
    'best quality',
    `${top!.label}: ${b.main_label} ${fmtCi(top!.main)}` +
      (base && top!.vs_base ? ` (untuned base ${fmtNum(base.main.score)}; ${fmtSigned(top!.vs_base.delta)}, ${fmtPText(top!.vs_base.p_value)})` : '') +
      (second
        ? `; the runner-up ${second.label} scores ${fmtCi(second.main)} — the intervals ${separated ? 'do not overlap' : 'overlap, so the two are not distinguishable here'}.`
        : '.'),
  );
}

function memoryBudget(b: Block, runs: Row[], add: Add): void {
  const mems = runs.map((r) => r.mem_train).filter((x): x is number => x !== null);
  if (!mems.length) return;
  const budget = median(mems);
  const within = runs.filter((r) => r.mem_train !== null && r.mem_train <= budget).sort((x, y) => y.main.score - x.main.score);
  const fullRun = runs.find((r) => r.is_baseline);
  const fullNote = fullRun?.mem_train ? `; full fine-tuning peaks at ${fmtNum(fullRun.mem_train, 1)} MB` : '';
  add(
    'memory budget',
    `Within the median peak training memory of the sound runs, ${fmtNum(budget, 1)} MB${fullNote}: ${within[0]!.label}, ${b.main_label} ${fmtCi(within[0]!.main)} at ${fmtNum(within[0]!.mem_train!, 1)} MB.`,
  );
}

function perParameter(b: Block, runs: Row[], base: Row | undefined, add: Add): void {
  const gainers = runs.filter((r) => r.trainable > 0);
  if (!base || !gainers.length) return;
  const eff = (r: Row) => (r.main.score - base.main.score) / (r.trainable / 1e6);
  const top = [...gainers].sort((x, y) => eff(y) - eff(x))[0]!;
  add(
    'quality per parameter',
    `${top.label}: +${fmtNum(top.main.score - base.main.score)} ${b.main_label} over the untuned base with ${fmtInt(top.trainable)} trainable parameters (${fmtPct(top.percent)}), ${fmtNum(eff(top), 1)} ${b.main_label} per million trainable parameters; it beats the base with ${fmtPText(top.vs_base!.p_value)}.`,
  );
}

function fullFineTuning(b: Block, runs: Row[], add: Add): void {
  const full = runs.find((r) => r.is_baseline);
  const a = runs.filter((r) => !r.is_baseline).sort((x, y) => y.main.score - x.main.score)[0];
  if (!full || !a) return;
  const s = a.vs_full;
  const m = b.main_label;
  const ratio = (x: number | null, y: number | null) => (x && y ? `${fmtNum(x / y, 1)}×` : 'n/a');
  const costs = `${ratio(full.trainable, a.trainable)} the trainable parameters, ${ratio(full.mem_train, a.mem_train)} the training memory, ${ratio(full.s_epoch, a.s_epoch)} the time per epoch`;
  if (s && s.delta < 0 && (s.ci_separated || s.p_value < 0.05))
    add(
      'full fine-tuning',
      `Worth it here: full fine-tuning (${fmtCi(full.main)}) beats the best adapter ${a.label} (${fmtCi(a.main)}) by ${fmtNum(-s.delta)} ${m}, paired ${fmtPText(s.p_value)}, for ${costs}.`,
    );
  else if (s)
    add(
      'full fine-tuning',
      `Not worth it here: the best adapter ${a.label} (${fmtCi(a.main)}) is ${s.delta >= 0 ? 'at least as good as' : 'not significantly worse than'} full fine-tuning (${fmtCi(full.main)}; paired ${fmtPText(s.p_value)}), which would cost ${costs}.`,
    );
  else add('full fine-tuning', `Full fine-tuning ${fmtCi(full.main)} vs the best adapter ${a.label} ${fmtCi(a.main)} (no paired test in this run).`);
}

type DecodingViewRow = Block['decoding']['rows'][number];

const STRATEGY_NAMES: Record<string, string> = { greedy: 'greedy search', beam: 'beam search', sample: 'sampling' };
const setting = (r: DecodingViewRow) => `${STRATEGY_NAMES[r.strategy] ?? r.strategy}${r.options ? ` (${r.options})` : ''}`;

/**
 * The row decoded as the main tables are: what every other setting is measured against. Rows recorded
 * before it was marked fall back to plain greedy search (the main tables' decoding for every task then).
 */
function baselineOf(rows: DecodingViewRow[]): DecodingViewRow | undefined {
  return rows.find((r) => r.main_decoding) ?? rows.find((r) => r.strategy === 'greedy' && !r.options) ?? rows.find((r) => r.strategy === 'greedy');
}

/**
 * A decoding setting clearly helps an adapter when its interval on the main metric lies wholly above
 * that of the main tables' decoding on the same test examples; otherwise the block gets one sentence
 * saying nothing did, with the closest setting, so a reader does not switch decoders on noise.
 */
function decodingAdvice(b: Block, failed: Set<string>, add: Add): void {
  const m = b.main_label;
  const byAdapter = new Map<string, DecodingViewRow[]>();
  for (const r of b.decoding.rows) byAdapter.set(r.label, [...(byAdapter.get(r.label) ?? []), r]);
  let closest: { text: string; delta: number; base: string } | null = null;
  let helped = false;
  for (const [label, rows] of byAdapter) {
    const base = baselineOf(rows);
    if (!base?.cells[0]) continue;
    const g = base.cells[0];
    for (const r of rows.filter((x) => x !== base && x.cells[0])) {
      const c = r.cells[0]!;
      const cmp = `${m} ${fmtCi(c)} against ${setting(base)}'s ${fmtCi(g)} (${fmtSigned(c.score - g.score)})`;
      if (c.low > g.high) {
        helped = true;
        const note = failed.has(label) ? '; the run itself failed above, so this repairs its outputs rather than making it a recommendation' : '';
        add('decoding', `${setting(r)} clearly helps ${label}: ${cmp}, the intervals do not overlap${note}.`);
      } else if (!closest || c.score - g.score > closest.delta)
        closest = { text: `${setting(r)} for ${label}, ${cmp}`, delta: c.score - g.score, base: setting(base) };
    }
  }
  if (!helped && closest)
    add(
      'decoding',
      `No decoding setting clearly beats ${closest.base}, the main tables' decoding (intervals overlap or lie below); the closest is ${closest.text}.`,
    );
}
