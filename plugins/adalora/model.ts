import { extraTrainables, layerMergeOps } from '../../src/peft/adapterLayer.ts';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { Rng } from '../../src/engine/random.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { AdapterTrainingState, JsonValue, LayerAdapter } from '../../src/peft/adapter.ts';
import type { AdapterSize, AttachContext } from '../../src/peft/plugin.ts';
import { assignFromStateDict, PEFT_PREFIX, toPeftStateDict } from '../../src/peft/stateDict.ts';
import { findTargets } from '../../src/peft/targets.ts';
import { UserError } from '../../src/util/errors.ts';
import type { AdaLoraConfig } from './config.ts';
import { SvdLinear } from './layer.ts';
import { RankAllocator, type ImportanceAverages, type ParamState, type RankPattern } from './rankAllocator.ts';

/** The attached AdaLoRA adapter, with the allocation state for results and parity checks. */
export interface AdaLoraAdapter extends LayerAdapter<AdaLoraConfig> {
  /** RankAllocator.budget_schedule(step): the rank budget and whether that step masks. */
  budgetSchedule(step: number): { budget: number; maskInd: boolean };
  /** peft's AdaLoraModel.update_and_allocate(global_step); afterOptimizerStep calls it. */
  updateAndAllocate(step: number, grads: ReadonlyMap<string, Tensor>): void;
  /** The kept ranks per module path (after allocation, else the current ranks). */
  rankPerModule(): Record<string, number>;
}

function normal(rng: Rng, shape: [number, number], std: number): Tensor {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
  return tf.tensor2d(v, shape);
}

/** Rows (or, for B, columns) of a saved tensor that a rank pattern keeps. */
function selectRanks(t: Tensor, keep: boolean[], axis: 0 | 1): Tensor {
  const idx = keep.flatMap((k, i) => (k ? [i] : []));
  if (idx.length === 0) return tf.zeros(axis === 0 ? [0, t.shape[1]!] : [t.shape[0]!, 0]);
  return tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32'), axis));
}

/** A rank pattern read back from a checkpoint: null, or kept-triplet flags for known `<path>.lora_E` keys. */
function parseSavedPattern(v: JsonValue | undefined, keys: ReadonlySet<string>, source: string): RankPattern | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new UserError(`${source}: AdaLoRA 'rank_pattern' must be an object or null`);
  const out: RankPattern = {};
  for (const [k, flags] of Object.entries(v)) {
    if (!keys.has(k)) throw new UserError(`${source}: AdaLoRA 'rank_pattern' names '${k}', which this config does not adapt`);
    if (!Array.isArray(flags) || !flags.every((b): b is boolean => typeof b === 'boolean'))
      throw new UserError(`${source}: AdaLoRA 'rank_pattern' entry '${k}' must be a list of true/false`);
    out[k] = flags;
  }
  return out;
}

/**
 * What attachAdaLora allocates: A (r × d_in), E (r) and B (d_out × r) per targeted layer, r being
 * init_r, or the triplets a saved rank_pattern keeps (at most init_r: the parser checks).
 */
export function adaloraAdapterSize(config: AdaLoraConfig, model: LanguageModel): AdapterSize {
  const layers = findTargets(model, config, 'adalora').map((path) => {
    const m = model.getSubmodule(path) as LinearLike;
    const keep = config.rank_pattern?.[`${path}.lora_E`];
    return { features: m.inFeatures + m.outFeatures + 1, kept: keep ? keep.filter(Boolean).length : undefined };
  });
  return {
    fields: [{ field: 'init_r', value: config.init_r, min: 0 }],
    parameters: ([r]) => layers.reduce((s, l) => s + (l.kept ?? r!) * l.features, 0),
  };
}

/** What the AdaLoRA adapter's operations share: the injected layers, the config they update, the allocator. */
interface AdaLoraState {
  model: LanguageModel;
  config: AdaLoraConfig;
  layers: [string, SvdLinear][];
  allocator: RankAllocator;
}

/** Replaces every targeted linear layer by an SvdLinear around it, initialised from `rng`. */
function injectSvdLayers(model: LanguageModel, config: AdaLoraConfig, targets: string[], rng: Rng): [string, SvdLinear][] {
  const layers: [string, SvdLinear][] = [];
  for (const path of targets) {
    const base = model.getSubmodule(path) as LinearLike;
    config.fan_in_fan_out = base.fanInFanOut;
    // A saved pruned adapter (rank_pattern in its config) is rebuilt at its kept ranks; as peft's
    // resize_modules_by_rank_pattern, ranknum keeps the initial rank so the scaling is unchanged.
    const keep = config.rank_pattern?.[`${path}.lora_E`];
    const r = keep ? keep.filter(Boolean).length : config.init_r;
    const ranknum = keep ? (r > 0 ? config.init_r : 0) : r;
    const std = config.init_lora_weights ? 0.02 : 1; // init false keeps torch.randn's N(0, 1)
    const init = { A: normal(rng, [r, base.inFeatures], std), E: normal(rng, [r, 1], std), B: normal(rng, [base.outFeatures, r], std) };
    const layer = new SvdLinear(base, r, ranknum, config.lora_alpha, config.lora_dropout, init);
    model.setSubmodule(path, layer);
    layers.push([path, layer]);
  }
  return layers;
}

function svdParams({ layers }: AdaLoraState): [string, tf.Variable][] {
  return layers
    .filter(([, l]) => !l.merged)
    .flatMap(([path, l]): [string, tf.Variable][] => [
      [`${path}.lora_A`, l.lora_A],
      [`${path}.lora_E`, l.lora_E],
      [`${path}.lora_B`, l.lora_B],
    ]);
}

function trainableParams(s: AdaLoraState): [string, tf.Variable][] {
  return [...svdParams(s), ...extraTrainables(s.model, s.config, s.layers)];
}

const savedName = (n: string) => n.replace('.base_layer.', '.');

function totalStep(config: AdaLoraConfig): number {
  if (config.total_step === null) throw new UserError(`adalora: 'total_step' is unknown: set it in the config or train with a known number of steps`);
  if (config.total_step - config.tfinal - config.tinit <= 0)
    throw new UserError(`adalora: total_step (${config.total_step}) must exceed tinit + tfinal (${config.tinit} + ${config.tfinal}) for the budget schedule`);
  return config.total_step;
}

/** Zeroes the singular values of the triplets a pattern prunes. */
function applyPattern(layers: [string, SvdLinear][], pattern: RankPattern): void {
  for (const [path, l] of layers) {
    const keep = pattern[`${path}.lora_E`];
    // A layer rebuilt at its kept ranks (a loaded pruned adapter) is already what its pattern says.
    if (!keep || l.r === 0 || keep.length !== l.r) continue;
    const e = Float32Array.from(l.lora_E.dataSync());
    keep.forEach((k, i) => {
      if (!k) e[i] = 0;
    });
    tf.tidy(() => l.lora_E.assign(tf.tensor2d(e, [l.r, 1])));
  }
}

function paramStates(s: AdaLoraState, grads: ReadonlyMap<string, Tensor>): Map<string, ParamState> {
  return new Map(svdParams(s).map(([n, v]) => [n, { value: v.dataSync() as Float32Array, grad: grads.get(n)?.dataSync() as Float32Array | undefined }]));
}

/** peft's AdaLoraModel.update_and_allocate(global_step). */
function updateAndAllocate(s: AdaLoraState, step: number, grads: ReadonlyMap<string, Tensor>): void {
  const { config, allocator, layers } = s;
  const total = totalStep(config);
  const end = total - config.tfinal;
  if (step < end) {
    allocator.updateImportance(paramStates(s, grads));
    const [budget, maskInd] = allocator.budgetSchedule(step, total);
    if (maskInd) {
      config.rank_pattern = allocator.maskToBudget(budget);
      applyPattern(layers, config.rank_pattern);
    }
  } else if (step === end) {
    // The final allocation reuses the importance of the previous steps, then forgets it.
    config.rank_pattern = allocator.maskToBudget(allocator.budgetSchedule(step, total)[0]);
    applyPattern(layers, config.rank_pattern);
    allocator.resetImportance();
  } else if (config.rank_pattern) {
    // Masked triplets stay pruned while the last tfinal steps fine-tune the kept ones.
    applyPattern(layers, config.rank_pattern);
  }
}

// Checkpoint names follow peft's RankAllocator attributes (exp_avg_ipt, exp_avg_unc) per parameter.
const AVG_IPT = '.exp_avg_ipt';
const AVG_UNC = '.exp_avg_unc';

function trainingState({ allocator, config }: AdaLoraState): AdapterTrainingState {
  const tensors = new Map<string, Tensor>();
  for (const [name, a] of allocator.importanceAverages()) {
    tensors.set(name + AVG_IPT, tf.tensor1d(a.avgIpt, 'float32'));
    tensors.set(name + AVG_UNC, tf.tensor1d(a.avgUnc, 'float32'));
  }
  // The pattern decides which triplets the remaining steps keep zeroed, and is saved with the adapter.
  return { tensors, values: { rank_pattern: config.rank_pattern } };
}

/** The importance averages of a checkpoint, checked against the parameters they belong to. */
function readImportanceAverages(s: AdaLoraState, state: AdapterTrainingState, source: string): Map<string, ImportanceAverages> {
  const sizes = new Map(svdParams(s).map(([n, v]) => [n, v.size]));
  const averages = new Map<string, ImportanceAverages>();
  for (const [key, t] of state.tensors) {
    const suffix = [AVG_IPT, AVG_UNC].find((x) => key.endsWith(x));
    const name = suffix ? key.slice(0, -suffix.length) : key;
    const size = sizes.get(name);
    if (!suffix || size === undefined) throw new UserError(`${source}: unexpected AdaLoRA training state '${key}' (a checkpoint of a different config?)`);
    if (t.size !== size)
      throw new UserError(`${source}: AdaLoRA training state '${key}' has ${t.size} values, '${name}' has ${size} (a checkpoint of a different config?)`);
    const a = averages.get(name) ?? { avgIpt: new Float32Array(0), avgUnc: new Float32Array(0) };
    a[suffix === AVG_IPT ? 'avgIpt' : 'avgUnc'] = Float32Array.from(t.dataSync());
    averages.set(name, a);
  }
  for (const [name, a] of averages)
    if (a.avgIpt.length !== a.avgUnc.length)
      throw new UserError(`${source}: AdaLoRA training state for '${name}' lacks ${a.avgIpt.length ? AVG_UNC : AVG_IPT}`);
  return averages;
}

function loadTrainingState(s: AdaLoraState, state: AdapterTrainingState, source: string): void {
  const averages = readImportanceAverages(s, state, source);
  s.config.rank_pattern = parseSavedPattern(state.values.rank_pattern, new Set(s.layers.map(([path]) => `${path}.lora_E`)), source);
  s.allocator.loadImportanceAverages(averages);
}

function rankPerModule({ layers, config }: AdaLoraState): Record<string, number> {
  return Object.fromEntries(
    layers.map(([path, l]) => {
      const keep = config.rank_pattern?.[`${path}.lora_E`];
      return [path, keep && keep.length === l.r ? keep.filter(Boolean).length : l.r];
    }),
  );
}

function stateDict(s: AdaLoraState): Map<string, Tensor> {
  const out = toPeftStateDict(trainableParams(s).map(([n, v]) => [savedName(n), v]));
  // As peft's resize_state_dict_by_rank_pattern: a pruned adapter is saved at its kept ranks.
  for (const [path, l] of s.layers) {
    const keep = s.config.rank_pattern?.[`${path}.lora_E`];
    if (!keep || keep.filter(Boolean).length === l.r) continue;
    for (const [name, axis] of [
      ['lora_A', 0],
      ['lora_E', 0],
      ['lora_B', 1],
    ] as const) {
      const key = `${PEFT_PREFIX}${path}.${name}`;
      const full = out.get(key)!;
      out.set(key, selectRanks(full, keep, axis));
      full.dispose();
    }
  }
  return out;
}

function extraLoss({ config, layers }: AdaLoraState): Tensor | undefined {
  // peft 0.10 only has a trainable adapter's penalty (an inference-mode model cannot compute it).
  if (config.inference_mode) return undefined;
  if (config.orth_reg_weight <= 0) throw new UserError(`adalora: 'orth_reg_weight' must be > 0 (peft raises too), got ${config.orth_reg_weight}`);
  if (!layers.length) return undefined;
  // Summed in peft's named_parameters order (per module: A, then B), then averaged over matrices.
  return tf.tidy(() => {
    let sum: Tensor = tf.scalar(0);
    for (const [, l] of layers) for (const n of l.orthogonalityNorms()) sum = tf.add(sum, n);
    return tf.mul(tf.div(sum, 2 * layers.length), config.orth_reg_weight);
  });
}

/** Injects AdaLoRA (SVD-form LoRA with rank allocation) into every targeted linear layer. */
export function attachAdaLora(model: LanguageModel, config: AdaLoraConfig, ctx: AttachContext): AdaLoraAdapter {
  const targets = findTargets(model, config, 'adalora');
  // peft needs total_step before training; the training plan knows it, an explicit value wins.
  if (config.total_step === null && ctx.totalSteps !== undefined) config.total_step = ctx.totalSteps;
  const layers = injectSvdLayers(model, config, targets, new Rng(ctx.seed));
  for (const [, p] of model.namedParameters()) p.trainable = false;
  const allocator = new RankAllocator(
    config,
    layers.map(([path, l]) => ({ path, r: l.r, inFeatures: l.inFeatures, outFeatures: l.outFeatures })),
  );
  const s: AdaLoraState = { model, config, layers, allocator };
  const trainable = () => trainableParams(s);
  for (const [, p] of trainable()) p.trainable = true;
  return {
    kind: 'layer',
    config,
    trainableParameters: trainable,
    stateDict: () => stateDict(s),
    loadStateDict: (tensors, source) =>
      assignFromStateDict(
        trainable().map(([n, v]) => [savedName(n), v]),
        tensors,
        source,
      ),
    extraLoss: () => extraLoss(s),
    afterOptimizerStep(step, grads) {
      if (!config.inference_mode) updateAndAllocate(s, step, grads);
    },
    trainingState: () => trainingState(s),
    loadTrainingState: (state, source) => loadTrainingState(s, state, source),
    updateAndAllocate: (step, grads) => updateAndAllocate(s, step, grads),
    budgetSchedule(step) {
      const [budget, maskInd] = allocator.budgetSchedule(step, totalStep(config));
      return { budget, maskInd };
    },
    rankPerModule: () => rankPerModule(s),
    ...layerMergeOps(model, layers),
    summary: () => {
      const ranks = rankPerModule(s);
      return {
        target_modules: targets,
        rank_pattern: ranks,
        total_rank: Object.values(ranks).reduce((x, r) => x + r, 0),
        init_budget: allocator.initBudget,
        target_budget: allocator.targetBudget,
      };
    },
  };
}
