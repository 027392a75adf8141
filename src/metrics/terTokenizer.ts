import { pyLower, pySplit } from './pythonText.ts';

/**
 * sacrebleu's `TercomTokenizer` (a port of tercom's Normalizer). By default it only lowercases and
 * normalizes whitespace; `normalized` adds mteval-like punctuation splitting and possessive `'s`,
 * `noPunct` deletes punctuation, `asianSupport` splits CJK (only together with one of those).
 */

export interface TercomOptions {
  normalized?: boolean;
  noPunct?: boolean;
  asianSupport?: boolean;
  caseSensitive?: boolean;
}

const ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/g;
const FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/g;

function normalizeGeneralAndWestern(sent: string): string {
  let s = sent.replace(/\n-/g, '').replace(/\n/g, ' ');
  s = s
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/gu, ' $1 ');
  s = s.replace(/'s /g, " 's ").replace(/'s$/g, " 's");
  s = s.replace(/([^0-9])([.,])/gu, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/gu, ' $1 $2');
  s = s.replace(/([0-9])(-)/gu, '$1 $2 ');
  return s;
}

function normalizeAsian(sent: string): string {
  let s = sent.replace(/([\u4e00-\u9fff\u3400-\u4dbf])/g, ' $1 ');
  s = s.replace(/([\u31c0-\u31ef\u2e80-\u2eff])/g, ' $1 ');
  s = s.replace(/([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/g, ' $1 ');
  s = s.replace(/([\u3200-\u3f22])/g, ' $1 ');
  // As upstream: `^` without MULTILINE anchors at the string start only, so these rarely fire.
  s = s.replace(/(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/g, '$1 $2 ');
  s = s.replace(/(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/g, '$1 $2 ');
  s = s.replace(/(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/g, '$1 $2 ');
  s = s.replace(ASIAN_PUNCT, ' $1 ').replace(FULL_WIDTH_PUNCT, ' $1 ');
  return s;
}

export function tercomTokenize(sentence: string, opts: TercomOptions = {}): string {
  if (!sentence) return '';
  let s = opts.caseSensitive ? sentence : pyLower(sentence);
  if (opts.normalized) {
    s = normalizeGeneralAndWestern(s);
    if (opts.asianSupport) s = normalizeAsian(s);
  }
  if (opts.noPunct) {
    s = s.replace(/[.,?:;!"()]/g, '');
    if (opts.asianSupport) s = s.replace(ASIAN_PUNCT, '').replace(FULL_WIDTH_PUNCT, '');
  }
  return pySplit(s).join(' ');
}
