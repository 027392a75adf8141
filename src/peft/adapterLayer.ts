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
