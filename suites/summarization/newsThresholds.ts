/**
 * What every news summarization experiment must show (src/experiment/newsBlocks.ts; main metric
 * ROUGE-L). No run of these blocks has been measured yet, so nothing beyond soundness is required:
 * no NaN, the trainable-parameter formula, a held-out loss that did not rise by more than 5% (the
 * transfer blocks' held-out set is Debian's, the few-shot blocks' the news sample's validation split),
 * and outputs for every test article. The first standard run sets the margins, quoted here as the
 * summarization thresholds quote theirs.
 */
import type { MethodThreshold, SuiteThresholds } from '../shared/thresholds.ts';

const UNMEASURED: MethodThreshold = {
  minLossDrop: null,
  beatsBase: false,
  maxDegenerateRate: null,
  note: 'not yet measured on the news samples: soundness only',
};

export const NEWS_THRESHOLDS: SuiteThresholds = {
  smoke: { default: UNMEASURED },
  'smoke-random-init': { default: UNMEASURED },
  standard: { default: UNMEASURED },
  full: { default: UNMEASURED },
};
