/**
 * The methods `peft-lab bench train --method` takes: every registered plugin that declares a
 * trainBenchCase, attached to a benchmark model as its setting for that model's type says.
 */
import { UserError } from '../src/util/errors.ts';
import { getPeftModel } from '../src/peft/getPeftModel.ts';
import { listPlugins } from '../src/peft/plugin.ts';
import type { TrainBenchCase, TrainBenchSetting } from '../src/peft/benchCase.ts';
import type { PeftModel } from '../src/peft/peftModel.ts';
import { MODEL_FAMILIES, type LanguageModel, type ModelFamilyName } from '../src/models/registry.ts';

/** A registered method whose plugin declares a training step to time, with that step. */
export interface BenchMethod {
  name: string;
  /** Full fine-tuning, whose step is the slowest. */
  isBaseline: boolean;
  bench: TrainBenchCase;
}

/** The methods `bench train --method` accepts, in registration order. */
export function benchMethods(): BenchMethod[] {
  return listPlugins().flatMap((p) => (p.trainBenchCase ? [{ name: p.name, isBaseline: p.isBaseline, bench: p.trainBenchCase }] : []));
}

/** The bench method called `name`; the error lists the valid ones as `--method` takes them. */
export function benchMethod(name: string): BenchMethod {
  const methods = benchMethods();
  const m = methods.find((x) => x.name === name);
  if (!m) throw new UserError(`bench: --method must be one of ${methods.map((x) => x.name).join(', ')}, got '${name}'`);
  return m;
}

/** Method `m`'s setting on a model of `modelType`; the error names the methods that have one. */
export function benchSetting(m: BenchMethod, modelType: ModelFamilyName, methods: readonly BenchMethod[] = benchMethods()): TrainBenchSetting {
  const setting = m.bench[modelType];
  if (setting) return setting;
  const valid = methods.filter((x) => x.bench[modelType]).map((x) => x.name);
  throw new UserError(`bench: --method ${m.name} has no ${modelType} setting; valid with --model-type ${modelType}: ${valid.join(', ') || 'none'}`);
}

/** The model type of a benchmark model, as the trainBenchCase settings are keyed. */
function benchModelType(model: LanguageModel): ModelFamilyName {
  const t = MODEL_FAMILIES.find((f) => f === model.modelType);
  if (!t) throw new Error(`bench: no bench settings for model type '${model.modelType}'`);
  return t;
}

/** The measured setup: method `name` (one of benchMethods()) attached as its setting for the model's type says. */
export function applyBenchMethod(model: LanguageModel, name: string): { peft: PeftModel; note: string } {
  const setting = benchSetting(benchMethod(name), benchModelType(model));
  return { peft: getPeftModel(model, name, { ...setting.peft_config }, { seed: 0 }), note: setting.note };
}
