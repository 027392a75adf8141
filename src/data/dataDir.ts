import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DATA_FILE_EXTENSIONS } from './readers/readRecords.ts';

/**
 * Dataset ids that name a file of the local data folder (PEFT_DATA_DIR; CI and developers use
 * ../shared/datasets). The shared folder holds stand-ins and samples under their own file names;
 * these aliases let configs say `opus_books` or `hf:abisee/cnn_dailymail:3.0.0` and get the local
 * copy when there is one, and the Hub otherwise.
 */
const ALIASES: Array<{ name: string; file: string; ids: string[]; description: string }> = [
  {
    name: 'opus_books',
    file: 'opus-style-en-ru.jsonl',
    ids: ['opus-style-en-ru', 'opus_books', 'opus_books:en-ru', 'Helsinki-NLP/opus_books', 'Helsinki-NLP/opus_books:en-ru'],
    // Not opus_books itself (unreachable where the shared folder was made): it has opus_books' schema, not its text.
    description:
      'a stand-in for opus_books: real English–Russian pairs from Tatoeba, WMT newstest 2012–2020, NTREX-128, TICO-19 and Debian package-description translations',
  },
  {
    name: 'cnn_dailymail',
    file: 'cnn_dailymail-sample.jsonl',
    ids: ['cnn_dailymail', 'cnn_dailymail:3.0.0', 'abisee/cnn_dailymail', 'abisee/cnn_dailymail:3.0.0', 'cnn_dailymail-sample'],
    description: 'a sample of CNN/DailyMail 3.0.0: 200 articles of its test split, 120 of its train split',
  },
  {
    name: 'xsum',
    file: 'xsum-sample.jsonl',
    ids: ['xsum', 'EdinburghNLP/xsum', 'EdinburghNLP/xsum:default', 'xsum-sample'],
    description: 'a sample of XSum: 200 articles of its test split',
  },
  {
    name: 'debian-descriptions',
    file: 'debian-descriptions.jsonl',
    ids: ['debian-descriptions', 'debian_descriptions'],
    description: 'Debian package descriptions → their one-line synopses',
  },
];

/** The Hub dataset behind each short name, for when no local copy exists. */
export const HUB_IDS: Record<string, string> = {
  opus_books: 'hf:Helsinki-NLP/opus_books:en-ru',
  cnn_dailymail: 'hf:abisee/cnn_dailymail:3.0.0',
  xsum: 'hf:EdinburghNLP/xsum',
};

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.PEFT_DATA_DIR || undefined;
}

/** The file in `dir` that holds dataset `id`, or undefined. Tries the aliases, then `<id>.<ext>`. */
export function resolveInDataDir(id: string, dir: string): string | undefined {
  const key = id.startsWith('hf:') ? id.slice(3) : id;
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const alias = ALIASES.find((a) => a.ids.includes(key));
  if (alias) {
    const p = path.join(dir, alias.file);
    if (isFile(p)) return p;
  }
  if (key.includes('/') || key.includes('..')) return undefined; // never escape the folder
  for (const ext of DATA_FILE_EXTENSIONS) {
    const p = path.join(dir, key + ext);
    if (isFile(p)) return p;
  }
  return undefined;
}

/**
 * What a shared-folder file is (`opus-style-en-ru.jsonl` → a stand-in for opus_books), for reports;
 * undefined for any other file. Matched by file name, so a user's own `opus_books.jsonl` is not
 * described as the stand-in. The dataset ids stay the Hugging Face names users script against.
 */
export function sharedDatasetDescription(file: string): string | undefined {
  return ALIASES.find((a) => a.file === path.basename(file))?.description;
}

/** The names a user can give for the shared corpora (for help texts and errors). */
export function knownDataDirIds(): string[] {
  return ALIASES.map((a) => a.name);
}
