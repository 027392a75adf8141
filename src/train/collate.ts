/**
 * Batching: examples are token-id lists; a batch pads them to a rectangle as HF's collators do
 * (DataCollatorForSeq2Seq / the SFT completion collator): inputs padded with pad_token_id and a 0 in
 * the attention mask, labels padded with -100 so padding never counts in the loss.
 */
export interface TrainExample {
  /** Decoder-only: prompt + target; encoder-decoder: the source. */
  input_ids: number[];
  /** Decoder-only: same length as input_ids, -100 on prompt tokens; encoder-decoder: target ids. */
  labels: number[];
}

export interface Batch {
  inputIds: number[][];
  attentionMask: number[][];
  labels: number[][];
  /** Tokens the model reads in this batch (non-padding inputs + targets for seq2seq): for tokens/s. */
  tokens: number;
  /** Tokens that count in the loss. */
  targetTokens: number;
}

export function collate(examples: TrainExample[], padId: number, encoderDecoder: boolean): Batch {
  // Loops, not Math.max(...): the batch size is the user's, and one argument per row can overflow the stack.
  let T = 0;
  let L = 0;
  for (const e of examples) {
    T = Math.max(T, e.input_ids.length);
    L = Math.max(L, e.labels.length);
  }
  if (!encoderDecoder) L = T;
  const pad = (a: number[], n: number, v: number) => [...a, ...Array<number>(n - a.length).fill(v)];
  let tokens = 0;
  let targetTokens = 0;
  for (const e of examples) {
    tokens += e.input_ids.length + (encoderDecoder ? e.labels.length : 0);
    targetTokens += e.labels.filter((x) => x !== -100).length;
  }
  return {
    inputIds: examples.map((e) => pad(e.input_ids, T, padId)),
    attentionMask: examples.map((e) =>
      pad(
        e.input_ids.map(() => 1),
        T,
        0,
      ),
    ),
    labels: examples.map((e) => pad(e.labels, L, -100)),
    tokens,
    targetTokens,
  };
}
