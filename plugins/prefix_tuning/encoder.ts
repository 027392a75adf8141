import type { Tensor } from '../../src/engine/tf.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { AdapterSize, SizeField } from '../../src/peft/plugin.ts';
import type { Rng } from '../../src/engine/random.ts';
import type { Embedding } from '../../src/models/linear.ts';
import { Module } from '../../src/models/module.ts';
import type { PromptEncoderModule } from '../../src/peft/promptLearning/adapter.ts';
import { normalEmbedding, Sequential, tanh, torchLinear } from '../../src/peft/promptLearning/encoderLayers.ts';
import { linearParameters, virtualTokensField } from '../../src/peft/promptLearning/config.ts';
import { attentionLayout, type PrefixTuningConfig } from './config.ts';

/**
 * peft 0.10's PrefixEncoder: the flat past_key_values table [num_virtual_tokens, num_layers·2·token_dim],
 * either learned directly or, with prefix_projection, produced by
 * Embedding(nvt, d) → Linear(d, encoder_hidden_size) → Tanh → Linear(encoder_hidden_size, num_layers·2·d).
 */
export class PrefixEncoder extends Module implements PromptEncoderModule {
  readonly embedding: Embedding;
  readonly transform?: Sequential;

  constructor(config: PrefixTuningConfig, rng: Rng) {
    super();
    const { num_virtual_tokens: n, token_dim: d, num_layers: L, encoder_hidden_size: h } = config;
    if (config.prefix_projection) {
      this.embedding = this.registerModule('embedding', normalEmbedding(rng, n, d));
      this.transform = this.registerModule('transform', new Sequential([torchLinear(rng, d, h), tanh(), torchLinear(rng, h, L * 2 * d)]));
    } else {
      this.embedding = this.registerModule('embedding', normalEmbedding(rng, n, L * 2 * d));
    }
  }

  output(): Tensor {
    return this.transform ? this.transform.forward(this.embedding.weight) : this.embedding.weight;
  }
}

/**
 * What attachPrefixTuning allocates: the flat table [nvt, num_layers·2·d], or, when training with
 * prefix_projection, the embedding [nvt, d] and the projection MLP that makes that table.
 */
export function prefixAdapterSize(config: PrefixTuningConfig, model: LanguageModel): AdapterSize {
  const d = config.token_dim;
  const nvt = virtualTokensField(config);
  // num_layers may exceed the layers that read a prefix (the parser checks it is not less).
  const fields: SizeField[] = [nvt, { field: 'num_layers', value: config.num_layers, min: attentionLayout(model).layers }];
  if (!config.prefix_projection || config.inference_mode) return { fields, virtualTokens: nvt, parameters: ([n, L]) => n! * L! * 2 * d };
  fields.push({ field: 'encoder_hidden_size', value: config.encoder_hidden_size, min: 1 });
  return {
    fields,
    virtualTokens: nvt,
    parameters: ([n, L, h]) => n! * d + linearParameters(d, h!) + linearParameters(h!, L! * 2 * d),
  };
}
