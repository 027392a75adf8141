/**
 * The experiments of one suite block (a task on one base model family), run lazily and once: the
 * untuned baseline, then each method case on demand. The block's tests share one instance, so later
 * tests reuse earlier outcomes, and a test run alone computes (or reads from the cache) what it needs.
 */
import type { Task } from '../../src/data/index.ts';
import { resolveBaseModel, type BaseModel, type ModelFamilyName } from '../../src/experiment/baseModels.ts';
import { blockCaseSpec, blockCases, casePeftConfig, type BlockPlan } from '../../src/experiment/blockSpec.ts';
import type { MethodCase } from '../../src/experiment/methods.ts';
import type { Profile } from '../../src/experiment/profile.ts';
import { runExperiment, type ExperimentOutcome, type ExperimentRunSpec } from '../../src/experiment/run.ts';
import { listPlugins } from '../../src/peft/plugin.ts';

export { BLOCK_SEED as SEED } from '../../src/experiment/blockSpec.ts';

/** Whether the method's plugin is registered (the suite registers them all at its start). */
export function registered(method: string): boolean {
  return listPlugins().some((p) => p.name === method);
}

export interface BlockSettings {
  task: Task;
  family: ModelFamilyName;
  profile: Profile;
  /** Ignore cached results (PEFT_FRESH). */
  fresh: boolean;
  dataDir: string | null;
  /** The block's data, training budget and decoding length (mainPlan for the task's main block). */
  plan: BlockPlan;
}

export class FamilyRuns {
  readonly cases: MethodCase[];
  /** The specs of the cases run so far, by case. */
  readonly specs = new Map<string, ExperimentRunSpec>();
  private readonly outcomes = new Map<string, ExperimentOutcome>();
  private modelP: Promise<BaseModel> | undefined;
  private baselineP: Promise<ExperimentOutcome> | undefined;

  constructor(readonly settings: BlockSettings) {
    this.cases = blockCases(settings.task, settings.family, settings.profile, settings.plan);
  }

  baseModel(): Promise<BaseModel> {
    const { family, task, profile, dataDir } = this.settings;
    return (this.modelP ??= resolveBaseModel(family, task, profile, { dataDir }));
  }

  /** The run spec of a method case (`undefined`: the untuned base); `order` places it in the report. */
  async specFor(c: MethodCase | undefined, order: number): Promise<ExperimentRunSpec> {
    const model = await this.baseModel();
    return blockCaseSpec({ ...this.settings, c, order, model, peftConfig: casePeftConfig(c, model) });
  }

  /** The untuned base model's outcome (the floor every case is compared with). */
  baseline(): Promise<ExperimentOutcome> {
    return (this.baselineP ??= this.specFor(undefined, 0).then((s) => runExperiment(s, { fresh: this.settings.fresh })));
  }

  async outcomeOf(c: MethodCase, order: number): Promise<ExperimentOutcome> {
    const known = this.outcomes.get(c.case);
    if (known) return known;
    const spec = await this.specFor(c, order);
    const o = await runExperiment(spec, { fresh: this.settings.fresh, baseline: await this.baseline() });
    this.specs.set(c.case, spec);
    this.outcomes.set(c.case, o);
    return o;
  }

  /** Each case whose method is registered, with its outcome and order, run one after another. */
  async registeredOutcomes(): Promise<[MethodCase, ExperimentOutcome, number][]> {
    const ran: [MethodCase, ExperimentOutcome, number][] = [];
    for (const [i, c] of this.cases.entries()) if (registered(c.method)) ran.push([c, await this.outcomeOf(c, i + 1), i + 1]);
    return ran;
  }
}
