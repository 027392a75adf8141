import { tf } from '../engine/tf.ts';
import { Module } from '../models/module.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { ModelInput, ModelOutput } from '../models/outputs.ts';
import type { Adapter } from './adapter.ts';
import type { PeftPlugin } from './plugin.ts';

export interface ParamCounts {
  trainable_params: number;
  all_params: number;
  trainable_percent: number;
}

/**
 * A base model with one PEFT method attached (peft's PeftModel). It is itself a LanguageModel, so
 * the trainer, generation and the CLI use it exactly like a plain model.
 */
export class PeftModel extends Module implements LanguageModel {
  constructor(
    readonly base: LanguageModel,
    readonly plugin: PeftPlugin,
    readonly adapter: Adapter,
  ) {
    super();
    this.registerModule('base_model', base);
    base.eval();
  }

  get modelType(): string {
    return this.base.modelType;
  }
  get isEncoderDecoder(): boolean {
    return this.base.isEncoderDecoder;
  }
  get vocabSize(): number {
    return this.base.vocabSize;
  }
  get config(): object {
    return this.base.config;
  }

  /** The base model's names: the trainer's parameter names are the base tree's. */
  noDecayParameterNames(): string[] {
    return this.base.noDecayParameterNames();
  }

  forward(input: ModelInput): ModelOutput {
    const out = this.adapter.kind === 'prompt' ? this.adapter.forward(this.base, input) : this.base.forward(input);
    if (out.loss && this.adapter.extraLoss) {
      const extra = this.adapter.extraLoss();
      if (extra) out.loss = tf.add(out.loss, extra);
    }
    return out;
  }

  /** The variables the optimizer updates, by name. */
  trainableParameters(): [string, tf.Variable][] {
    if (this.adapter.trainsBaseParameters) return [...this.base.namedParameters(), ...this.adapter.trainableParameters()];
    return this.adapter.trainableParameters();
  }

  /** peft's print_trainable_parameters numbers. */
  paramCounts(): ParamCounts {
    const c = this.adapter.countParameters?.(this.base) ?? this.defaultCounts();
    return { trainable_params: c.trainable, all_params: c.all, trainable_percent: (100 * c.trainable) / c.all };
  }

  /** Injected layers live inside the base tree; prompt encoders live beside it: count each once. */
  private defaultCounts(): { trainable: number; all: number } {
    const inTree = new Set(this.base.namedParameters().map(([, p]) => p));
    const outside = this.adapter.trainableParameters().filter(([, p]) => !inTree.has(p));
    return {
      trainable: this.trainableParameters().reduce((s, [, p]) => s + p.size, 0),
      all: this.base.numParameters() + outside.reduce((s, [, p]) => s + p.size, 0),
    };
  }

  /** The line peft prints, for logs. */
  paramCountsLine(): string {
    const c = this.paramCounts();
    const f = (n: number) => n.toLocaleString('en-US');
    return `trainable params: ${f(c.trainable_params)} || all params: ${f(c.all_params)} || trainable%: ${c.trainable_percent}`;
  }

  override train(on = true): this {
    super.train(on);
    return this;
  }

  override dispose(): void {
    this.adapter.dispose();
    this.base.dispose();
  }
}
