import { extraTrainables, layerMergeOps } from '../../src/peft/adapterLayer.ts';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { Rng } from '../../src/engine/random.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { LayerAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { assignFromStateDict, toPeftStateDict } from '../../src/peft/stateDict.ts';
import { findTargets } from '../../src/peft/targets.ts';
import { isFeedforward, type IA3Config } from './config.ts';
import { Ia3Linear } from './layer.ts';

function initVector(shape: [number, number], ones: boolean, rng: Rng): Tensor {
  if (ones) return tf.ones(shape);
  // init_ia3_weights=false keeps torch.randn's N(0, 1) draw.
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return tf.tensor2d(v, shape);
}

/** Injects (IA)³ vectors into every targeted linear layer and returns the attached adapter. */
export function attachIa3(model: LanguageModel, config: IA3Config, ctx: AttachContext): LayerAdapter<IA3Config> {
  const targets = findTargets(model, config, 'ia3');
  const rng = new Rng(ctx.seed);
  const layers: [string, Ia3Linear][] = [];
  for (const path of targets) {
    const base = model.getSubmodule(path) as LinearLike;
    // peft forces fan_in_fan_out for Conv1D (and back to false for nn.Linear), and saves what it forced.
    config.fan_in_fan_out = base.fanInFanOut;
    const ff = isFeedforward(config, path);
    const shape: [number, number] = ff ? [1, base.inFeatures] : [base.outFeatures, 1];
    const layer = new Ia3Linear(base, ff, initVector(shape, config.init_ia3_weights, rng));
    model.setSubmodule(path, layer);
    layers.push([path, layer]);
  }
  for (const [, p] of model.namedParameters()) p.trainable = false;

  const trainable = (): [string, tf.Variable][] => [
    ...layers.filter(([, l]) => !l.merged).map(([path, l]): [string, tf.Variable] => [`${path}.ia3_l`, l.ia3_l]),
    ...extraTrainables(model, { modules_to_save: config.modules_to_save }, layers),
  ];
  for (const [, p] of trainable()) p.trainable = true;

  return {
    kind: 'layer',
    config,
    trainableParameters: trainable,
    stateDict: () => toPeftStateDict(trainable()),
    loadStateDict: (tensors, source) => assignFromStateDict(trainable(), tensors, source),
    ...layerMergeOps(model, layers),
    summary: () => ({
      target_modules: targets,
      feedforward_modules: layers.filter(([, l]) => l.isFeedforward).map(([p]) => p),
    }),
  };
}
