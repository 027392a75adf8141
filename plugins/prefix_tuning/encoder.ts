import type { Tensor } from '../../src/engine/tf.ts';
import type { Rng } from '../../src/engine/random.ts';
import type { Embedding } from '../../src/models/linear.ts';
import { Module } from '../../src/models/module.ts';
import type { PromptEncoderModule } from '../prompt_tuning/adapter.ts';
import { normalEmbedding, Sequential, tanh, torchLinear } from '../prompt_tuning/encoderLayers.ts';
import type { PrefixTuningConfig } from './config.ts';

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
