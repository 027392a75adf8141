/**
 * The `domain` field names the origin corpus (`wmt-newstest2015`, `tatoeba-test-v2021-08-07`,
 * `debian-ddtp-synopsis`, …). Eighteen WMT years would split a test set of a few hundred sentences
 * into slivers too small to compare, so the report groups origins into text types. Unknown domains
 * keep their own name.
 */
const RULES: ReadonlyArray<[RegExp, string]> = [
  [/^tatoeba/i, 'everyday (Tatoeba)'],
  [/^(wmt|newstest)/i, 'news (WMT)'],
  [/^ntrex/i, 'news (NTREX)'],
  [/^tico/i, 'health (TICO-19)'],
  [/^debian-ddtp/i, 'software (Debian)'],
  [/^debian-description/i, 'software (Debian)'],
  [/^cnndm|^cnn/i, 'news (CNN/DM)'],
  [/^xsum/i, 'news (XSum)'],
  [/^synthetic/i, 'synthetic'],
];

export function textType(domain: string | undefined): string {
  if (!domain) return '(none)';
  for (const [re, name] of RULES) if (re.test(domain)) return name;
  return domain;
}
