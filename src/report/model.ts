/**
 * Turns the suites' test records into what REPORT.md.hbs renders: the opening summary (summary.ts);
 * per (task, model) blocks with the comparison table, Pareto frontiers, loss curves and stability,
 * decoding comparison, quality by text type, examples and error analysis, detail tables; the setup
 * section; rule-based recommendations; the comparison with the PyTorch + peft reference
 * (referenceComparison.ts); charts as SVG.
 *
 * Everything is ordered by the suites' grid order (never by arrival), so a sharded run merged later
 * gives the same report as an unsharded one.
 */
import type {
  BlockComparison,
  BlockRecord,
  CometScore,
  DecodingComparison,
  DecodingRow,
  DegenerationProfile,
  EnvironmentRecord,
  ErrorAnalysis,
  ExperimentResult,
  ExtractiveContext,
  MetricName,
  ScoreWithCi,
  SelectionRecord,
  Significance,
  SkippedExperiment,
  StabilityNote,
} from '../experiment/results.ts';
import { METRIC_LABELS } from '../experiment/results.ts';
import { CORPUS_SPLIT } from '../data/corpusSplit.ts';
import { baselineMethod, methodInfo } from '../peft/methodInfo.ts';
import type { BenchRecord, ReportInput, TestRecord } from './input.ts';
import { cometCell, cometNote, hasCometColumn, mergeCometNotes, type CometNote } from './comet.ts';
import { paretoFrontier } from './pareto.ts';
import { speedNote, trainingTimingCaveat } from './timingLoad.ts';
import { failureReasons, recommendations, type Recommendation } from './recommendations.ts';
import {
  inNewsSection,
  newsBlockFacts,
  newsDatasetOrder,
  newsSections,
  newsSettingOrder,
  testInNewsBlock,
  type NewsBlockFacts,
  type NewsSection,
} from './newsSections.ts';
import { gridBestRows, type GridBestRow } from './gridBest.ts';
import { memorySplit, type MemorySplitView } from './memorySplit.ts';
import { fmtInt, fmtMb, fmtNum, fmtPct } from './numberFormat.ts';
import { referenceComparisons, type ReferenceComparison } from './referenceComparison.ts';
import { runVerdict, type Verdict } from './runVerdict.ts';
import { buildSummary, type Summary } from './summary.ts';
import { intervalChart, lineChart, scatterChart } from './svg.ts';
import { detailMetrics, tableMetrics } from './taskMetrics.ts';

const TASK_ORDER = ['translation', 'summarization'];
const FAMILY_ORDER = ['gpt2', 't5'];
const TASK_TITLES: Record<string, string> = { translation: 'English → Russian translation', summarization: 'Summarization' };

/** A method family's name in charts (where each family has its colour); a name no method has shows as it is. */
function methodTitle(method: string): string {
  return method === 'base' ? 'untuned base' : (methodInfo(method)?.title ?? method);
}

export interface Chart {
  /** Path relative to the assets folder. */
  file: string;
  svg: string;
}

export interface Row {
  id: string;
  label: string;
  method: string;
  hp: string;
  hyperparameters: Record<string, number | string | boolean>;
  /** The main table shows one run per group (gridBest.ts): the method, or a setting with its own row. */
  table_group: string;
  is_base: boolean;
  /** A run of the method every other is compared against (full fine-tuning). */
  is_baseline: boolean;
  trainable: number;
  percent: number;
  formula: string;
  mem_train: number | null;
  mem_inf: number;
  s_epoch: number | null;
  /** Wall-clock seconds of the whole training run. */
  train_s: number | null;
  train_tps: number | null;
  inf_tps: number;
  q: Record<MetricName, ScoreWithCi>;
  main: ScoreWithCi;
  /** The main table's metrics after the main one (Block.secondary_labels), as the task shows them (taskMetrics.ts). */
  secondary: ScoreWithCi[];
  /** The detail table's metrics (Block.detail_labels), the main one first. */
  detail: ScoreWithCi[];
  /** COMET, in blocks with a COMET column (Block.comet_column); null: not run (the group's note says why). */
  comet: CometScore | null;
  /** Collapsed, not above the untuned base, or sound (null for the base itself). */
  verdict: Verdict | null;
  vs_base: Significance | null;
  vs_lora: Significance | null;
  vs_full: Significance | null;
  stability: StabilityNote | null;
  steps: number | null;
  final_loss: number | null;
  eval_before: number | null;
  eval_after: number | null;
  errors: ErrorAnalysis;
  /** null for results recorded before the degeneration profile existed. */
  degeneration: DegenerationProfile | null;
  cached: boolean;
  /** Method-specific facts (AdaLoRA's final ranks, QLoRA's NF4 bytes), as one line. */
  facts: string | null;
  /** Why its training or generation speed is not an idle machine's (timingLoad.ts); null when both are. */
  speed_note: string | null;
}

export interface FrontierTable {
  axis: string;
  unit: string;
  chart: string;
  points: { label: string; cost: number; cost_text: string; main: ScoreWithCi }[];
  /** Runs kept out of a time axis, their training not timed on an idle machine: "label (why)". */
  left_out: string[];
}

export interface DomainTable {
  types: { name: string; examples: number }[];
  rows: { label: string; cells: (ScoreWithCi | null)[]; range: number | null }[];
}

export interface ExampleView {
  id: string;
  domain: string;
  source: string;
  reference: string;
  outputs: { label: string; prediction: string }[];
}

export interface Block {
  task: string;
  family: string;
  /** The suite block when it is not the task's main one (a news block); null for the main block. */
  block: BlockRecord | null;
  /** What a news block's table states: corpora, budget, article truncation (null for a main block). */
  news: NewsBlockFacts | null;
  anchor: string;
  title: string;
  model: { name: string; origin: string; params: number; random_init: boolean } | null;
  main_metric: MetricName;
  main_label: string;
  /** Labels of Row.secondary and Row.detail. */
  secondary_labels: string[];
  detail_labels: string[];
  /** The tables have a COMET column (translation). */
  comet_column: boolean;
  /** The block's COMET runs: scored, and why the others were not (null without a COMET column). */
  comet: CometNote | null;
  /** Test examples each run is scored on, and the optimizer steps of its training runs. */
  test_examples: number | null;
  steps: number[];
  /** Every run, in grid order: the detail tables and sections 4–7. */
  rows: Row[];
  /** The main table: the untuned base and each table group's chosen grid point (gridBest.ts). */
  main_rows: GridBestRow[];
  skipped: SkippedExperiment[];
  failed: { name: string; error: string }[];
  reference_lora: string | null;
  full_label: string | null;
  frontiers: FrontierTable[];
  loss_chart: string | null;
  /** Each main-table run on the main metric with its interval (dot-and-whisker chart). */
  method_chart: string | null;
  /** Counts of stability verdicts and the noisiest run, as one sentence. */
  stability_summary: string;
  decoding: {
    columns: string[];
    rows: {
      label: string;
      strategy: string;
      options: string;
      /** Decoded as the main tables are: the row the others are compared with. */
      main_decoding: boolean;
      cells: ScoreWithCi[];
      tokens_per_s: number;
      seconds: number;
    }[];
    /** How many test examples the rows decoded, as a sentence; empty when the rows do not say. */
    examples: string;
  };
  domains: DomainTable;
  /** Peak training memory by part, for the detail tables (null when no run recorded the split). */
  memory: MemorySplitView | null;
  examples: ExampleView[];
}

export interface TaskSection {
  task: string;
  title: string;
  main_label: string;
  /** Every block of the task, the main ones first, then the news blocks by dataset (sections 3–9). */
  blocks: Block[];
  /** Section 2: the main blocks under the task's heading, then one group per news dataset. */
  groups: ComparisonGroup[];
}

/** A heading of section 2 and its tables: the task's main blocks, or a news dataset with its extractive context. */
export interface ComparisonGroup {
  title: string;
  main_label: string;
  news: NewsSection | null;
  blocks: Block[];
  /** The group's COMET runs, for its one note on runs not scored (null: no COMET column). */
  comet: CometNote | null;
}

export interface DataSummary {
  task: string;
  /** Tokenized sizes differ per model family (each has its own tokenizer and length limits). */
  family: string;
  dataset: string;
  origin: string;
  synthetic: boolean;
  corpus_examples: number;
  cleaning: string;
  train: number;
  validation: number;
  test: number;
  encode: string;
  /** Which examples were drawn: domain mix and token cap, or the first n of each split. */
  selection: string;
}

export interface ReportView {
  generated_at: string;
  /** The command that rendered the report. */
  generated_by: string;
  merged_from_shards: boolean;
  profiles: string[];
  synthetic: string[];
  random_init: string[];
  environments: (EnvironmentRecord & { experiments: number })[];
  seeds: number[];
  training: { steps: number[]; batch: number[] };
  decoding: string[];
  models: { task: string; family: string; name: string; origin: string; params: number }[];
  data: DataSummary[];
  /** The corpus split every experiment uses (percent). */
  split: { train: number; validation: number; test: number; seed: number | string };
  counts: { experiments: number; cached: number; passed: number; failed: number; skipped: number };
  tasks: TaskSection[];
  /** The report's opening: best method per block, the cost–quality trade-off, the PyTorch reference. */
  summary: Summary;
  /** Our runs against the PyTorch + peft reference's, setting by setting (detail tables). */
  reference: ReferenceComparison[];
  recommendations: Recommendation[];
  /** Every COMET run of the report, for the setup's account of the metrics (null: no translation runs). */
  comet: CometNote | null;
  bench: BenchRecord[] | null;
  /** Failed tests outside any (task, model) block (those inside are listed with the block). */
  failures: { name: string; error: string }[];
  skipped: SkippedExperiment[];
  assets: string;
  /** Blocks kept from an earlier report in the same folder (not rerun this time), with that report's time. */
  carried: { block: string; reported_at: string }[];
}

function hpString(h: Record<string, number | string | boolean>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function uniq<T>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const byOrder = (a: { order: number; id: string }, b: { order: number; id: string }) => a.order - b.order || a.id.localeCompare(b.id);

function familyOf(r: ExperimentResult): string {
  return r.model.family;
}

function cleaningLine(c: Record<string, unknown>): string {
  const ch = (c.changed ?? {}) as Record<string, number>;
  const dr = (c.dropped ?? {}) as Record<string, number>;
  const changed =
    Object.entries(ch)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const dropped =
    Object.entries(dr)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return `${c.input} in → ${c.output} kept; changed: ${changed}; dropped: ${dropped}`;
}

function encodeLine(e: Record<string, unknown> | null): string {
  if (!e) return '';
  return `${e.encoded}/${e.examples} encoded (source truncated ${e.sourceTruncated}, target truncated ${e.targetTruncated}, dropped ${e.dropped})`;
}

function selectionLine(s: SelectionRecord | undefined): string {
  if (!s) return 'first n of each split';
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, n]) => `${k} ${fmtInt(n)}`)
      .join(', ');
  const mix = s.domains
    ? `domains ${Object.entries(s.domains)
        .map(([k, w]) => `${k} ${fmtNum(w)}`)
        .join(', ')} (train: ${counts(s.train_by_domain)}; test: ${counts(s.test_by_domain)})` +
      (s.exhausted.length ? `; ran out: ${s.exhausted.join(', ')}` : '')
    : 'first n of each split';
  const cap = s.max_tokens ? `; pairs of ≤ ${s.max_tokens} tokens per side (${fmtInt(s.too_long)} longer skipped)` : '';
  return mix + cap;
}

/** What the suites' test records hold, sorted as the report orders it (never by arrival). */
interface Collected {
  tests: TestRecord[];
  experiments: ExperimentResult[];
  skipped: SkippedExperiment[];
  comparisons: BlockComparison[];
  decodings: DecodingComparison[];
  contexts: ExtractiveContext[];
  failedTests: TestRecord[];
}

function collect(input: ReportInput): Collected {
  const tests = [...input.tests].sort((a, b) => a.file.localeCompare(b.file) || a.path.join('\u0000').localeCompare(b.path.join('\u0000')));
  return {
    tests,
    experiments: tests.flatMap((t) => (t.meta?.experiment ? [t.meta.experiment] : [])).sort(byOrder),
    skipped: tests.flatMap((t) => (t.meta?.skipped ? [t.meta.skipped] : [])).sort(byOrder),
    comparisons: tests.flatMap((t) => (t.meta?.comparison ? [t.meta.comparison] : [])),
    decodings: tests.flatMap((t) => (t.meta?.decoding ? [t.meta.decoding] : [])),
    contexts: tests.flatMap((t) => (t.meta?.context ? [t.meta.context] : [])),
    failedTests: tests.filter((t) => t.state === 'failed'),
  };
}

/** Builds the report's content and its charts. `assets` is the charts folder relative to REPORT.md. */
export function buildReport(input: ReportInput, assets = 'report-assets'): { view: ReportView; charts: Chart[] } {
  const c = collect(input);
  const built = blockKeys(c.experiments, c.skipped).map((k) => buildBlock(blockInput(k, c, assets)));
  const blocks = built.map((b) => b.block);
  const charts = built.flatMap((b) => b.charts);
  const news = newsSections(blocks, c.contexts, c.failedTests);
  // The PyTorch reference ran the main blocks' data only.
  const reference = referenceComparisons(blocks.filter((b) => !b.block));
  const { tests, experiments, failedTests } = c;
  const view: ReportView = {
    generated_at: input.generated_at,
    generated_by: input.merged_from_shards ? 'npm run report:merge' : 'npm run report',
    merged_from_shards: input.merged_from_shards === true,
    ...runSummary(experiments),
    counts: {
      experiments: experiments.length,
      cached: experiments.filter((e) => e.cached).length,
      passed: tests.filter((t) => t.state === 'passed').length,
      failed: failedTests.length,
      skipped: tests.filter((t) => t.state === 'skipped').length,
    },
    tasks: taskSections(blocks, news),
    summary: buildSummary(blocks, reference, news),
    reference,
    recommendations: recommendations(blocks),
    comet: mergeCometNotes(blocks.map((b) => b.comet)),
    bench: input.bench,
    // Failures inside a block or a news section are listed there; here only the others.
    failures: failedTests
      .filter((t) => !blocks.some((b) => testInBlock(t, b)) && !inNewsSection(t, news))
      .map((t) => ({ name: t.path.join(' › '), error: t.errors[0] ?? 'failed' })),
    skipped: c.skipped,
    assets,
    carried: uniq(tests.flatMap((t) => (t.reported_at && t.meta?.experiment ? [{ block: t.path[0] ?? t.file, reported_at: t.reported_at }] : []))),
  };
  return { view, charts };
}

/** A block of the report: a task on a model family, in the task's main block or another (a news block). */
interface BlockKey {
  task: string;
  family: string;
  record: BlockRecord | null;
}

/** Whether a record of `task`, `family` and `block` belongs to the block `k` (a main block has no record). */
function inKey(k: BlockKey, task: string, family: string, block: BlockRecord | undefined): boolean {
  return k.task === task && k.family === family && (k.record?.id ?? null) === (block?.id ?? null);
}

/** Whether a test belongs to a block: by its describe path, as the suites name it. */
function testInBlock(t: TestRecord, b: Pick<Block, 'task' | 'family' | 'block'>): boolean {
  return b.block ? testInNewsBlock(t, b.block, b.family) : t.path[0] === `${b.task} · ${b.family}`;
}

function blockInput(k: BlockKey, c: Collected, assets: string): BlockInput {
  return {
    ...k,
    results: c.experiments.filter((e) => inKey(k, e.task, familyOf(e), e.block)),
    skipped: c.skipped.filter((s) => inKey(k, s.task, s.model_family, s.block)),
    comparison: c.comparisons.find((x) => inKey(k, x.task, x.model_family, x.block)),
    // Decoding is compared on the main blocks only.
    decoding: k.record ? undefined : c.decodings.find((d) => d.task === k.task && d.model_family === k.family),
    failed: c.failedTests.filter((t) => testInBlock(t, { ...k, block: k.record })),
    assets,
  };
}

/**
 * The blocks in report order: tasks (TASK_ORDER), the main blocks before the others, news blocks by
 * dataset, then families (FAMILY_ORDER), then setting (transfer before few-shot).
 */
function blockKeys(experiments: ExperimentResult[], skipped: SkippedExperiment[]): BlockKey[] {
  const keys = [
    ...experiments.map((e) => ({ task: e.task, family: familyOf(e), record: e.block ?? null })),
    ...skipped.map((s) => ({ task: s.task, family: s.model_family, record: s.block ?? null })),
  ];
  const seen = new Set<string>();
  return keys
    .filter((k) => {
      const id = `${k.task}\u0000${k.family}\u0000${k.record?.id ?? ''}`;
      return !seen.has(id) && !!seen.add(id);
    })
    .sort(
      (a, b) =>
        TASK_ORDER.indexOf(a.task) - TASK_ORDER.indexOf(b.task) ||
        Number(!!a.record) - Number(!!b.record) ||
        (a.record && b.record ? newsDatasetOrder(a.record.eval_dataset, b.record.eval_dataset) : 0) ||
        FAMILY_ORDER.indexOf(a.family) - FAMILY_ORDER.indexOf(b.family) ||
        a.family.localeCompare(b.family) ||
        (a.record && b.record ? newsSettingOrder(a.record, b.record) : 0),
    );
}

function taskSections(blocks: Block[], news: NewsSection[]): TaskSection[] {
  return TASK_ORDER.filter((t) => blocks.some((b) => b.task === t) || news.some((n) => n.task === t)).map((t) => {
    const main = blocks.filter((b) => b.task === t && !b.block);
    const sections = news.filter((n) => n.task === t);
    const mainLabel = main[0]?.main_label ?? sections[0]!.main_label;
    const title = TASK_TITLES[t] ?? t;
    return {
      task: t,
      title,
      main_label: mainLabel,
      blocks: [...main, ...sections.flatMap((n) => n.blocks)],
      groups: [
        ...(main.length ? [{ title, main_label: mainLabel, news: null, blocks: main, comet: mergeCometNotes(main.map((b) => b.comet)) }] : []),
        ...sections.map((n) => ({
          title: `News summarization · ${n.title}`,
          main_label: n.main_label,
          news: n,
          blocks: n.blocks,
          comet: mergeCometNotes(n.blocks.map((b) => b.comet)),
        })),
      ],
    };
  });
}

function dataSummaries(experiments: ExperimentResult[]) {
  return uniq(
    experiments.map((e) => ({
      task: e.task,
      // A news block's results: which block, and the corpus whose test split it scored.
      family: e.block ? `${e.model.family} · ${e.block.title}` : e.model.family,
      dataset: e.data.eval_dataset ? `${e.data.dataset} (test: ${e.data.eval_dataset})` : e.data.dataset,
      origin: e.data.eval_origin ? `${e.data.origin} (test: ${e.data.eval_origin})` : e.data.origin,
      synthetic: e.data.synthetic,
      corpus_examples: e.data.corpus_examples,
      cleaning: cleaningLine(e.data.cleaning),
      train: e.data.train_examples,
      validation: e.data.validation_examples,
      test: e.data.test_examples,
      encode: encodeLine(e.data.encode),
      selection: selectionLine(e.data.selection),
    })),
  );
}

/** The distinct environments the experiments ran in, with how many ran in each. */
function environments(experiments: ExperimentResult[]): (EnvironmentRecord & { experiments: number })[] {
  const envs = new Map<string, EnvironmentRecord & { experiments: number }>();
  for (const e of experiments) {
    const k = JSON.stringify(e.env);
    const cur = envs.get(k);
    if (cur) cur.experiments++;
    else envs.set(k, { ...e.env, experiments: 1 });
  }
  return [...envs.values()];
}

/** The report's account of how the experiments were run: profiles, data, models, settings. */
function runSummary(experiments: ExperimentResult[]) {
  return {
    profiles: uniq(experiments.map((e) => e.profile)),
    synthetic: uniq(experiments.filter((e) => e.data.synthetic).map((e) => `${e.data.dataset} (${e.task})`)),
    random_init: uniq(experiments.filter((e) => e.model.random_init).map((e) => e.model.name)),
    environments: environments(experiments),
    seeds: uniq(experiments.map((e) => e.seed)).sort((a, b) => a - b),
    training: {
      steps: uniq(experiments.flatMap((e) => (e.training ? [e.training.steps] : []))).sort((a, b) => a - b),
      batch: uniq(experiments.flatMap((e) => (e.training ? [e.training.batch_size] : []))).sort((a, b) => a - b),
    },
    decoding: uniq(
      experiments.map((e) =>
        Object.entries(e.inference.options)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      ),
    ),
    models: uniq(experiments.map((e) => ({ task: e.task, family: e.model.family, name: e.model.name, origin: e.model.origin, params: e.model.params }))),
    data: dataSummaries(experiments),
    split: {
      train: Math.round(100 * (1 - CORPUS_SPLIT.test - CORPUS_SPLIT.validation)),
      validation: Math.round(100 * CORPUS_SPLIT.validation),
      test: Math.round(100 * CORPUS_SPLIT.test),
      seed: CORPUS_SPLIT.seed,
    },
  };
}

function significance(comparison: BlockComparison | undefined, refId: string | null, id: string): Significance | null {
  if (!comparison || !refId) return null;
  return comparison.against[refId]?.[id] ?? null;
}

/** One (task, model family) block's inputs, gathered from the test records by buildReport. */
interface BlockInput {
  task: string;
  family: string;
  /** null: the task's main block. */
  record: BlockRecord | null;
  results: ExperimentResult[];
  skipped: SkippedExperiment[];
  comparison: BlockComparison | undefined;
  decoding: DecodingComparison | undefined;
  failed: TestRecord[];
  /** The charts folder relative to REPORT.md. */
  assets: string;
}

/** What the phases of buildBlock share: where the block's charts go and its main metric. */
interface BlockContext {
  task: string;
  family: string;
  anchor: string;
  /** What the charts' titles call the block: `Summarization · gpt2`, `CNN/DailyMail · few-shot · t5`. */
  heading: string;
  assets: string;
  main: MetricName;
  mainLabel: string;
}

/** The runs every row is compared with: LoRA r=8 α=16 (the reference) and full fine-tuning. */
interface References {
  refLora: ExperimentResult | null;
  full: ExperimentResult | null;
  comparison: BlockComparison | undefined;
}

/** The metrics a block's tables show (taskMetrics.ts). */
interface BlockMetrics {
  table: MetricName[];
  detail: MetricName[];
}

function blockRow(r: ExperimentResult, refs: References, metrics: BlockMetrics): Row {
  const row = measuredRow(r, refs);
  return {
    ...row,
    secondary: metrics.table.slice(1).map((m) => r.quality[m]),
    detail: metrics.detail.map((m) => r.quality[m]),
    verdict: runVerdict(row),
  };
}

function measuredRow(r: ExperimentResult, { refLora, full, comparison }: References): Omit<Row, 'secondary' | 'detail' | 'verdict'> {
  return {
    id: r.id,
    label: r.label,
    method: r.method,
    hp: hpString(r.hyperparameters),
    hyperparameters: r.hyperparameters,
    table_group: r.table_group ?? r.method,
    is_base: r.method === 'base',
    is_baseline: methodInfo(r.method)?.isBaseline ?? false,
    trainable: r.params.trainable,
    percent: r.params.percent,
    formula: r.params.formula,
    mem_train: r.training?.peak_tensor_mb ?? null,
    mem_inf: r.inference.peak_tensor_mb,
    s_epoch: r.training?.seconds_per_epoch ?? null,
    train_s: r.training?.seconds ?? null,
    train_tps: r.training?.tokens_per_s ?? null,
    inf_tps: r.inference.tokens_per_s,
    q: r.quality,
    main: r.quality[r.main_metric],
    comet: cometCell(r),
    vs_base: r.vs_base,
    vs_lora: r === refLora ? null : significance(comparison, refLora?.id ?? null, r.id),
    vs_full: r === full ? null : significance(comparison, full?.id ?? null, r.id),
    stability: r.training?.stability ?? null,
    steps: r.training?.steps ?? null,
    final_loss: r.training?.final_loss ?? null,
    eval_before: r.training?.eval_loss_before ?? null,
    eval_after: r.training?.eval_loss ?? null,
    errors: r.errors,
    degeneration: r.degeneration ?? null,
    cached: r.cached,
    facts: methodFacts(r),
    speed_note: speedNote(r),
  };
}

interface CostAxis {
  key: string;
  axis: string;
  unit: string;
  cost: (r: ExperimentResult) => number;
  text: (v: number) => string;
  log: boolean;
  /** A time: only runs trained on an otherwise idle machine are compared on it. */
  timed?: boolean;
}

const COST_AXES: CostAxis[] = [
  { key: 'trainable', axis: 'trainable parameters (% of total)', unit: '%', cost: (r) => r.params.percent, text: fmtPct, log: true },
  { key: 'memory', axis: 'peak training memory (MB)', unit: 'MB', cost: (r) => r.training!.peak_tensor_mb, text: (v) => `${fmtMb(v)} MB`, log: false },
  { key: 'time', axis: 'seconds per epoch', unit: 's', cost: (r) => r.training!.seconds_per_epoch, text: (v) => `${fmtNum(v, 1)} s`, log: false, timed: true },
];

/** Quality against each cost axis: the Pareto frontier as a table and as a scatter chart. */
function paretoFrontiers(ctx: BlockContext, trained: ExperimentResult[], charts: Chart[]): FrontierTable[] {
  const { anchor, assets, main, mainLabel } = ctx;
  return COST_AXES.map((ax) => {
    const caveats = new Map(ax.timed ? trained.map((r) => [r, trainingTimingCaveat(r)] as const).filter(([, why]) => why !== null) : []);
    const runs = trained.filter((r) => !caveats.has(r));
    const front = paretoFrontier(runs, ax.cost, (r) => r.quality[main].score);
    const onFront = new Set(front.map((r) => r.id));
    const file = `${anchor}-pareto-${ax.key}.svg`;
    charts.push({
      file,
      svg: scatterChart({
        title: `${ctx.heading}: ${mainLabel} vs ${ax.axis}`,
        xLabel: ax.axis,
        yLabel: mainLabel,
        xLog: ax.log,
        frontierLine: true,
        points: runs.map((r) => ({ x: ax.cost(r), y: r.quality[main].score, label: r.label, highlight: onFront.has(r.id), group: methodTitle(r.method) })),
      }),
    });
    return {
      axis: ax.axis,
      unit: ax.unit,
      chart: `${assets}/${file}`,
      points: front.map((r) => ({ label: r.label, cost: ax.cost(r), cost_text: ax.text(ax.cost(r)), main: r.quality[main] })),
      left_out: [...caveats].map(([r, why]) => `${r.label} (${why})`),
    };
  });
}

/** Loss curves: the main table's runs (and LoRA r=8 α=16, the reference, dashed). */
function lossChart(ctx: BlockContext, best: ExperimentResult[], refLora: ExperimentResult | null, charts: Chart[]): string | null {
  const curveRuns = [...best];
  if (refLora?.training && !curveRuns.includes(refLora)) curveRuns.push(refLora);
  curveRuns.sort(byOrder);
  if (!curveRuns.length) return null;
  const file = `${ctx.anchor}-loss.svg`;
  charts.push({
    file,
    svg: lineChart({
      title: `${ctx.heading}: training loss`,
      xLabel: 'optimizer step',
      yLabel: 'training loss',
      series: curveRuns.map((r) => ({
        name: r.label,
        points: r.training!.loss_curve.map((p) => [p.step, p.loss] as [number, number]),
        dashed: r === refLora && !best.includes(r),
      })),
    }),
  });
  return `${ctx.assets}/${file}`;
}

/** Quality by text type. */
function domainTable(results: ExperimentResult[]): DomainTable {
  const typeCounts = new Map<string, number>();
  for (const r of results) for (const d of r.per_domain) typeCounts.set(d.domain, Math.max(typeCounts.get(d.domain) ?? 0, d.examples));
  const types = [...typeCounts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, examples]) => ({ name, examples }));
  return {
    types,
    rows: results.map((r) => {
      const cells = types.map((t) => r.per_domain.find((d) => d.domain === t.name)?.main ?? null);
      const scores = cells.filter((c): c is ScoreWithCi => c !== null).map((c) => c.score);
      return { label: r.label, cells, range: scores.length > 1 ? Math.max(...scores) - Math.min(...scores) : null };
    }),
  };
}

/** Examples: the untuned base and the main table's runs, on the same test inputs. */
function exampleViews(results: ExperimentResult[], best: ExperimentResult[]): ExampleView[] {
  const base = results.find((r) => r.method === 'base');
  const shown = [...(base ? [base] : []), ...best.sort(byOrder)];
  const first = shown[0];
  return (first?.examples ?? []).map((ex) => ({
    id: ex.id,
    domain: ex.domain,
    source: ex.source,
    reference: ex.reference,
    outputs: shown.map((r) => ({ label: r.label, prediction: r.examples.find((e) => e.id === ex.id)?.prediction ?? '' })),
  }));
}

/** The runs a block's rows are compared with: its LoRA r=8 α=16 and its full fine-tuning. */
function blockReferences(results: readonly ExperimentResult[], comparison: BlockComparison | undefined): References {
  const baseline = baselineMethod().name;
  return {
    refLora: results.find((r) => r.id.endsWith('/lora-r8-a16')) ?? null,
    full: results.find((r) => r.method === baseline) ?? null,
    comparison,
  };
}

/** The block's name in chart titles, and its anchor (which names its chart files). */
function blockNames({ task, family, record }: Pick<BlockInput, 'task' | 'family' | 'record'>): { heading: string; anchor: string } {
  // Anchors name chart files and links: hyphens only (`news-few_shot-xsum` → `news-few-shot-xsum`).
  if (record) return { heading: `${record.title} · ${family}`, anchor: `${task}-${family}-${record.id.replace(/[^A-Za-z0-9-]/g, '-')}` };
  return { heading: `${TASK_TITLES[task] ?? task} · ${family}`, anchor: `${task}-${family}` };
}

/** One block of the report, and its charts in the order the report links them. */
function buildBlock(input: BlockInput): { block: Block; charts: Chart[] } {
  const charts: Chart[] = [];
  const { task, family, record, results, assets } = input;
  const main = results[0]?.main_metric ?? (task === 'translation' ? 'chrf' : 'rougeL');
  const refs = blockReferences(results, input.comparison);
  const metrics: BlockMetrics = { table: tableMetrics(task, main), detail: detailMetrics(task, main) };
  const rows = results.map((r) => blockRow(r, refs, metrics));
  const mainRows = gridBestRows(rows, METRIC_LABELS[main]);
  const trained = results.filter((r) => r.training);
  const ctx: BlockContext = { task, family, ...blockNames(input), assets, main, mainLabel: METRIC_LABELS[main] };
  const frontiers = paretoFrontiers(ctx, trained, charts);
  const mainIds = new Set(mainRows.map((r) => r.id));
  const best = trained.filter((r) => mainIds.has(r.id));
  const lossChartFile = lossChart(ctx, best, refs.refLora, charts);
  const methodChartFile = methodChart({ ...ctx, rows: mainRows }, charts);
  const model = results[0]?.model;
  const block: Block = {
    task,
    family,
    block: record,
    news: record ? newsBlockFacts(record, results) : null,
    anchor: ctx.anchor,
    title: `${ctx.heading}${model ? ` (${model.name})` : ''}`,
    model: model ? { name: model.name, origin: model.origin, params: model.params, random_init: model.random_init } : null,
    main_metric: main,
    main_label: ctx.mainLabel,
    secondary_labels: metrics.table.slice(1).map((m) => METRIC_LABELS[m]),
    detail_labels: metrics.detail.map((m) => METRIC_LABELS[m]),
    comet_column: hasCometColumn(task),
    comet: hasCometColumn(task) ? cometNote(results) : null,
    test_examples: results[0]?.data.test_examples ?? null,
    steps: uniq(trained.map((r) => r.training!.steps)).sort((a, b) => a - b),
    rows,
    main_rows: mainRows,
    skipped: input.skipped,
    // The test's name below the block's describe (a news block's is the second level).
    failed: input.failed.map((t) => ({ name: t.path.slice(record ? 2 : 1).join(' › '), error: t.errors[0] ?? 'failed' })),
    reference_lora: refs.refLora?.label ?? null,
    full_label: refs.full?.label ?? null,
    frontiers,
    loss_chart: lossChartFile,
    method_chart: methodChartFile ? `${assets}/${methodChartFile}` : null,
    stability_summary: stabilitySummary(trained),
    decoding: decodingView(input.decoding?.rows ?? [], metrics.table),
    domains: domainTable(results),
    memory: memorySplit(trained, refs.full, refs.refLora),
    examples: exampleViews(results, best),
  };
  return { block, charts };
}

/**
 * The dot-and-whisker chart of a block: the main table's runs (one per method or own-row setting; a
 * failed one drawn hollow), highest score first so the ranking and the overlap of the intervals read
 * at a glance; the untuned base is a dashed line. Returns the file name.
 */
function methodChart({ heading, rows, anchor, mainLabel }: Omit<BlockContext, 'assets' | 'main'> & { rows: Row[] }, charts: Chart[]): string | null {
  const base = rows.find((r) => r.is_base);
  const failed = (r: Row) => failureReasons(r, base, mainLabel).length > 0;
  const entries = rows.filter((r) => !r.is_base).sort((a, b) => b.main.score - a.main.score);
  if (!entries.length) return null;
  const file = `${anchor}-methods.svg`;
  charts.push({
    file,
    svg: intervalChart({
      title: `${heading}: ${mainLabel} by method`,
      xLabel: `${mainLabel} with 95% interval (the main table's run of each method)`,
      entries: entries.map((r) => ({
        label: r.label,
        score: r.main.score,
        low: r.main.low,
        high: r.main.high,
        group: methodTitle(r.method),
        muted: failed(r),
      })),
      ...(base ? { reference: { label: `untuned base ${fmtNum(base.main.score)}`, value: base.main.score } } : {}),
      mutedNote: 'hollow: failed (collapsed outputs, or not significantly above the untuned base)',
    }),
  });
  return file;
}

/** The method's own line about the run (plugins' summaryFacts), from the summary saved with it. */
function methodFacts(r: ExperimentResult): string | null {
  const s = r.training?.method_summary;
  if (!s) return null;
  return methodInfo(r.method)?.summaryFacts?.(s) ?? null;
}

function stabilitySummary(runs: ExperimentResult[]): string {
  if (!runs.length) return 'No training runs.';
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.training!.stability.verdict, (counts.get(r.training!.stability.verdict) ?? 0) + 1);
  const parts = ['stable', 'noisy', 'flat', 'diverged'].filter((v) => counts.get(v)).map((v) => `${counts.get(v)} ${v}`);
  const noisiest = [...runs].sort((a, b) => b.training!.stability.noise - a.training!.stability.noise || byOrder(a, b))[0]!;
  const spikes = runs.reduce((s, r) => s + r.training!.stability.spikes, 0);
  return (
    `Of ${runs.length} runs: ${parts.join(', ')}. Noisiest: ${noisiest.label} (step-to-step noise ${(100 * noisiest.training!.stability.noise).toFixed(1)}% of the loss). ` +
    `Loss spikes (> 1.5× the running average): ${spikes}.`
  );
}

/** The metrics a decoding comparison records besides the main one. */
const DECODING_METRICS = ['bleu', 'chrf', 'rougeL'] as const;
const isDecodingMetric = (m: MetricName): m is (typeof DECODING_METRICS)[number] => (DECODING_METRICS as readonly string[]).includes(m);

/** Decoding rows with the main metric first, then those of the task's table metrics the comparison records. */
function decodingView(rows: DecodingRow[], table: MetricName[]): Block['decoding'] {
  const [main, ...others] = table as [MetricName, ...MetricName[]];
  const keys = ['main' as const, ...others.filter(isDecodingMetric)];
  return {
    columns: keys.map((k) => METRIC_LABELS[k === 'main' ? main : k]),
    rows: rows.map((r) => ({
      label: r.label,
      strategy: r.strategy,
      options: Object.entries(r.options)
        .filter(([k]) => k !== 'strategy' && k !== 'max_new_tokens')
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
      main_decoding: r.main_decoding ?? false,
      cells: keys.map((k) => r[k]),
      tokens_per_s: r.tokens_per_s,
      seconds: r.seconds,
    })),
    examples: decodingExamples(rows),
  };
}

/**
 * The decoding rows score a prefix of the test split, not the whole of it as the main tables do: the
 * reader needs n to compare a row with the tables and to judge its interval.
 */
function decodingExamples(rows: DecodingRow[]): string {
  const counts = uniq(rows.flatMap((r) => (r.examples === undefined ? [] : [r.examples]))).sort((a, b) => a - b);
  if (counts.length === 0) return '';
  const n = counts.length === 1 ? `${counts[0]}` : `${counts[0]}–${counts[counts.length - 1]}`;
  return `Each adapter's settings decoded the same examples: the first ${n} of the test split (the main tables score all of it).`;
}
