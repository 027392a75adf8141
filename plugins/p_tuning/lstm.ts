import { tf, type Tensor } from '../../src/engine/tf.ts';
import { dropout } from '../../src/engine/ops.ts';
import { nextDropoutSeed, type Rng } from '../../src/engine/random.ts';
import { Module } from '../../src/models/module.ts';
import { uniform } from '../../src/peft/promptLearning/encoderLayers.ts';

/**
 * torch.nn.LSTM(bidirectional=True, batch_first=True) over one sequence, with torch's parameter
 * names (`weight_ih_l0`, `weight_hh_l0_reverse`, …), gate order (input, forget, cell, output) and
 * init U(−1/√hidden, 1/√hidden). Dropout acts between layers, not after the last, as torch.
 */
export class BiLSTM extends Module {
  constructor(
    rng: Rng,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numLayers: number,
    readonly dropoutRate: number,
  ) {
    super();
    const h = hiddenSize;
    const bound = 1 / Math.sqrt(h);
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? inputSize : 2 * h;
      for (const sfx of ['', '_reverse']) {
        this.registerParameter(`weight_ih_l${l}${sfx}`, uniform(rng, [4 * h, inSize], bound));
        this.registerParameter(`weight_hh_l${l}${sfx}`, uniform(rng, [4 * h, h], bound));
        this.registerParameter(`bias_ih_l${l}${sfx}`, uniform(rng, [4 * h], bound));
        this.registerParameter(`bias_hh_l${l}${sfx}`, uniform(rng, [4 * h], bound));
      }
    }
  }

  /** One direction of one layer: x [T, in] → hidden states [T, h] in time order. */
  private direction(x: Tensor, l: number, sfx: string): Tensor {
    const h = this.hiddenSize;
    const T = x.shape[0]!;
    const p = (n: string) => this.parameter(`${n}_l${l}${sfx}`);
    // Input contributions of every step at once; the recurrence adds h_{t-1}·W_hhᵀ.
    const xGates = tf.add(tf.matMul(x, p('weight_ih'), false, true), tf.add(p('bias_ih'), p('bias_hh')));
    let hPrev: Tensor = tf.zeros([1, h]);
    let cPrev: Tensor = tf.zeros([1, h]);
    const outs: Tensor[] = new Array<Tensor>(T);
    const order = sfx ? [...Array(T).keys()].reverse() : [...Array(T).keys()];
    for (const t of order) {
      const g = tf.add(xGates.slice([t, 0], [1, 4 * h]), tf.matMul(hPrev, p('weight_hh'), false, true));
      const [i, f, c, o] = tf.split(g, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
      cPrev = tf.add(tf.mul(tf.sigmoid(f), cPrev), tf.mul(tf.sigmoid(i), tf.tanh(c)));
      hPrev = tf.mul(tf.sigmoid(o), tf.tanh(cPrev));
      outs[t] = hPrev;
    }
    return tf.concat(outs, 0);
  }

  /** x [T, inputSize] → [T, 2·hidden] (forward and backward states concatenated, as torch). */
  forward(x: Tensor, training: boolean): Tensor {
    let h = x;
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0) h = dropout(h, this.dropoutRate, training, nextDropoutSeed());
      h = tf.concat([this.direction(h, l, ''), this.direction(h, l, '_reverse')], 1);
    }
    return h;
  }
}
