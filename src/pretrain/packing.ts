/**
 * Causal-LM data as GPT-2 was trained and HF's run_clm.py prepares it: documents joined into one
 * token stream, each followed by `<|endoftext|>`, cut into blocks of `blockSize` tokens (the
 * remainder is dropped, as group_texts does). Labels are the inputs: the model shifts them itself,
 * and every position counts (attention crosses document boundaries, as in GPT-2's own training).
 */
import type { TrainExample } from '../train/collate.ts';

/** Concatenates documents, appending `separatorId` after each (Uint16: vocabularies here are < 65,536). */
export function joinDocuments(docs: Iterable<readonly number[]>, separatorId: number): Uint16Array {
  const parts: (readonly number[])[] = [];
  let total = 0;
  for (const d of docs) {
    parts.push(d);
    total += d.length + 1;
  }
  const out = new Uint16Array(total);
  let at = 0;
  for (const d of parts) {
    out.set(d, at);
    at += d.length;
    out[at++] = separatorId;
  }
  return out;
}

/** Blocks of `blockSize` tokens from the stream; labels = input_ids. */
export function packCausal(stream: ArrayLike<number>, blockSize: number): TrainExample[] {
  const out: TrainExample[] = [];
  for (let start = 0; start + blockSize <= stream.length; start += blockSize) {
    const ids = Array.from({ length: blockSize }, (_, i) => stream[start + i]!);
    out.push({ input_ids: ids, labels: ids.slice() });
  }
  return out;
}
