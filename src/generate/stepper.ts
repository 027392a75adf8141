/**
 * What a decoding loop needs from a model, whatever its architecture: the next-token logits for a
 * set of hypothesis rows, with the model's cache kept inside. Decoder-only and encoder-decoder models
 * each provide one (see decoderOnlyStepper.ts, and T5's).
 */
export interface Stepper {
  /** Number of hypothesis rows. */
  readonly rows: number;
  readonly vocabSize: number;
  /** Runs the prompt (or decoder start) and returns last-position logits, rows × vocab. */
  prefill(): Float32Array;
  /** Appends one token per row and returns the next logits, rows × vocab. */
  step(tokens: Int32Array): Float32Array;
  /** Keeps rows `indices` (in that order, repeats allowed): beam search's cache reordering. */
  reorder(indices: number[]): void;
  dispose(): void;
}

/** Prompt rows as given by the caller, before expansion for beams / returned sequences. */
export interface PromptBatch {
  inputIds: number[][];
  attentionMask?: number[][];
}

/** Builds a stepper whose row r is prompt row floor(r / expand) (HF's repeat_interleave). */
export type StepperFactory = (prompts: PromptBatch, expand: number) => Stepper;

/** The prompt rows and their attention mask (all ones when not given), each row repeated `expand` times. */
export function expandPrompts(prompts: PromptBatch, expand: number): { ids: number[][]; mask: number[][] } {
  const rowsOf = <T>(a: T[]) => interleavedRows(a.length, expand).map((i) => a[i]!);
  return {
    ids: rowsOf(prompts.inputIds),
    mask: rowsOf(prompts.attentionMask ?? prompts.inputIds.map((r) => r.map(() => 1))),
  };
}

/** Row indices that repeat each of `prompts` rows `expand` times in place (repeat_interleave). */
export function interleavedRows(prompts: number, expand: number): number[] {
  return Array.from({ length: prompts * expand }, (_, r) => Math.floor(r / expand));
}

/** Each `width`-long row of `data` repeated `expand` times in place. */
export function repeatRows(data: Float32Array, width: number, expand: number): Float32Array {
  const rows = data.length / width;
  const out = new Float32Array(data.length * expand);
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * width, (r + 1) * width);
    for (let e = 0; e < expand; e++) out.set(row, (r * expand + e) * width);
  }
  return out;
}
