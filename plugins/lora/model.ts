import { tf, type Tensor } from '../../src/engine/tf.ts';
import { Rng } from '../../src/engine/random.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { LayerAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { assignFromStateDict, toPeftStateDict } from '../../src/peft/stateDict.ts';
import { findTargets } from '../../src/peft/targets.ts';
import { extraTrainables, layerMergeOps } from '../../src/peft/adapterLayer.ts';
import type { LoraConfig } from './config.ts';
import { kaimingUniform, LoraLinear, normal } from './layer.ts';

/** peft's per-module r / alpha: the first rank_pattern / alpha_pattern key that ends the module path. */
export function patternValue(patterns: Record<string, number>, order: string[], key: string, dflt: number): number {
  const hit = order.find((p) => new RegExp(`^.*\\.${p}$`).test(key));
  return hit !== undefined && patterns[hit] !== undefined ? patterns[hit]! : dflt;
}

/** Injects LoRA into every targeted linear layer and returns the attached adapter. */
export function attachLora(model: LanguageModel, config: LoraConfig, ctx: AttachContext): LayerAdapter<LoraConfig> {
  const targets = findTargets(model, config, 'lora');
  const rng = new Rng(ctx.seed);
  const layers: [string, LoraLinear][] = [];
  const patternKeys = [...Object.keys(config.rank_pattern), ...Object.keys(config.alpha_pattern)];
  for (const path of targets) {
    const base = model.getSubmodule(path) as LinearLike;
    // peft forces fan_in_fan_out for Conv1D (and records it in the saved config).
    if (base.fanInFanOut) config.fan_in_fan_out = true;
    const r = patternValue(config.rank_pattern, patternKeys, path, config.r);
    const alpha = patternValue(config.alpha_pattern, patternKeys, path, config.lora_alpha);
    const scaling = config.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
    let A: Tensor, B: Tensor;
    if (config.init_lora_weights === 'gaussian') {
      A = normal(rng, [r, base.inFeatures], 1 / r);
      B = tf.zeros([base.outFeatures, r]);
    } else {
      A = kaimingUniform(rng, r, base.inFeatures);
      // init_lora_weights=false keeps nn.Linear's random init for B too (outputs change at once).
      B = config.init_lora_weights ? tf.zeros([base.outFeatures, r]) : kaimingUniform(rng, base.outFeatures, r);
    }
    const layer = new LoraLinear(base, r, scaling, config.lora_dropout, { A, B });
    model.setSubmodule(path, layer);
    layers.push([path, layer]);
  }
  for (const [, p] of model.namedParameters()) p.trainable = false;

  const trainable = (): [string, tf.Variable][] => {
    const out: [string, tf.Variable][] = [];
    for (const [path, l] of layers) {
      if (l.merged) continue;
      out.push([`${path}.lora_A.weight`, l.lora_A.weight], [`${path}.lora_B.weight`, l.lora_B.weight]);
    }
    return [...out, ...extraTrainables(model, config, layers)];
  };
  for (const [, p] of trainable()) p.trainable = true;
  /** Bias of a wrapped layer is stored by peft under the module's own path (no `base_layer`). */
  const savedName = (n: string) => n.replace('.base_layer.', '.');

  return {
    kind: 'layer',
    config,
    trainableParameters: trainable,
    stateDict: () => toPeftStateDict(trainable().map(([n, v]) => [savedName(n), v])),
    loadStateDict: (tensors, source) =>
      assignFromStateDict(
        trainable().map(([n, v]) => [savedName(n), v]),
        tensors,
        source,
      ),
    ...layerMergeOps(model, layers),
    summary: () => ({ target_modules: targets }),
  };
}
