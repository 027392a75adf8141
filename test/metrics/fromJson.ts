import { BLEU } from '../../src/metrics/bleu.ts';
import { CHRF } from '../../src/metrics/chrf.ts';
import { TER } from '../../src/metrics/ter.ts';
import type { BleuOptionsJson, ChrfOptionsJson, TerOptionsJson } from './golden.ts';

// Metric instances from the golden files' (sacrebleu keyword) options.

export function bleuFromJson(o: BleuOptionsJson): BLEU {
  return new BLEU({
    tokenize: o.tokenize,
    lowercase: o.lowercase,
    smoothMethod: o.smooth_method,
    smoothValue: o.smooth_value,
    effectiveOrder: o.effective_order,
    maxNgramOrder: o.max_ngram_order,
  });
}

export function chrfFromJson(o: ChrfOptionsJson): CHRF {
  return new CHRF({
    charOrder: o.char_order,
    wordOrder: o.word_order,
    beta: o.beta,
    lowercase: o.lowercase,
    whitespace: o.whitespace,
    epsSmoothing: o.eps_smoothing,
  });
}

export function terFromJson(o: TerOptionsJson): TER {
  return new TER({ normalized: o.normalized, noPunct: o.no_punct, asianSupport: o.asian_support, caseSensitive: o.case_sensitive });
}
