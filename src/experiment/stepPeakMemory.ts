/**
 * Peak memory of a training step and of a generation batch, from the tensor engine's own accounting
 * (tf.profile: bytes held after every kernel, so activations kept for the backward pass and
 * temporaries count). Sampling between steps — what the Trainer's PeakMemory does — sees only what
 * survives a step and misses the activation peak. Measured once per experiment, on the first
 * (longest) batch, with everything the run holds live: base weights, the adapter, optimizer state.
 * The training peak is recorded by part, because at micro scale the step's activations dwarf the
 * weights: an adapter's peak can exceed full fine-tuning's while it holds far less between steps.
 */
import { tf } from '../engine/tf.ts';
import { int32Matrix } from '../engine/int32Matrix.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { Tokenizer } from '../models/tokenizers/index.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import { collate, type TrainExample } from '../train/collate.ts';
import type { TrainingMemoryRecord } from './results.ts';
import type { Formatting } from './savedFormatting.ts';
import { predictTexts, type DecodingSpec } from './predict.ts';

const MB = 2 ** 20;

async function peakBytes(fn: () => void): Promise<number> {
  const before = tf.memory().numBytes;
  const info = await tf.profile(fn);
  const peak = info.kernels.length ? info.peakBytes : before;
  return Math.max(before, peak);
}

/**
 * Engine bytes of distinct tensors: tensors sharing their data (tied weights, a variable made from a
 * tensor) count once, as the engine itself counts them.
 */
export function tensorBytes(tensors: Iterable<tf.Tensor>): number {
  const seen = new Set<object>();
  let bytes = 0;
  for (const t of tensors) {
    if (t.isDisposed || seen.has(t.dataId)) continue;
    seen.add(t.dataId);
    bytes += t.size * tf.util.bytesPerElement(t.dtype);
  }
  return bytes;
}

/** Every weight the model holds in the engine: the base tree (where injected layers live) and adapter parameters beside it. */
function modelWeights(model: PeftModel): tf.Variable[] {
  return [...model.base.namedParameters(), ...model.trainableParameters()].map(([, v]) => v);
}

/** What the run holds besides the model: the optimizer's state tensors and weights kept outside the engine. */
export interface HeldState {
  /** The tensors the optimizer keeps between steps (AdamW's moments). */
  optimizerState: Iterable<tf.Tensor>;
  /** Weight bytes held outside the tensor engine (QLoRA's NF4 codes and statistics). */
  outsideEngineBytes: number;
}

/** Bytes live before one forward + backward pass, its peak, and the gradients it returns. */
interface StepBytes {
  liveBefore: number;
  peak: number;
  gradients: number;
}

async function stepBytes(model: PeftModel, b: ReturnType<typeof collate>): Promise<StepBytes> {
  const vars = model.trainableParameters().map(([, v]) => v);
  let gradients = 0;
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => model.forward({ inputIds: int32Matrix(b.inputIds), attentionMask: int32Matrix(b.attentionMask), labels: int32Matrix(b.labels) }).loss as tf.Scalar,
      vars,
    );
    gradients = tensorBytes(Object.values(grads));
    tf.dispose([value, ...Object.values(grads)]);
  };
  const liveBefore = tf.memory().numBytes;
  return { liveBefore, peak: await peakBytes(step), gradients };
}

/**
 * The peak of one forward + backward pass over the longest `batchSize` training examples, split into
 * what it is made of. Weights, trainable weights and optimizer state are summed from the tensors
 * themselves; activations are the step's peak over what was live before it (activations kept for the
 * backward pass, gradients, temporaries); other is what else was live before the step (tensors held
 * elsewhere in the process). The four parts sum to the peak.
 */
export async function trainingStepMemory(
  model: PeftModel,
  examples: readonly TrainExample[],
  batchSize: number,
  padId: number,
  held: HeldState,
): Promise<TrainingMemoryRecord> {
  const batchRows = [...examples].sort((a, b) => b.input_ids.length - a.input_ids.length).slice(0, batchSize);
  const batch = collate(batchRows, padId, model.isEncoderDecoder);
  const wasTraining = model.training;
  model.train();
  try {
    const weightsInEngine = tensorBytes(modelWeights(model));
    const optimizer = tensorBytes(held.optimizerState);
    const { liveBefore, peak, gradients } = await stepBytes(model, batch);
    // Never negative while the weights and the optimizer state are engine tensors; clamped so a part never reads below zero.
    const other = Math.max(0, liveBefore - weightsInEngine - optimizer);
    const activations = peak - liveBefore;
    const weights = weightsInEngine + held.outsideEngineBytes;
    return {
      weights_mb: weights / MB,
      trainable_mb: tensorBytes(model.trainableParameters().map(([, v]) => v)) / MB,
      optimizer_mb: optimizer / MB,
      other_mb: other / MB,
      activations_mb: activations / MB,
      gradients_mb: gradients / MB,
      peak_mb: (weights + optimizer + other + activations) / MB,
    };
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
