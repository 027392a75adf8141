/**
 * The pretraining corpus: monolingual text from the TRAIN split (CORPUS_SPLIT) of every shared
 * corpus that is present, with every sentence that also occurs in any corpus's validation or test
 * split removed. The corpora overlap (opus-style's debian-ddtp rows translate the same Debian
 * descriptions that debian-descriptions summarises, Tatoeba repeats sentences under different
 * translations), so a per-corpus split alone would still let a held-out text into pretraining.
 *
 * - opus_books (opus-style-en-ru): English and Russian sides as separate documents; the two sides of
 *   a pair never end up next to each other (documents are shuffled), so the base models see
 *   monolingual text, not translations.
 * - debian-descriptions: documents and one-line summaries as separate documents.
 * - cnn_dailymail / xsum: only rows from those datasets' own train split (domain without "test"):
 *   the shared samples' test rows are evaluation material of the summarization suites.
 */
import { existsSync } from 'node:fs';
import { resolveInDataDir, type Example } from '../data/index.ts';
import { CORPUS_SPLIT, corpusSplits } from '../data/corpusSplit.ts';
import { createRng } from '../engine/random.ts';
import { UserError } from '../util/errors.ts';

export type Lang = 'en' | 'ru';

export interface PretrainDocument {
  text: string;
  lang: Lang;
  /** The corpus and field it came from, e.g. `opus_books:ru`. */
  origin: string;
}

export interface CorpusSourceSummary {
  name: string;
  file: string;
  /** Examples after cleaning, and per split. */
  examples: number;
  train: number;
  validation: number;
  test: number;
  /** Train examples skipped because their row comes from the original dataset's test split. */
  skippedTestDomains: number;
}

export interface PretrainCorpus {
  train: PretrainDocument[];
  /** Documents of the CORPUS_SPLIT validation split: the held-out loss of pretraining. */
  validation: PretrainDocument[];
  sources: CorpusSourceSummary[];
  /** Held-out sentences (or 4+-word spans) removed from training documents that were kept. */
  droppedSentences: number;
  /** Train documents dropped whole (the same text is held out, or every sentence of it is). */
  droppedDocuments: number;
  split: typeof CORPUS_SPLIT;
}

/** The corpora pretraining reads when present in the data folder, in this order. */
export const PRETRAINING_CORPORA = ['opus_books', 'debian-descriptions', 'cnn_dailymail', 'xsum'] as const;

/**
 * How held-out texts are compared: case, whitespace and punctuation do not make a text new
 * ("… on sheer will" and "… on sheer will." are the same sentence). Words are whitespace-separated
 * pieces reduced to their letters and digits; pieces with none are ignored.
 */
export function normalizedWords(s: string): string[] {
  return s
    .split(/\s+/)
    .map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''))
    .filter(Boolean);
}

export function textKey(s: string): string {
  return normalizedWords(s).join(' ');
}

/**
 * Sentences (cleaning has already collapsed line breaks, so paragraphs are gone): the unit in which
 * held-out text is found inside longer training documents, e.g. a held-out debian-ddtp paragraph
 * inside a debian-descriptions document.
 */
export function sentences(s: string): string[] {
  return s
    .split(/(?<=[.!?…])\s+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Held-out sentences of at least this many words are also found inside longer training sentences. */
const MIN_SPAN_WORDS = 4;

/**
 * Every validation/test text and sentence, for removal from the training documents. Sentence
 * splitting alone misses a held-out sentence glued to unpunctuated text before it ("Features:
 * 1) Various supported encodings …"), so sentences of 4+ words are also matched as word-aligned
 * spans inside training sentences (indexed by their first four words).
 */
export class HeldOutIndex {
  private readonly keys = new Set<string>();
  private readonly spans = new Map<string, Set<number>>();

  add(text: string): void {
    for (const piece of [text, ...sentences(text)]) {
      const key = textKey(piece);
      if (!key) continue;
      this.keys.add(key);
      const words = key.split(' ');
      if (words.length < MIN_SPAN_WORDS) continue;
      const head = words.slice(0, MIN_SPAN_WORDS).join(' ');
      let lengths = this.spans.get(head);
      if (!lengths) this.spans.set(head, (lengths = new Set()));
      lengths.add(words.length);
    }
  }

  has(text: string): boolean {
    return this.keys.has(textKey(text));
  }

  /** `text` without its held-out parts (undefined when nothing is left), and how many parts went. */
  clean(text: string): { text: string | undefined; removed: number } {
    if (this.has(text)) return { text: undefined, removed: 1 };
    let removed = 0;
    const kept: string[] = [];
    for (const sentence of sentences(text)) {
      if (this.has(sentence)) {
        removed++;
        continue;
      }
      const words = sentence.split(/\s+/);
      // normalised words and the index of the original word each comes from
      const lower: string[] = [];
      const at: number[] = [];
      words.forEach((w, i) => {
        const n = w.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
        if (n) {
          lower.push(n);
          at.push(i);
        }
      });
      const drop = new Uint8Array(words.length);
      for (let k = 0; k + MIN_SPAN_WORDS <= lower.length; k++) {
        const lengths = this.spans.get(lower.slice(k, k + MIN_SPAN_WORDS).join(' '));
        if (!lengths) continue;
        for (const len of [...lengths].sort((a, b) => b - a)) {
          if (k + len > lower.length || !this.keys.has(lower.slice(k, k + len).join(' '))) continue;
          drop.fill(1, at[k]!, at[k + len - 1]! + 1);
          removed++;
          k += len - 1;
          break;
        }
      }
      const rest = words.filter((_, i) => !drop[i]).join(' ');
      if (rest) kept.push(rest);
    }
    return { text: kept.length ? kept.join(' ') : undefined, removed };
  }
}

/** The monolingual documents of one example (source and target, with their languages). */
function documentsOf(ex: Example, corpus: string): PretrainDocument[] {
  if (ex.task === 'translation')
    return [
      { text: ex.source, lang: 'en', origin: `${corpus}:en` },
      { text: ex.target, lang: 'ru', origin: `${corpus}:ru` },
    ];
  return [
    { text: ex.source, lang: 'en', origin: `${corpus}:document` },
    { text: ex.target, lang: 'en', origin: `${corpus}:summary` },
  ];
}

const ORIGINAL_TEST_DOMAIN = /(^|[-_])test([-_]|$)/;
/** cnn_dailymail / xsum rows are usable only when they come from the dataset's own train split. */
function usableForPretraining(corpus: string, ex: Example): boolean {
  if (corpus !== 'cnn_dailymail' && corpus !== 'xsum') return true;
  return !ORIGINAL_TEST_DOMAIN.test(ex.domain ?? '');
}

/**
 * Builds the corpus from the data folder `dataDir` (the shared datasets). Documents are shuffled
 * with `seed`; the same folder and seed give the same corpus on every machine.
 */
export async function buildPretrainCorpus(dataDir: string, opts: { seed?: number; corpora?: readonly string[] } = {}): Promise<PretrainCorpus> {
  if (!existsSync(dataDir)) throw new UserError(`pretraining data folder not found: ${dataDir} (set PEFT_DATA_DIR to the shared datasets folder)`);
  const names = (opts.corpora ?? PRETRAINING_CORPORA).filter((n) => resolveInDataDir(n, dataDir));
  if (!names.length)
    throw new UserError(`${dataDir} holds none of the pretraining corpora (${PRETRAINING_CORPORA.join(', ')}); expected the shared datasets folder`);

  const heldOut = new HeldOutIndex();
  const train: PretrainDocument[] = [];
  const validation: PretrainDocument[] = [];
  const sources: CorpusSourceSummary[] = [];
  for (const name of names) {
    const prepared = await corpusSplits(name, { dataDir });
    const { splits } = prepared;
    for (const ex of [...splits.validation, ...splits.test]) for (const d of documentsOf(ex, name)) heldOut.add(d.text);
    let skipped = 0;
    for (const ex of splits.train) {
      if (!usableForPretraining(name, ex)) {
        skipped++;
        continue;
      }
      train.push(...documentsOf(ex, name));
    }
    for (const ex of splits.validation) if (usableForPretraining(name, ex)) validation.push(...documentsOf(ex, name));
    sources.push({
      name,
      file: resolveInDataDir(name, dataDir)!,
      examples: prepared.dataset.examples.length,
      train: splits.train.length,
      validation: splits.validation.length,
      test: splits.test.length,
      skippedTestDomains: skipped,
    });
  }

  let droppedSentences = 0;
  let droppedDocuments = 0;
  const kept: PretrainDocument[] = [];
  for (const d of train) {
    const { text, removed } = heldOut.clean(d.text);
    if (text === undefined) {
      droppedDocuments++;
      continue;
    }
    droppedSentences += removed;
    kept.push(text === d.text ? d : { ...d, text });
  }
  const rng = createRng(opts.seed ?? CORPUS_SPLIT.seed, 'pretrain-corpus');
  return {
    train: rng.shuffle(kept),
    validation: rng.shuffle(validation),
    sources,
    droppedSentences,
    droppedDocuments,
    split: CORPUS_SPLIT,
  };
}
