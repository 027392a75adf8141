/**
 * The experiment suite every task and base model's file defines: one `describe`, the untuned base as
 * the floor, one test per method and grid point (attaching its ExperimentResult to the test's meta
 * for the REPORT.md reporter), then the paired comparisons against LoRA r=8 and full fine-tuning and
 * the decoding-strategy comparison on the best adapters.
 *
 * Tests of one file run in order in one worker, so the block's later tests reuse the earlier
 * outcomes; each also works alone (a filtered run recomputes or reads what it needs from the cache).
 */
import { describe, expect, it, type TestContext } from 'vitest';
import type { Task } from '../../src/data/index.ts';
import type { ModelFamilyName } from '../../src/experiment/baseModels.ts';
import { experimentDataDir } from '../../src/experiment/taskCorpus.ts';
import { compareDecoding, decodingStrategies } from '../../src/experiment/decoding.ts';
import { referenceCases } from '../../src/experiment/methods.ts';
import { freshFromEnv, profileFromEnv } from '../../src/experiment/profile.ts';
import type { DecodingRow, ExperimentResult, Significance } from '../../src/experiment/results.ts';
import { selectTestExamples, type ExperimentOutcome } from '../../src/experiment/run.ts';
import { mainPlan } from '../../src/experiment/blockSpec.ts';
import { compareOnMainMetric, isSignificantlyBetter } from '../../src/experiment/significance.ts';
import { registerAllPlugins } from '../../plugins/index.ts';
import '../../src/report/taskMeta.ts';
import { FamilyRuns, registered, SEED } from './familyRuns.ts';
import { thresholdFor, thresholdProfile, type MethodThreshold, type SuiteThresholds } from './thresholds.ts';

// A suite is a program's start: its methods are registered here, so listPlugins() sees them.
registerAllPlugins();

/** The test whose meta carries the result to the report. */
type TestTask = TestContext['task'];

/**
 * The block of `task` on one base model, in a file of its own (suites/<task>/<family>.test.ts): a
 * block is the unit `vitest --shard` spreads over machines and sessions, and one block fits a session.
 */
export function defineExperimentSuite(task: Task, family: ModelFamilyName, thresholds: SuiteThresholds): void {
  const profile = profileFromEnv();
  const fresh = freshFromEnv();
  const dataDir = experimentDataDir();

  describe(`${task} · ${family}`, () => {
    const runs = new FamilyRuns({ task, family, profile, fresh, dataDir, plan: mainPlan(task, profile, dataDir) });
    defineBlockTests(runs, thresholds, { decoding: true });
  });
}

/**
 * The tests of one block, inside its `describe`: the untuned base, one test per method case, the paired
 * comparisons and (with `decoding`) the decoding-strategy comparison.
 */
export function defineBlockTests(runs: FamilyRuns, thresholds: SuiteThresholds, opts: { decoding: boolean }): void {
  const { task, family, profile, plan } = runs.settings;
  const timeout = profile.test_timeout_s * 1000;
  it(
    'untuned base model (the floor)',
    async ({ task: t }) => {
      const b = await runs.baseline();
      t.meta.peftLab = { experiment: b.result };
      assertSound(b.result);
      expect(b.result.params.trainable).toBe(0);
    },
    timeout,
  );

  for (const c of runs.cases.map((x, i) => ({ ...x, order: i + 1 })))
    it(
      c.label,
      async ({ task: t, skip }) => {
        if (!registered(c.method)) {
          const reason = `method '${c.method}' is not registered (plugins/index.ts); nothing was run`;
          const id = `${task}/${family}/${plan.block ? `${plan.block.id}/` : ''}${c.case}`;
          t.meta.peftLab = {
            skipped: { id, task, order: c.order, method: c.method, label: c.label, model_family: family, reason, ...(plan.block ? { block: plan.block } : {}) },
          };
          skip(reason);
        }
        const r = (await runs.outcomeOf(c, c.order)).result;
        t.meta.peftLab = { experiment: r };
        const profileName = thresholdProfile(profile.name, r.model.random_init);
        assertMethodResult(r, thresholdFor(thresholds, profileName, { family, method: c.method, caseId: c.case, gridPoint: c.grid_point === true }));
      },
      timeout,
    );

  it('significance against LoRA r=8 and full fine-tuning', ({ task: t }) => compareWithReferences(runs, t), timeout);

  if (opts.decoding) it('decoding strategies on the best adapters', ({ task: t }) => compareDecodingOfBest(runs, t), timeout);
}

function assertSound(r: ExperimentResult): void {
  for (const [name, s] of Object.entries(r.quality)) {
    expect(Number.isFinite(s.score), `${name} is finite`).toBe(true);
    expect(s.low, `${name} interval`).toBeLessThanOrEqual(s.high);
  }
  expect(r.errors.outputs).toBe(r.data.test_examples);
}

/** What a trained method case must show: sound training, the expected parameters, and the thresholds' gains. */
function assertMethodResult(r: ExperimentResult, th: MethodThreshold): void {
  assertSound(r);
  // No NaN anywhere in training.
  expect(r.training!.stability.non_finite).toBe(0);
  expect(Number.isFinite(r.training!.final_loss)).toBe(true);
  // The held-out loss fell (by at least the measured margin), or at least did not rise by more
  // than 5% where the thresholds file says the method cannot move it at this budget.
  const before = r.training!.eval_loss_before!;
  const after = r.training!.eval_loss!;
  expect(Number.isFinite(before) && Number.isFinite(after), 'held-out loss before and after training').toBe(true);
  const drop = 1 - after / before;
  if (th.minLossDrop === null) expect(drop, `held-out loss ${before} → ${after} did not rise by over 5%`).toBeGreaterThanOrEqual(-0.05);
  else expect(drop, `held-out loss ${before} → ${after} fell by more than ${100 * th.minLossDrop}%`).toBeGreaterThan(th.minLossDrop);
  // Trainable parameters are what the method's formula says, and the percentage is theirs.
  if (r.params.expected_trainable !== null) expect(r.params.trainable, r.params.formula).toBe(r.params.expected_trainable);
  expect(r.params.percent).toBeCloseTo((100 * r.params.trainable) / r.params.all, 10);
  // Better than the untuned base on the main metric, significantly.
  if (th.beatsBase) expect(isSignificantlyBetter(r.vs_base!), `beats the untuned base: ${JSON.stringify(r.vs_base)}`).toBe(true);
  // Collapsed outputs are a failure, whatever the metric says.
  if (th.maxDegenerateRate !== null)
    expect(r.degeneration.degenerate_rate, `degenerate outputs: ${JSON.stringify(r.degeneration)}`).toBeLessThan(th.maxDegenerateRate);
}

/** Paired significance of every case against each reference case the plugins mark (LoRA r=8, full fine-tuning), on the main metric. */
async function compareWithReferences(runs: FamilyRuns, t: TestTask): Promise<void> {
  const { task, family, profile } = runs.settings;
  const ran = (await runs.registeredOutcomes()).map(([c, o]) => [c, o] as const);
  const against: Record<string, Record<string, Significance>> = {};
  for (const { case: refCase } of referenceCases(ran.map(([c]) => c))) {
    const ref = ran.find(([c]) => c.case === refCase)!;
    const refResult = ref[1].result;
    const row: Record<string, Significance> = {};
    for (const [c, o] of ran) {
      if (c.case === refCase) continue;
      row[o.result.id] = compareOnMainMetric(
        task,
        { name: refResult.label, hypotheses: ref[1].predictions, main: refResult.quality[refResult.main_metric] },
        { name: o.result.label, hypotheses: o.predictions, main: o.result.quality[o.result.main_metric] },
        o.references,
        profile.bootstrap_samples,
      );
    }
    against[refResult.id] = row;
  }
  const block = runs.settings.plan.block;
  t.meta.peftLab = {
    comparison: { task, model_family: family, ...(block ? { block } : {}), metric: ran[0]?.[1].result.main_metric ?? 'chrf', against },
  };
  expect(Object.keys(against).length).toBeGreaterThan(0);
  for (const row of Object.values(against))
    for (const s of Object.values(row)) {
      expect(s.p_value).toBeGreaterThan(0);
      expect(s.p_value).toBeLessThanOrEqual(1);
    }
}

/** Every setting of decodingStrategies (the main tables' own, greedy and its two repetition guards, beam, sampling) on the adapters with the best main metric. */
async function compareDecodingOfBest(runs: FamilyRuns, t: TestTask): Promise<void> {
  const { task, family, profile } = runs.settings;
  const ran = await runs.registeredOutcomes();
  const score = (o: ExperimentOutcome) => o.result.quality[o.result.main_metric].score;
  const best = [...ran].sort((a, b) => score(b[1]) - score(a[1]) || a[2] - b[2]).slice(0, profile.decoding_top);
  const rows: DecodingRow[] = [];
  let settings = 0;
  for (const [c, o, order] of best) {
    const spec = runs.specs.get(c.case) ?? (await runs.specFor(c, order));
    const strategies = decodingStrategies(spec.decoding, SEED);
    settings += strategies.length;
    const n = Math.min(profile.decoding_examples, o.references.length);
    const test = (await selectTestExamples(spec.data)).examples.slice(0, n);
    rows.push(
      ...compareDecoding(task, {
        spec,
        outcome: o,
        sources: test.map((e) => e.source),
        references: test.map((e) => e.target),
        strategies,
        batchSize: profile.generation_batch_size,
        bootstrapSamples: profile.bootstrap_samples,
      }),
    );
  }
  t.meta.peftLab = {
    decoding: { task, model_family: family, metric: best[0]?.[1].result.main_metric ?? 'chrf', rows },
  };
  expect(rows.length).toBe(settings);
  expect(rows.filter((r) => r.main_decoding).length).toBe(best.length);
  for (const r of rows) {
    expect(Number.isFinite(r.main.score)).toBe(true);
    expect(r.tokens_per_s).toBeGreaterThan(0);
  }
}
