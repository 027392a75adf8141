/** What pretraining measures on a model and its corpus: held-out loss, samples, unigram entropy. */
import { tf } from '../engine/tf.ts';
import { int32Matrix } from '../engine/int32Matrix.ts';
import { generate } from '../generate/generate.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { HfTokenizer } from '../models/tokenizers/index.ts';
import { collate, type TrainExample } from '../train/collate.ts';

/** Unigram entropy in nats of a token stream. */
export function unigramEntropy(stream: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < stream.length; i++) counts.set(stream[i]!, (counts.get(stream[i]!) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / stream.length;
    h -= p * Math.log(p);
  }
  return h;
}

/** The mean loss of `model` over `examples` (batch-weighted, as HF's evaluation loop). */
export function meanLoss(model: LanguageModel, examples: readonly TrainExample[], batchSize: number, padId: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const chunk = examples.slice(i, i + batchSize);
    const b = collate(chunk, padId, model.isEncoderDecoder);
    sum +=
      tf.tidy(
        () =>
          model.forward({ inputIds: int32Matrix(b.inputIds), attentionMask: int32Matrix(b.attentionMask), labels: int32Matrix(b.labels) }).loss!.dataSync()[0]!,
      ) * chunk.length;
    n += chunk.length;
  }
  return sum / Math.max(n, 1);
}

/** Greedy continuations that show whether the model writes language. */
export function sampleGenerations(model: LanguageModel, tok: HfTokenizer, flavor: 'gpt2' | 't5', maxNewTokens = 24): { prompt: string; output: string }[] {
  const prompts =
    flavor === 'gpt2'
      ? ['The government said that', 'This package provides', 'Правительство заявило, что', 'Я не знаю, где']
      : [
          'The government said <extra_id_0> new law on Monday.',
          'This package provides <extra_id_0> for the GNOME desktop.',
          'Правительство заявило, <extra_id_0> в понедельник.',
          'Я не знаю, <extra_id_0> он живёт.',
          // prefix LM: the decoder continues the text
          'This package provides a library for',
          'Он сказал, что',
          // denoising: the decoder writes the whole text back, the masked span filled
          'The government <extra_id_99> a new law on Monday.',
        ];
  const eos = flavor === 'gpt2' ? tok.tokenToId('<|endoftext|>')! : tok.tokenToId('</s>')!;
  return prompts.map((prompt) => {
    const ids = flavor === 'gpt2' ? tok.encode(prompt, { addSpecialTokens: false }) : [...tok.encode(prompt, { addSpecialTokens: false }), eos];
    const out = generate(model, { inputIds: [ids] }, { strategy: 'greedy', maxNewTokens, eosTokenId: eos, padTokenId: 0, noRepeatNgramSize: 3 });
    const seq = out.sequences[0]!;
    const fresh = flavor === 'gpt2' ? seq.slice(ids.length) : seq.slice(1);
    return { prompt, output: tok.decode(fresh, { skipSpecialTokens: false }) };
  });
}
