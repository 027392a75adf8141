import { tf, type Tensor } from '../engine/tf.ts';
import { Module } from '../models/module.ts';
import type { LinearLike } from '../models/linear.ts';

/**
 * What every layer-injecting method (LoRA, AdaLoRA, IA³, QLoRA) wraps around a projection: the
 * original layer as `base_layer` (peft's name, so saved and in-memory paths line up), the layer's
 * shape, and a merged flag. Subclasses give the adapter math.
 */
export abstract class AdapterLayer extends Module implements LinearLike {
  merged = false;

  constructor(readonly base_layer: LinearLike) {
    super();
    this.registerModule('base_layer', base_layer);
  }

  get inFeatures(): number {
    return this.base_layer.inFeatures;
  }
  get outFeatures(): number {
    return this.base_layer.outFeatures;
  }
  get fanInFanOut(): boolean {
    return this.base_layer.fanInFanOut;
  }

  abstract forward(x: Tensor): Tensor;
  abstract weightOutIn(): Tensor;
  abstract merge(): void;
  abstract unmerge(): void;
  /** Frees the adapter's own tensors (the base layer stays). */
  abstract disposeAdapter(): void;
}

/**
 * The merge operations every layer method offers on its wrapped layers; mergeAndUnload puts the
 * (merged) base layers back in the model, as peft's merge_and_unload.
 */
export function layerMergeOps(model: Module, layers: [string, AdapterLayer][]) {
  return {
    merge: () => layers.forEach(([, l]) => l.merge()),
    unmerge: () => layers.forEach(([, l]) => l.unmerge()),
    mergeAndUnload(): void {
      for (const [path, l] of layers) {
        l.merge();
        model.setSubmodule(path, l.base_layer);
        l.disposeAdapter();
      }
      layers.length = 0;
    },
    dispose: () => layers.forEach(([, l]) => l.disposeAdapter()),
  };
}

/**
 * Base parameters a layer method trains besides its adapters: biases (peft's `bias` = "all" or
 * "lora_only") and `modules_to_save`.
 */
export function extraTrainables(
  model: Module,
  config: { bias?: 'none' | 'all' | 'lora_only'; modules_to_save?: string[] | null },
  layers: [string, AdapterLayer][],
): [string, tf.Variable][] {
  const out: [string, tf.Variable][] = [];
  if (config.bias && config.bias !== 'none') {
    const biases = model.namedParameters().filter(([n]) => n.endsWith('.bias'));
    out.push(...(config.bias === 'all' ? biases : biases.filter(([n]) => layers.some(([p]) => n === `${p}.base_layer.bias`))));
  }
  for (const m of config.modules_to_save ?? []) out.push(...model.namedParameters().filter(([n]) => n.startsWith(`${m}.`) || n.includes(`.${m}.`)));
  return out;
}

/** Adapters whose effect is an additive weight update ΔW (LoRA, AdaLoRA): merging is W ± ΔW. */
export abstract class DeltaAdapterLayer extends AdapterLayer {
  /** ΔW in nn.Linear layout [out, in]. */
  abstract deltaWeight(): Tensor;

  weightOutIn(): Tensor {
    return tf.tidy(() => {
      const w = this.base_layer.weightOutIn();
      return this.merged ? w : tf.add(w, this.deltaWeight());
    });
  }

  /** GPT-2's Conv1D stores [in, out]: there the update is added transposed (peft's fan_in_fan_out). */
  private applyDelta(sign: 1 | -1): void {
    const w = (this.base_layer as unknown as { weight: tf.Variable }).weight;
    tf.tidy(() => {
      const d = this.deltaWeight();
      w.assign(tf.add(w, tf.mul(this.fanInFanOut ? d.transpose() : d, sign)));
    });
  }

  merge(): void {
    if (this.merged) return;
    this.applyDelta(1);
    this.merged = true;
  }

  unmerge(): void {
    if (!this.merged) return;
    this.applyDelta(-1);
    this.merged = false;
  }
}
