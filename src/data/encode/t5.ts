import type { Example } from '../types.ts';
import { emptyStats, type EncodeStats, type TargetOverflow, type TokenEncoder } from './tokenEncoder.ts';

/** Language names as the T5 paper's task prefixes spell them. */
const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  ru: 'Russian',
  de: 'German',
  fr: 'French',
  ro: 'Romanian',
  es: 'Spanish',
  it: 'Italian',
  uk: 'Ukrainian',
  pl: 'Polish',
  cs: 'Czech',
  zh: 'Chinese',
  ja: 'Japanese',
};

export interface T5PrefixOptions {
  sourceLang?: string;
  targetLang?: string;
  /** Overrides the prefix entirely (e.g. '' for a model fine-tuned without one). */
  prefix?: string;
}

/** `summarize: ` or `translate English to Russian: ` (T5's multitask prefixes). */
export function t5Prefix(task: Example['task'], opts: T5PrefixOptions = {}): string {
  if (opts.prefix !== undefined) return opts.prefix;
  if (task === 'summarization') return 'summarize: ';
  const name = (code: string) => LANGUAGE_NAMES[code] ?? code;
  return `translate ${name(opts.sourceLang ?? 'en')} to ${name(opts.targetLang ?? 'ru')}: `;
}

/** Text-level T5 formatting: the encoder input and the decoder target. */
export function formatT5Text(ex: Pick<Example, 'source' | 'target' | 'task'>, opts: T5PrefixOptions = {}) {
  return { input: t5Prefix(ex.task, opts) + ex.source, target: ex.target };
}

export interface Seq2SeqFeatures {
  input_ids: number[];
  labels: number[];
}

export interface T5EncodeOptions extends T5PrefixOptions {
  maxSourceLength: number;
  maxTargetLength: number;
  /** Appended to inputs and labels when the tokenizer's encode() does not add it itself (T5: 1). */
  eosTokenId?: number;
  targetOverflow?: TargetOverflow;
}

/**
 * Encoder inputs are cut from the end (the prefix stays, the end-of-sequence id stays last), as
 * Hugging Face truncation does. Targets are never cut silently: an over-long target drops the
 * example or is trimmed (without its end-of-sequence id), and either is counted.
 */
export function encodeT5(
  examples: readonly Pick<Example, 'source' | 'target' | 'task'>[],
  tokenizer: TokenEncoder,
  opts: T5EncodeOptions,
): { features: Seq2SeqFeatures[]; stats: EncodeStats } {
  const stats = emptyStats();
  const features: Seq2SeqFeatures[] = [];
  const eos = opts.eosTokenId === undefined ? [] : [opts.eosTokenId];
  for (const ex of examples) {
    stats.examples++;
    const { input, target } = formatT5Text(ex, opts);
    let labels = [...tokenizer.encode(target), ...eos];
    if (labels.length > opts.maxTargetLength) {
      if ((opts.targetOverflow ?? 'drop') === 'drop') {
        stats.dropped++;
        continue;
      }
      // A trimmed target has no end-of-sequence id: it would teach the model to stop mid-sentence.
      labels = labels.slice(0, opts.maxTargetLength);
      stats.targetTruncated++;
    }
    let inputIds = tokenizer.encode(input);
    if (inputIds.length + eos.length > opts.maxSourceLength) {
      inputIds = inputIds.slice(0, Math.max(0, opts.maxSourceLength - eos.length));
      stats.sourceTruncated++;
    }
    features.push({ input_ids: [...inputIds, ...eos], labels });
    stats.encoded++;
  }
  return { features, stats };
}
