/**
 * HTML character references, decoded once (so `&amp;lt;` becomes `&lt;`, as a browser shows it).
 * Scraped corpora (Debian descriptions, TICO-19, news) carry them; a model should see the
 * characters, not the markup. Unknown names are left untouched.
 */
// biome-ignore format: a packed table
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009',
  ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a',
  ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e', laquo: '\u00ab', raquo: '\u00bb', lsaquo: '\u2039', rsaquo: '\u203a',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', deg: '\u00b0', plusmn: '\u00b1', times: '\u00d7', divide: '\u00f7',
  middot: '\u00b7', bull: '\u2022', euro: '\u20ac', pound: '\u00a3', yen: '\u00a5', cent: '\u00a2', sect: '\u00a7',
  para: '\u00b6', shy: '\u00ad', iexcl: '\u00a1', iquest: '\u00bf', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be',
  sup1: '\u00b9', sup2: '\u00b2', sup3: '\u00b3', micro: '\u00b5', prime: '\u2032', Prime: '\u2033', minus: '\u2212',
  larr: '\u2190', rarr: '\u2192', uarr: '\u2191', darr: '\u2193', harr: '\u2194', le: '\u2264', ge: '\u2265', ne: '\u2260',
  asymp: '\u2248', infin: '\u221e', dagger: '\u2020', Dagger: '\u2021', permil: '\u2030', ordf: '\u00aa', ordm: '\u00ba',
  acute: '\u00b4', cedil: '\u00b8', uml: '\u00a8', macr: '\u00af', not: '\u00ac', curren: '\u00a4', brvbar: '\u00a6',
  szlig: '\u00df', aelig: '\u00e6', AElig: '\u00c6', oslash: '\u00f8', Oslash: '\u00d8', aring: '\u00e5', Aring: '\u00c5',
  ccedil: '\u00e7', Ccedil: '\u00c7', ntilde: '\u00f1', Ntilde: '\u00d1', eth: '\u00f0', ETH: '\u00d0', thorn: '\u00fe',
  THORN: '\u00de', oelig: '\u0153', OElig: '\u0152', scaron: '\u0161', Scaron: '\u0160', zwj: '\u200d', zwnj: '\u200c',
  alpha: '\u03b1', beta: '\u03b2', gamma: '\u03b3', delta: '\u03b4', mu: '\u03bc', pi: '\u03c0', sigma: '\u03c3', omega: '\u03c9',
};

// Latin-1 letters with diacritics follow one naming pattern: &<base><accent>;
const ACCENTS: Record<string, Record<string, string>> = {
  grave: { a: 'à', e: 'è', i: 'ì', o: 'ò', u: 'ù', A: 'À', E: 'È', I: 'Ì', O: 'Ò', U: 'Ù' },
  acute: { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', y: 'ý', A: 'Á', E: 'É', I: 'Í', O: 'Ó', U: 'Ú', Y: 'Ý' },
  circ: { a: 'â', e: 'ê', i: 'î', o: 'ô', u: 'û', A: 'Â', E: 'Ê', I: 'Î', O: 'Ô', U: 'Û' },
  tilde: { a: 'ã', o: 'õ', n: 'ñ', A: 'Ã', O: 'Õ', N: 'Ñ' },
  uml: { a: 'ä', e: 'ë', i: 'ï', o: 'ö', u: 'ü', y: 'ÿ', A: 'Ä', E: 'Ë', I: 'Ï', O: 'Ö', U: 'Ü', Y: 'Ÿ' },
};
for (const [accent, letters] of Object.entries(ACCENTS)) for (const [base, ch] of Object.entries(letters)) NAMED[base + accent] ??= ch;

// HTML5 maps numeric references 128–159 to their Windows-1252 meaning (&#150; is an en dash).
// biome-ignore-start lint/complexity/useSimpleNumberKeys: code points read best in hex, as the standard lists them
// biome-ignore format: a packed table
const CP1252: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6,
  0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c,
  0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a,
  0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};
// biome-ignore-end lint/complexity/useSimpleNumberKeys: see above

const ENTITY = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

function fromCodePoint(cp: number): string {
  const mapped = CP1252[cp] ?? cp;
  if (mapped === 0 || mapped > 0x10ffff || (mapped >= 0xd800 && mapped <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(mapped);
}

export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] === '#') {
      const hex = body[1] === 'x' || body[1] === 'X';
      return fromCodePoint(parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return NAMED[body] ?? whole;
  });
}
