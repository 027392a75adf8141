import { Rng } from '../../src/engine/random.ts';
import type { TrainExample } from '../../src/train/collate.ts';

/**
 * A tiny copy task that any of our models can learn in seconds: the target repeats the source
 * tokens. Decoder-only: [src…, SEP, src…] with the prompt masked; seq2seq: src → src + eos.
 */
export function copyTask(
  n: number,
  opts: { seed?: number; len?: number; vocab?: number; sep?: number; eos?: number; encoderDecoder?: boolean } = {},
): TrainExample[] {
  const rng = new Rng(opts.seed ?? 1);
  const len = opts.len ?? 4;
  const vocab = opts.vocab ?? 20;
  const out: TrainExample[] = [];
  for (let i = 0; i < n; i++) {
    const src = Array.from({ length: len }, () => 10 + rng.int(vocab));
    if (opts.encoderDecoder) out.push({ input_ids: [...src, opts.eos ?? 1], labels: [...src, opts.eos ?? 1] });
    else {
      const sep = opts.sep ?? 5;
      out.push({ input_ids: [...src, sep, ...src], labels: [...src.map(() => -100), -100, ...src] });
    }
  }
  return out;
}
