/**
 * English sentence splitting for the extractive baselines (Lead-k, the greedy oracle) and for
 * ROUGE-Lsum's one-sentence-per-line input, in the spirit of NLTK's Punkt as the summarization papers
 * use it: a break after . ! ? (and closing quotes or brackets) before a capitalised word, except after
 * a known abbreviation or an initial.
 *
 * Why our own: Node's Intl.Segmenter (ICU) breaks after "Mr." and "Dr.", and its abbreviation
 * suppressions (`-u-ss-standard`) are not available in Node; the npm splitters (sbd, sentence-splitter)
 * bring a dependency tree for a few dozen lines and, like ICU, never break the glued sentences of the
 * shared XSum sample, whose paragraph breaks were lost ("…in Greater Noida.It was not enough…").
 * Here a glued break counts when a lower-case letter or digit ends the sentence and a capitalised word
 * starts the next.
 */

/** Words that end with a period without ending a sentence (compared lower-cased, without the period). */
const ABBREVIATIONS: ReadonlySet<string> = new Set(
  [
    // titles and ranks
    'mr mrs ms dr prof sr jr st rev gen gov sen rep col lt capt sgt cpl maj adm cmdr supt insp det hon pres fr',
    // companies and places
    'co corp inc ltd bros mt ft ave blvd rd vs approx',
    // months
    'jan feb mar apr jun jul aug sep sept oct nov dec',
  ]
    .join(' ')
    .split(' '),
);

/** Abbreviations that precede a number ("No. 10", "Fig. 3"): elsewhere the word may end a sentence ("The answer is no."). */
const NUMBER_ABBREVIATIONS: ReadonlySet<string> = new Set(['no', 'nos', 'fig', 'vol']);

/** Closing quotes and brackets that stay with the sentence they end. */
const CLOSERS = new Set([')', ']', '}', '”', '’']);
/** What may open a sentence after a space: a capital or a digit, possibly after an opening quote or bracket. */
const OPENER = /^["“‘'([]*[\p{Lu}\d]/u;
/** What may open a glued sentence: a capital followed by a lower-case letter ("It", "The"), possibly after an opening quote. */
const GLUED_OPENER = /^["“'‘]?\p{Lu}\p{Ll}/u;
const TERMINAL = /[.!?]+/g;

/** The word (letters and inner periods) that ends just before `end`. */
function wordBefore(text: string, end: number): string {
  let i = end;
  while (i > 0 && /[\p{L}.]/u.test(text[i - 1]!)) i--;
  return text.slice(i, end);
}

/** A period after `word` does not end the sentence: an abbreviation, an initial ("J."), or an initialism ("U.S."). */
function isAbbreviation(word: string, next: string): boolean {
  if (/^(\p{L}\.)*\p{L}$/u.test(word)) return true;
  const w = word.toLowerCase();
  return ABBREVIATIONS.has(w) || (NUMBER_ABBREVIATIONS.has(w) && /^\s*\d/.test(next));
}

/** Straight double quotes in text[from, to): odd means one is open. */
function quoteOpen(text: string, from: number, to: number): boolean {
  let n = 0;
  for (let i = from; i < to; i++) if (text[i] === '"') n++;
  return n % 2 === 1;
}

/**
 * Where the sentence whose terminal run is text[start, end) stops, or -1 for no break there. `from`
 * is where the sentence began (for quote parity).
 */
function breakAfter(text: string, start: number, end: number, from: number): number {
  if (text.slice(start, end) === '.' && isAbbreviation(wordBefore(text, start), text.slice(end))) return -1;
  let k = end;
  while (k < text.length && CLOSERS.has(text[k]!)) k++;
  // A straight quote between the terminal and a space closes this sentence: an opening quote never precedes a space.
  if (/^["']\s/.test(text.slice(k))) k++;
  const rest = text.slice(k);
  if (/^\s/.test(rest)) return OPENER.test(rest.trimStart()) ? k : -1;
  // A glued quote closes this sentence when one is open, and otherwise opens the next.
  if (rest.startsWith('"') && quoteOpen(text, from, start)) return GLUED_OPENER.test(rest.slice(1)) ? k + 1 : -1;
  // Glued to the next sentence: only after a lower-case word, a number or a closing bracket or quote (`"concern".More`).
  const before = text[start - 1] ?? '';
  return /[\p{Ll}\d)%"'”’]/u.test(before) && GLUED_OPENER.test(rest) ? k : -1;
}

/** The sentences of one line of text, trimmed, in order. */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of line.matchAll(TERMINAL)) {
    const start = m.index;
    if (start < from) continue;
    const at = breakAfter(line, start, start + m[0].length, from);
    if (at < 0) continue;
    out.push(line.slice(from, at));
    from = at;
  }
  out.push(line.slice(from));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The sentences of `text`: line breaks always separate sentences; within a line, the rules above. */
export function splitSentences(text: string): string[] {
  return text.split(/\r?\n/).flatMap(splitLine);
}

/** One sentence per line: the input rouge-score's ROUGE-Lsum expects (papers split with NLTK the same way). */
export function sentencePerLine(text: string): string {
  return splitSentences(text).join('\n');
}
