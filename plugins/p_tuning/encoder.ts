import type { Tensor } from '../../src/engine/tf.ts';
import type { AdapterSize, SizeField } from '../../src/peft/plugin.ts';
import type { Rng } from '../../src/engine/random.ts';
import type { Embedding } from '../../src/models/linear.ts';
import { Module } from '../../src/models/module.ts';
import type { PromptEncoderModule } from '../../src/peft/promptLearning/adapter.ts';
import { normalEmbedding, relu, Sequential, torchLinear } from '../../src/peft/promptLearning/encoderLayers.ts';
import { linearParameters, totalVirtualTokens, virtualTokensField } from '../../src/peft/promptLearning/config.ts';
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
      this.mlp_head = this.registerModule('mlp_head', new Sequential([torchLinear(rng, d, h), relu(), torchLinear(rng, h, h), relu(), torchLinear(rng, h, d)]));
    }
  }

  output(training = false): Tensor {
    const x = this.embedding.weight;
    return this.mlp_head.forward(this.lstm_head ? this.lstm_head.forward(x, training) : x);
  }
}

/**
 * What attachPTuning allocates: the table, plus (when training) the encoder below; a loaded adapter
 * (inference mode) holds the table alone.
 */
export function pTuningAdapterSize(config: PromptEncoderConfig): AdapterSize {
  const d = config.token_dim;
  const table = (n: number) => n * config.num_transformer_submodules * d;
  const nvt = virtualTokensField(config);
  if (config.inference_mode) return { fields: [nvt], parameters: ([n]) => table(n!), virtualTokens: nvt };
  const fields: SizeField[] = [nvt, { field: 'encoder_hidden_size', value: config.encoder_hidden_size, min: 1 }];
  if (config.encoder_reparameterization_type === 'LSTM') {
    fields.push({ field: 'encoder_num_layers', value: config.encoder_num_layers, min: 1 });
    // Per direction and layer: weight_ih [4h, in], weight_hh [4h, h] and two biases [4h]; in = d, then 2h.
    const lstmLayer = (inSize: number, h: number) => 2 * (4 * h * inSize + 4 * h * h + 8 * h);
    return {
      fields,
      virtualTokens: nvt,
      parameters: ([n, h, layers]) =>
        table(n!) + lstmLayer(d, h!) + (layers! - 1) * lstmLayer(2 * h!, h!) + linearParameters(2 * h!, 2 * h!) + linearParameters(2 * h!, d),
    };
  }
  return {
    fields,
    virtualTokens: nvt,
    parameters: ([n, h]) => table(n!) + linearParameters(d, h!) + linearParameters(h!, h!) + linearParameters(h!, d),
  };
}
