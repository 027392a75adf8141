import type { Tensor } from '../../src/engine/tf.ts';
import type { Rng } from '../../src/engine/random.ts';
import type { Embedding } from '../../src/models/linear.ts';
import { Module } from '../../src/models/module.ts';
import type { PromptEncoderModule } from '../prompt_tuning/adapter.ts';
import { normalEmbedding, relu, Sequential, torchLinear } from '../prompt_tuning/encoderLayers.ts';
import { totalVirtualTokens } from '../prompt_tuning/learningConfig.ts';
import type { PromptEncoderConfig } from './config.ts';
import { BiLSTM } from './lstm.ts';

/**
 * peft 0.10's PromptEncoder (P-tuning, Liu et al., 2021): an embedding per virtual token, then
 * MLP: Linear(d, h) → ReLU → Linear(h, h) → ReLU → Linear(h, d) on each token independently, or
 * LSTM: a bidirectional LSTM over the virtual-token sequence → Linear(2h, 2h) → ReLU → Linear(2h, d).
 * All num_virtual_tokens × num_transformer_submodules rows go through the encoder (the LSTM sees
 * the whole sequence), as peft does; the forward then uses the first num_virtual_tokens.
 */
export class PromptEncoder extends Module implements PromptEncoderModule {
  readonly embedding: Embedding;
  readonly mlp_head: Sequential;
  readonly lstm_head?: BiLSTM;

  constructor(config: PromptEncoderConfig, rng: Rng) {
    super();
    const d = config.token_dim;
    const h = config.encoder_hidden_size;
    this.embedding = this.registerModule('embedding', normalEmbedding(rng, totalVirtualTokens(config), d));
    if (config.encoder_reparameterization_type === 'LSTM') {
      this.lstm_head = this.registerModule('lstm_head', new BiLSTM(rng, d, h, config.encoder_num_layers, config.encoder_dropout));
      this.mlp_head = this.registerModule('mlp_head', new Sequential([torchLinear(rng, 2 * h, 2 * h), relu(), torchLinear(rng, 2 * h, d)]));
    } else {
      this.mlp_head = this.registerModule(
        'mlp_head',
        new Sequential([torchLinear(rng, d, h), relu(), torchLinear(rng, h, h), relu(), torchLinear(rng, h, d)]),
      );
    }
  }

  output(training = false): Tensor {
    const x = this.embedding.weight;
    return this.mlp_head.forward(this.lstm_head ? this.lstm_head.forward(x, training) : x);
  }
}
