/**
 * Deterministic ExperimentResults for report tests: plausible numbers derived from a seed, so the
 * reporter, the template and the sharded-vs-unsharded comparison can be tested in seconds without
 * training anything. (The real pipeline is tested in test/experiment.)
 */
import type {
  BlockComparison,
  DecodingComparison,
  ExperimentResult,
  MetricName,
  Quality,
  ScoreWithCi,
  SkippedExperiment,
  TrainingMemoryRecord,
} from '../../src/experiment/results.ts';
import { RESULT_SCHEMA } from '../../src/experiment/results.ts';
import { Rng } from '../../src/engine/random.ts';

const ci = (score: number, half: number): ScoreWithCi => ({ score, low: score - half, high: score + half });

/** Every (task, model) block of the main report, in the report's order. */
export const ALL_BLOCKS = [
  { task: 'translation', family: 'gpt2' },
  { task: 'translation', family: 't5' },
  { task: 'summarization', family: 'gpt2' },
  { task: 'summarization', family: 't5' },
] as const;

export interface FixtureSpec {
  task: 'translation' | 'summarization';
  family: 'gpt2' | 't5';
  caseId: string;
  method: string;
  label: string;
  order: number;
  /** Main-metric score. */
  main: number;
  trainable: number;
  synthetic?: boolean;
  seed?: number;
  /** Held-out (validation) loss after training: what the main table chooses a grid point by (default 4.5). */
  evalLoss?: number;
}

/** Timed on an otherwise idle machine (src/util/machineLoad.ts). */
export const IDLE = { others_cpu_share: 0.02, load_1m_start: 1.1, load_1m_end: 1.9, cores: 2 };

export function makeExperiment(s: FixtureSpec): ExperimentResult {
  const gen = new Rng(s.seed ?? s.order + 17 * s.caseId.length);
  const r = () => gen.next();
  const all = s.family === 'gpt2' ? 5_322_240 : 6_033_920;
  const isBase = s.method === 'base';
  const main: MetricName = s.task === 'translation' ? 'chrf' : 'rougeL';
  const q = (m: number) => ci(m, 0.4 + r());
  const quality: Quality = {
    rouge1: q(s.main * 1.1),
    rouge2: q(s.main * 0.3),
    rougeL: q(s.task === 'summarization' ? s.main : s.main * 0.9),
    rougeLsum: q(s.main * 0.95),
    bleu: q(s.main * 0.2),
    sentence_bleu: q(s.main * 0.18),
    chrf: q(s.task === 'translation' ? s.main : s.main * 1.3),
    chrfpp: q(s.main * 0.95),
  };
  quality[main] = ci(s.main, 0.5);
  const steps = 12;
  const loss = Array.from({ length: steps }, (_, i) => ({ step: i + 1, loss: 6 - (isBase ? 0 : 2 * (i / steps)) + 0.1 * r() }));
  const e: ExperimentResult = {
    schema: RESULT_SCHEMA,
    id: `${s.task}/${s.family}/${s.caseId}`,
    key: `key-${s.task}-${s.family}-${s.caseId}`,
    task: s.task,
    profile: 'smoke',
    order: s.order,
    method: s.method,
    label: s.label,
    hyperparameters: isBase ? {} : { lr: 0.002 },
    seed: 42,
    model: { family: s.family, name: `${s.family}-micro`, origin: 'fixture', params: all, random_init: false },
    data: {
      dataset: s.task === 'translation' ? 'opus_books' : 'debian-descriptions',
      synthetic: s.synthetic ?? false,
      origin: 'fixture.jsonl',
      train_examples: 256,
      validation_examples: 0,
      test_examples: 24,
      corpus_examples: 1000,
      cleaning: { input: 1002, output: 1000, changed: { whitespace: 3 }, dropped: { duplicate: 2 } },
      encode: { examples: 256, encoded: 250, sourceTruncated: 3, targetTruncated: 0, dropped: 6 },
    },
    params: {
      trainable: s.trainable,
      all: all + (s.method === 'full' ? 0 : s.trainable),
      percent: (100 * s.trainable) / (all + (s.method === 'full' ? 0 : s.trainable)),
      expected_trainable: s.trainable,
      formula: 'fixture',
    },
    training: isBase
      ? null
      : {
          steps,
          batch_size: 8,
          learning_rate: 0.002,
          epochs: 0.4,
          train_examples: 250,
          first_loss: loss[0]!.loss,
          final_loss: loss.at(-1)!.loss,
          loss_curve: loss,
          eval_loss_before: 6.2,
          eval_loss: s.evalLoss ?? 4.5,
          seconds: 10 + r(),
          seconds_per_epoch: 25 + 10 * r(),
          tokens_per_s: 1000 + 500 * r(),
          peak_tensor_mb: s.method === 'full' ? 300 : 120 + 10 * r(),
          peak_rss_mb: 400,
          stability: { verdict: 'stable', start_loss: 6, end_loss: 4, relative_drop: 0.33, noise: 0.01, spikes: 0, non_finite: 0 },
          method_summary: null,
          machine_load: IDLE,
        },
    inference: {
      strategy: 'greedy',
      options: { strategy: 'greedy', max_new_tokens: 24 },
      examples: 24,
      new_tokens: 500,
      seconds: 2,
      tokens_per_s: 250 + 10 * r(),
      peak_tensor_mb: 60,
      held_outside_engine_mb: 0,
      machine_load: IDLE,
    },
    quality,
    main_metric: main,
    per_domain: [
      { domain: 'everyday (Tatoeba)', examples: 14, main: ci(s.main + 1, 1.2) },
      { domain: 'news (WMT)', examples: 10, main: ci(s.main - 1, 1.5) },
    ],
    errors: {
      outputs: 24,
      empty: 0,
      untranslated_latin: s.task === 'translation' ? { words: Math.floor(10 * r()), outputs: 3 } : null,
      repetitions: Math.floor(5 * r()),
      truncated: 2,
      numbers_not_in_source: { numbers: 1, outputs: 1 },
      length_ratio: { mean: 1.1, too_short: 1, too_long: 2 },
      copied_source: 0,
      distinct_outputs: 20,
    },
    degeneration: { outputs: 24, empty: 0, one_word_dominant: 1, degenerate: 1, degenerate_rate: 1 / 24, distinct_outputs: 20, distinct_per_input: 20 / 24 },
    examples: [
      {
        id: 'ex1',
        domain: 'tatoeba',
        source: 'I see you | every now and then.',
        reference: 'Я вижу тебя время от времени.',
        prediction: `${s.label} output one`,
      },
      {
        id: 'ex2',
        domain: 'wmt',
        source: 'Not sleeping, his eyes were open.',
        reference: 'Не спал, его глаза были открыты.',
        prediction: `${s.label} output two`,
      },
    ],
    vs_base: isBase ? null : { against: 'untuned base', metric: main, delta: s.main - 1, p_value: s.main > 3 ? 0.001 : 0.4, ci_separated: s.main > 3 },
    adapter_dir: isBase ? null : `runs/experiments/${s.caseId}/adapter`,
    env: {
      cpu: 'Test CPU',
      cores: 2,
      memory_gb: 8,
      platform: 'linux',
      node: 'v20',
      backend: 'wasm',
      tfjs: '4.22.0',
      kernels: 3,
      peft_lab: '0.1.0',
      vitest: '4',
      git_commit: 'abc123',
      git_dirty: false,
    },
    cached: false,
  };
  if (e.training) e.training.memory = fixtureMemory(e.params, e.training.peak_tensor_mb);
  return e;
}

/**
 * A split of the fixture's peak as the experiments record it: float32 weights, AdamW's two moments per
 * trainable weight, and the rest of the peak as the step's activations and gradients.
 */
export function fixtureMemory(params: ExperimentResult['params'], peak: number): TrainingMemoryRecord {
  const MB = 2 ** 20;
  const weights = (4 * params.all) / MB;
  const trainable = (4 * params.trainable) / MB;
  const optimizer = 2 * trainable;
  return {
    weights_mb: weights,
    trainable_mb: trainable,
    optimizer_mb: optimizer,
    other_mb: 0,
    activations_mb: peak - weights - optimizer,
    gradients_mb: trainable,
    peak_mb: peak,
  };
}

/** A small block: base, two LoRA points (r=8 the lower validation loss), IA³, full fine-tuning; prompt tuning skipped. */
export function blockFixture(task: 'translation' | 'summarization', family: 'gpt2' | 't5', synthetic = false) {
  const specs: FixtureSpec[] = [
    { task, family, caseId: 'base', method: 'base', label: 'untuned base', order: 0, main: 1, trainable: 0 },
    { task, family, caseId: 'lora-r4-a16', method: 'lora', label: 'LoRA r=4 α=16', order: 1, main: 6, trainable: 4096 },
    { task, family, caseId: 'lora-r8-a16', method: 'lora', label: 'LoRA r=8 α=16', order: 4, main: 7, trainable: 8192, evalLoss: 4.3 },
    { task, family, caseId: 'ia3', method: 'ia3', label: 'IA³', order: 16, main: 4, trainable: 1792 },
    { task, family, caseId: 'full', method: 'full', label: 'full fine-tuning', order: 20, main: 12, trainable: family === 'gpt2' ? 5_322_240 : 6_033_920 },
  ];
  const experiments = specs.map((s) => makeExperiment({ ...s, synthetic }));
  const skipped: SkippedExperiment = {
    id: `${task}/${family}/prompt_tuning-20`,
    task,
    order: 17,
    method: 'prompt_tuning',
    label: 'prompt tuning (20 tokens)',
    model_family: family,
    reason: "method 'prompt_tuning' is not registered",
  };
  const main: MetricName = task === 'translation' ? 'chrf' : 'rougeL';
  const sig = (delta: number, p: number) => ({ against: 'x', metric: main, delta, p_value: p, ci_separated: Math.abs(delta) > 3 });
  const ids = experiments.map((e) => e.id);
  const comparison: BlockComparison = {
    task,
    model_family: family,
    metric: main,
    against: {
      [ids[2]!]: { [ids[1]!]: sig(-1, 0.2), [ids[3]!]: sig(-3, 0.01), [ids[4]!]: sig(5, 0.001) },
      [ids[4]!]: { [ids[1]!]: sig(-6, 0.001), [ids[2]!]: sig(-5, 0.001), [ids[3]!]: sig(-8, 0.001) },
    },
  };
  // The settings of decodingStrategies, the main tables' greedy search first; none clearly above it.
  const settings: { strategy: string; extra: Record<string, number>; main: number; tokens_per_s: number; seconds: number }[] = [
    { strategy: 'greedy', extra: {}, main: 12, tokens_per_s: 300, seconds: 1 },
    { strategy: 'greedy', extra: { no_repeat_ngram_size: 3 }, main: 12.5, tokens_per_s: 290, seconds: 1.1 },
    { strategy: 'greedy', extra: { repetition_penalty: 1.2 }, main: 11.5, tokens_per_s: 295, seconds: 1.05 },
    { strategy: 'beam', extra: {}, main: 13, tokens_per_s: 250, seconds: 2 },
    { strategy: 'sample', extra: {}, main: 14, tokens_per_s: 200, seconds: 3 },
  ];
  const decoding: DecodingComparison = {
    task,
    model_family: family,
    metric: main,
    rows: settings.map((d) => ({
      experiment_id: ids[4]!,
      label: 'full fine-tuning',
      strategy: d.strategy,
      options: { strategy: d.strategy, max_new_tokens: 24, ...d.extra },
      main: ci(d.main, 1),
      bleu: ci(2, 0.5),
      chrf: ci(d.main, 1),
      rougeL: ci(10, 1),
      tokens_per_s: d.tokens_per_s,
      seconds: d.seconds,
      examples: 24,
      main_decoding: d === settings[0],
    })),
  };
  return { experiments, skipped, comparison, decoding };
}

import type { ReportInput, TestRecord } from '../../src/report/input.ts';

/** The test records a run of the given blocks produces (what the reporter collects). */
export function recordsFor(blocks: { task: 'translation' | 'summarization'; family: 'gpt2' | 't5'; synthetic?: boolean }[]): TestRecord[] {
  const out: TestRecord[] = [];
  for (const b of blocks) {
    const f = blockFixture(b.task, b.family, b.synthetic);
    const file = `suites/${b.task}/${b.task}.test.ts`;
    const describe = `${b.task} · ${b.family}`;
    for (const e of f.experiments) out.push({ file, path: [describe, e.label], state: 'passed', errors: [], duration_ms: 10, meta: { experiment: e } });
    out.push({ file, path: [describe, f.skipped.label], state: 'skipped', errors: [], note: f.skipped.reason, duration_ms: 0, meta: { skipped: f.skipped } });
    out.push({
      file,
      path: [describe, 'significance against LoRA r=8 and full fine-tuning'],
      state: 'passed',
      errors: [],
      duration_ms: 5,
      meta: { comparison: f.comparison },
    });
    out.push({
      file,
      path: [describe, 'decoding strategies on the best adapters'],
      state: 'passed',
      errors: [],
      duration_ms: 5,
      meta: { decoding: f.decoding },
    });
  }
  return out;
}

export function reportInput(blocks: Parameters<typeof recordsFor>[0]): ReportInput {
  return { tests: recordsFor(blocks), bench: null, generated_at: '2024-01-01T00:00:00.000Z' };
}

/** The experiment of a block's run in a fixture input, to change before building the report. */
export function experimentIn(input: ReportInput, task: string, family: string, label: string): ExperimentResult {
  const e = input.tests.find((t) => t.path[0] === `${task} · ${family}` && t.meta?.experiment?.label === label)?.meta?.experiment;
  if (!e) throw new Error(`no run '${label}' in ${task} · ${family}`);
  return e;
}

/**
 * Gives a run a main-metric score (interval ±0.5) and its test against the untuned base (score 1 in
 * blockFixture): significant or not, as a paired test over the same examples would say.
 */
export function setMain(e: ExperimentResult, score: number, vsBase: { p: number; separated: boolean }): void {
  e.quality[e.main_metric] = ci(score, 0.5);
  e.vs_base = { against: 'untuned base', metric: e.main_metric, delta: score - 1, p_value: vsBase.p, ci_separated: vsBase.separated };
}

/** Sets the share of degenerate outputs of a run (of its 24). */
export function setDegenerate(e: ExperimentResult, degenerate: number): void {
  e.degeneration = { ...e.degeneration!, degenerate, one_word_dominant: degenerate, degenerate_rate: degenerate / e.degeneration!.outputs };
}

import type { BlockRecord, ExtractiveContext } from '../../src/experiment/results.ts';
import { NEWS_DATASET_INFO, newsBlockSuiteName, newsSuiteName, type NewsDataset } from '../../src/experiment/newsDatasets.ts';

export type NewsSetting = BlockRecord['setting'];

/** The block record the news suite gives a news block (src/experiment/newsBlocks.ts). */
export function newsRecord(dataset: NewsDataset, setting: NewsSetting): BlockRecord {
  const title = NEWS_DATASET_INFO[dataset].title;
  return setting === 'transfer'
    ? {
        id: `news-transfer-${dataset}`,
        title: `${title} · transfer from debian-descriptions`,
        setting,
        train_dataset: 'debian-descriptions',
        eval_dataset: dataset,
      }
    : { id: `news-few_shot-${dataset}`, title: `${title} · few-shot`, setting, train_dataset: dataset, eval_dataset: dataset };
}

/** Truncation the fixture news results record: gpt2-micro reads 160 prompt tokens, t5-micro 256. */
export const NEWS_TRUNCATION = {
  gpt2: { max_prompt_tokens: 160, max_source_tokens: 155, test_sources_cut: 8, test_source_tokens_median: 912 },
  t5: { max_prompt_tokens: 256, max_source_tokens: 252, test_sources_cut: 7, test_source_tokens_median: 840 },
} as const;

/**
 * One news block on one family as the suite reports it: blockFixture's runs (base, LoRA r=4 and r=8,
 * IA³, full fine-tuning; prompt tuning skipped) with the block's record, ids and data; main-metric
 * scores offset by `shift` so blocks tell apart.
 */
export function newsBlockFixture(dataset: NewsDataset, setting: NewsSetting, family: 'gpt2' | 't5', shift = 0) {
  const f = blockFixture('summarization', family);
  const block = newsRecord(dataset, setting);
  const idOf = (id: string) => id.replace(`summarization/${family}/`, `summarization/${family}/${block.id}/`);
  for (const e of f.experiments) {
    e.id = idOf(e.id);
    e.key = `${e.key}-${block.id}`;
    e.block = block;
    if (e.method !== 'base') {
      e.quality.rougeL = { score: e.quality.rougeL.score + shift, low: e.quality.rougeL.low + shift, high: e.quality.rougeL.high + shift };
      e.vs_base = { ...e.vs_base!, delta: e.vs_base!.delta + shift };
    }
    e.data = {
      ...e.data,
      dataset: block.train_dataset,
      origin: `${block.train_dataset === 'debian-descriptions' ? 'debian-descriptions' : `${dataset}-sample`}.jsonl`,
      test_examples: 8,
      ...(setting === 'transfer' ? { eval_dataset: dataset, eval_origin: `${dataset}-sample.jsonl` } : {}),
      truncation: NEWS_TRUNCATION[family],
    };
  }
  f.skipped = { ...f.skipped, id: idOf(f.skipped.id), block };
  f.comparison = {
    ...f.comparison,
    block,
    against: Object.fromEntries(
      Object.entries(f.comparison.against).map(([ref, row]) => [idOf(ref), Object.fromEntries(Object.entries(row).map(([id, s]) => [idOf(id), s]))]),
    ),
  };
  return { block, experiments: f.experiments, skipped: f.skipped, comparison: f.comparison };
}

/** The extractive context news-context.test.ts attaches for a dataset (src/experiment/newsContext.ts). */
export function newsContext(dataset: NewsDataset): ExtractiveContext {
  const q = (m: number): Quality => ({
    rouge1: ci(m * 1.2, 1),
    rouge2: ci(m * 0.4, 1),
    rougeL: ci(m, 1),
    rougeLsum: ci(m, 1),
    bleu: ci(m * 0.3, 1),
    sentence_bleu: ci(m * 0.3, 1),
    chrf: ci(m * 1.5, 1),
    chrfpp: ci(m * 1.4, 1),
  });
  const lead = NEWS_DATASET_INFO[dataset].lead;
  return {
    task: 'summarization',
    dataset,
    test_examples: 8,
    rows: [
      {
        label: `Lead-${lead}`,
        system: 'lead',
        sentences: lead,
        quality: q(dataset === 'xsum' ? 13.5 : 22.25),
        rougeLsum_sentences: ci(dataset === 'xsum' ? 13.5 : 33.1, 2),
      },
      {
        label: 'extractive oracle',
        system: 'oracle',
        sentences: 2.4,
        quality: q(dataset === 'xsum' ? 20.5 : 31.75),
        rougeLsum_sentences: ci(dataset === 'xsum' ? 21 : 46.2, 2),
      },
    ],
    note: 'sentences split by src/metrics/sentenceSplit.ts; Lead-k and the oracle read the whole article',
  };
}

/**
 * The test records of the news suite for `datasets`: the context test (news-context.test.ts), then every
 * block on both families (news-<family>.test.ts), with the names the suite gives them.
 */
export function newsRecordsFor(datasets: readonly NewsDataset[]): TestRecord[] {
  const out: TestRecord[] = [];
  for (const [d, dataset] of datasets.entries()) {
    const top = newsSuiteName(dataset);
    out.push({
      file: 'suites/summarization/news-context.test.ts',
      path: [top, 'extractive context: Lead-k and the greedy oracle'],
      state: 'passed',
      errors: [],
      duration_ms: 5,
      meta: { context: newsContext(dataset) },
    });
    for (const [s, setting] of (['transfer', 'few_shot'] as const).entries())
      for (const family of ['gpt2', 't5'] as const) {
        const f = newsBlockFixture(dataset, setting, family, 2 * d + s);
        const file = `suites/summarization/news-${family}.test.ts`;
        const describe = newsBlockSuiteName(f.block.title, family);
        for (const e of f.experiments)
          out.push({ file, path: [top, describe, e.label], state: 'passed', errors: [], duration_ms: 10, meta: { experiment: e } });
        out.push({
          file,
          path: [top, describe, f.skipped.label],
          state: 'skipped',
          errors: [],
          note: f.skipped.reason,
          duration_ms: 0,
          meta: { skipped: f.skipped },
        });
        out.push({
          file,
          path: [top, describe, 'significance against LoRA r=8 and full fine-tuning'],
          state: 'passed',
          errors: [],
          duration_ms: 5,
          meta: { comparison: f.comparison },
        });
      }
  }
  return out;
}

/** reportInput with the news suite's records added. */
export function reportInputWithNews(blocks: Parameters<typeof recordsFor>[0], datasets: readonly NewsDataset[] = ['cnn_dailymail', 'xsum']): ReportInput {
  const input = reportInput(blocks);
  input.tests.push(...newsRecordsFor(datasets));
  return input;
}
