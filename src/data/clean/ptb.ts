/**
 * Penn Treebank detokenization. The CNN/DailyMail test highlights (and XSum's quote marks) come
 * PTB-tokenized: `-LRB-`/`-RRB-` for brackets, `` and '' for quotes, clitics split off
 * (`it 's`, `do n't`) and spaces before punctuation. Scoring a model's natural text against
 * that would punish it for writing normal English, so references are detokenized first.
 */

const BRACKETS: Record<string, string> = { LRB: '(', RRB: ')', LSB: '[', RSB: ']', LCB: '{', RCB: '}' };
const BRACKET_TOKEN = /-(LRB|RRB|LSB|RSB|LCB|RCB)-/gi;

// Signals that almost never occur in untokenized text.
const STRONG = /-(?:LRB|RRB|LSB|RSB|LCB|RCB)-|``|''|\w (?:n't|'(?:s|re|ve|ll|d|m))\b/i;
// A space before sentence punctuation: PTB-like when it happens more than once in a text.
const SPACED_PUNCT = /\S [.,;:!?](?=\s|$)/g;

/**
 * Whether `text` looks PTB-tokenized. Used by the default 'auto' mode so that ordinary text
 * (file names like ` .txt`, code, French-style `word :`) is left alone.
 */
export function looksPtbTokenized(text: string): boolean {
  if (STRONG.test(text)) return true;
  return (text.match(SPACED_PUNCT)?.length ?? 0) >= 2;
}

const ATTACH_LEFT = /^(?:[.,;:!?%)\]}]+|\.\.\.|n't|'(?:s|re|ve|ll|d|m))$/i;
const ATTACH_RIGHT = new Set(['(', '[', '{', '$', '``', '`']);

function detokenizeLine(line: string): string {
  // `` and '' are sometimes glued to a word (XSum: ``name and shame''trusts): make them tokens.
  const spaced = line
    .replace(BRACKET_TOKEN, (_m, b: string) => BRACKETS[b.toUpperCase()]!)
    .replace(/``/g, ' `` ')
    .replace(/''/g, " '' ");
  const tokens = spaced.split(' ').filter((t) => t !== '');
  let out = '';
  let glueNext = true; // no space before the first token
  let doubleQuoteOpen = false;
  for (const tok of tokens) {
    let text = tok;
    let left = ATTACH_LEFT.test(tok);
    let right = ATTACH_RIGHT.has(tok);
    if (tok === '``') {
      // `` opens a quote in PTB; a second one while open closes it (reStructuredText ``literal``).
      text = '"';
      if (doubleQuoteOpen) {
        left = true;
        right = false;
      }
      doubleQuoteOpen = !doubleQuoteOpen;
    } else if (tok === "''") {
      text = '"';
      left = true;
      doubleQuoteOpen = false;
    } else if (tok === '`') text = "'";
    else if (tok === "'")
      left = true; // closing single quote or plural possessive (students ')
    else if (tok === '"') {
      // straight quotes in tokenized text alternate open/close
      if (doubleQuoteOpen) left = true;
      else right = true;
      doubleQuoteOpen = !doubleQuoteOpen;
    }
    out += glueNext || left ? text : ' ' + text;
    glueNext = right;
  }
  return out;
}

/** Detokenizes each line of `text` (line breaks are kept; the whitespace step collapses them later). */
export function ptbDetokenize(text: string): string {
  return text
    .split('\n')
    .map((line) => detokenizeLine(line))
    .join('\n');
}
