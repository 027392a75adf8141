/**
 * Peak memory of a training step and of a generation batch, from the tensor engine's own accounting
 * (tf.profile: bytes held after every kernel, so activations kept for the backward pass and
 * temporaries count). Sampling between steps — what the Trainer's PeakMemory does — sees only what
 * survives a step and misses the activation peak. Measured once per experiment, on the first
 * (longest) batch, with everything the run holds live: base weights, the adapter, optimizer state.
 */
import { tf } from '../engine/tf.ts';
import { int32Matrix } from '../engine/int32Matrix.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { Tokenizer } from '../models/tokenizers/index.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import { collate, type TrainExample } from '../train/collate.ts';
import type { Formatting } from './savedFormatting.ts';
import { predictTexts, type DecodingSpec } from './predict.ts';

const MB = 2 ** 20;

async function peakBytes(fn: () => void): Promise<number> {
  const before = tf.memory().numBytes;
  const info = await tf.profile(fn);
  const peak = info.kernels.length ? info.peakBytes : before;
  return Math.max(before, peak);
}

/** Peak MB of one forward + backward pass over the longest `batchSize` training examples. */
export async function trainingStepPeakMb(model: PeftModel, examples: readonly TrainExample[], batchSize: number, padId: number): Promise<number> {
  const batchRows = [...examples].sort((a, b) => b.input_ids.length - a.input_ids.length).slice(0, batchSize);
  const b = collate(batchRows, padId, model.isEncoderDecoder);
  const vars = model.trainableParameters().map(([, v]) => v);
  const wasTraining = model.training;
  model.train();
  try {
    return (
      (await peakBytes(() => {
        const { value, grads } = tf.variableGrads(
          () =>
            model.forward({ inputIds: int32Matrix(b.inputIds), attentionMask: int32Matrix(b.attentionMask), labels: int32Matrix(b.labels) }).loss as tf.Scalar,
          vars,
        );
        tf.dispose([value, ...Object.values(grads)]);
      })) / MB
    );
  } finally {
    if (!wasTraining) model.eval();
  }
}

/** Peak MB of generating for the first batch of `sources` (predictTexts decodes the longest first). */
export async function generationPeakMb(
  model: LanguageModel,
  tokenizer: Tokenizer,
  formatting: Formatting,
  sources: readonly string[],
  decoding: DecodingSpec,
  batchSize: number,
): Promise<number> {
  const longest = [...sources].sort((a, b) => b.length - a.length).slice(0, batchSize);
  return (await peakBytes(() => void predictTexts(model, tokenizer, formatting, longest, { decoding, batchSize }))) / MB;
}
