/**
 * The training and validation examples of a pretraining run: the corpus encoded with the shared
 * tokenizer, then packed into causal-LM blocks (GPT-2) or turned into the span-corruption / prefix-LM /
 * denoising mixture (T5).
 */
import type { HfTokenizer } from '../models/tokenizers/index.ts';
import type { TrainExample } from '../train/collate.ts';
import { UserError } from '../util/errors.ts';
import { buildPretrainCorpus, type Lang, type PretrainCorpus, type PretrainDocument } from './corpus.ts';
import type { Log, PretrainOptions } from './options.ts';
import { joinDocuments, packCausal } from './packing.ts';
import { buildT5PretrainExamples, DEFAULT_PREFIX_LM_RATE, T5_PREFIX_LM, type PrefixLmOptions, type T5Objective } from './prefixLm.ts';
import { NUM_SENTINELS, sentinelIds } from './sharedTokenizer.ts';

export interface EncodedCorpus {
  stream: Uint16Array;
  documents: Record<Lang, number>;
  tokens: Record<Lang, number>;
}

function encodeDocuments(tok: HfTokenizer, docs: readonly PretrainDocument[], separatorId: number): EncodedCorpus {
  const documents = { en: 0, ru: 0 };
  const tokens = { en: 0, ru: 0 };
  const ids = docs.map((d) => {
    const e = tok.encode(d.text, { addSpecialTokens: false });
    documents[d.lang]++;
    tokens[d.lang] += e.length;
    return e;
  });
  return { stream: joinDocuments(ids, separatorId), documents, tokens };
}

export interface PretrainData {
  corpus: PretrainCorpus;
  train: EncodedCorpus;
  valid: EncodedCorpus;
  trainExamples: TrainExample[];
  validExamples: TrainExample[];
  /** T5: the objective of each validation example. */
  validObjectives?: T5Objective[];
  /** T5: share of prefix-LM examples in the mixture (0 for GPT-2). */
  prefixLmRate: number;
  /** T5: the prefix-LM target range used (undefined for GPT-2). */
  prefixLmTargets?: PrefixLmOptions;
  /** T5: share of mBART denoising examples (0 for GPT-2). */
  denoisingRate: number;
}

export interface DataInput {
  opts: PretrainOptions;
  flavor: 'gpt2' | 't5';
  tok: HfTokenizer;
  seqLen: number;
  seed: number;
  log: Log;
}

export async function preparePretrainData({ opts, flavor, tok, seqLen, seed, log }: DataInput): Promise<PretrainData> {
  const corpus = opts.corpus ?? (await buildPretrainCorpus(opts.dataDir, { seed }));
  const eosId = flavor === 'gpt2' ? tok.tokenToId('<|endoftext|>')! : tok.tokenToId('</s>')!;
  const t0 = performance.now();
  const train = encodeDocuments(tok, corpus.train, eosId);
  const valid = encodeDocuments(tok, corpus.validation, eosId);
  log(`${opts.preset}: encoded ${train.stream.length} train / ${valid.stream.length} validation tokens in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const sentinels = flavor === 't5' ? sentinelIds((t) => tok.tokenToId(t), NUM_SENTINELS) : [];
  const prefixLmRate = flavor === 't5' ? (opts.prefixLmRate ?? DEFAULT_PREFIX_LM_RATE) : 0;
  const prefixLmTargets = flavor === 't5' ? (opts.prefixLmTargets ?? T5_PREFIX_LM) : undefined;
  const denoisingRate = flavor === 't5' ? (opts.denoisingRate ?? 0) : 0;
  const toExamples = (stream: Uint16Array, s: number): { examples: TrainExample[]; objectives?: T5Objective[] } =>
    flavor === 'gpt2'
      ? { examples: packCausal(stream, seqLen) }
      : buildT5PretrainExamples(stream, { inputsLength: seqLen, sentinelIds: sentinels, eosId, seed: s, prefixLmRate, denoisingRate, ...prefixLmTargets });
  const trainExamples = toExamples(train.stream, seed).examples;
  const validation = toExamples(valid.stream, seed + 1);
  if (!trainExamples.length) throw new UserError(`${opts.preset}: the corpus is too small for one training sequence`);
  return {
    corpus,
    train,
    valid,
    trainExamples,
    validExamples: validation.examples,
    validObjectives: validation.objectives,
    prefixLmRate,
    prefixLmTargets,
    denoisingRate,
  };
}
