/**
 * The tokenizer step of `peft-lab pretrain`: trains the shared byte-level BPE tokenizer on a
 * language-balanced sample of the pretraining corpus and records how well it compresses each language.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tokenizerFromJson, type HfTokenizer } from '../models/tokenizers/index.ts';
import { buildPretrainCorpus, type Lang, type PretrainCorpus, type PretrainDocument } from './corpus.ts';
import { trainSharedTokenizer, writeTokenizerFiles } from './sharedTokenizer.ts';

type Log = (message: string) => void;

export interface TokenizerStepOptions {
  outDir: string;
  dataDir: string;
  vocabSize?: number;
  seed?: number;
  /** English characters per Russian character in the tokenizer's training text (default 1). */
  englishPerRussian?: number;
  corpus?: PretrainCorpus;
  log?: Log;
}

export interface TokensPerWord {
  words: number;
  tokens: number;
  tokens_per_word: number;
}

export interface TokenizerStats {
  vocab_size: number;
  merges: number;
  training_documents: Record<Lang, number>;
  training_chars: Record<Lang, number>;
  /** On the CORPUS_SPLIT validation documents (never seen by the tokenizer). */
  tokens_per_word: Record<Lang, TokensPerWord>;
  seconds: number;
}

/** Whitespace-separated words of `text` and the tokens they become (no special tokens). */
export function tokensPerWord(tok: Pick<HfTokenizer, 'encode'>, docs: readonly PretrainDocument[], lang: Lang): TokensPerWord {
  let words = 0;
  let tokens = 0;
  for (const d of docs) {
    if (d.lang !== lang) continue;
    words += d.text.split(/\s+/).filter(Boolean).length;
    tokens += tok.encode(d.text, { addSpecialTokens: false }).length;
  }
  return { words, tokens, tokens_per_word: words ? tokens / words : NaN };
}

/**
 * The tokenizer's training text: every Russian document, and English documents (in the corpus's
 * shuffled order) until English has `englishPerRussian` × the Russian characters. The corpus is
 * three-quarters English (Debian descriptions); trained on it as is, BPE spends its merges on
 * English package jargon and splits Russian words into many more pieces.
 */
export function tokenizerTrainingDocs(corpus: PretrainCorpus, englishPerRussian = 1): PretrainDocument[] {
  const ru = corpus.train.filter((d) => d.lang === 'ru');
  const ruChars = ru.reduce((s, d) => s + d.text.length, 0);
  const en: PretrainDocument[] = [];
  let enChars = 0;
  const budget = ruChars > 0 ? ruChars * englishPerRussian : Infinity;
  for (const d of corpus.train) {
    if (d.lang !== 'en' || enChars >= budget) continue;
    en.push(d);
    enChars += d.text.length;
  }
  return [...en, ...ru];
}

export async function runTokenizerStep(opts: TokenizerStepOptions): Promise<TokenizerStats> {
  const log = opts.log ?? (() => {});
  const start = performance.now();
  const corpus = opts.corpus ?? (await buildPretrainCorpus(opts.dataDir, { seed: opts.seed }));
  const docs = tokenizerTrainingDocs(corpus, opts.englishPerRussian ?? 1);
  const count = (lang: Lang) => docs.filter((d) => d.lang === lang);
  log(`tokenizer: training on ${docs.length} documents (${count('en').length} en, ${count('ru').length} ru)`);
  const json = trainSharedTokenizer(
    docs.map((d) => d.text),
    { vocabSize: opts.vocabSize ?? 8192, onProgress: (m, v) => log(`tokenizer: ${m} merges, vocabulary ${v}`) },
  );
  writeTokenizerFiles(opts.outDir, 'gpt2', json, 1024);
  const tok = tokenizerFromJson(json, {}, { source: 'trained tokenizer' });
  const chars = (lang: Lang) => count(lang).reduce((s, d) => s + d.text.length, 0);
  const stats: TokenizerStats = {
    vocab_size: tok.vocabSize,
    merges: (json.model as { merges: unknown[] }).merges.length,
    training_documents: { en: count('en').length, ru: count('ru').length },
    training_chars: { en: chars('en'), ru: chars('ru') },
    tokens_per_word: { en: tokensPerWord(tok, corpus.validation, 'en'), ru: tokensPerWord(tok, corpus.validation, 'ru') },
    seconds: (performance.now() - start) / 1000,
  };
  writeFileSync(path.join(opts.outDir, 'tokenizer_stats.json'), JSON.stringify(stats, null, 2) + '\n');
  return stats;
}
