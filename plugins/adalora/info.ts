import type { MethodInfo } from '../../src/peft/methodInfo.ts';

/** Layers whose final rank the report lists; a longer model's list ends with the layer count. */
const LISTED_LAYERS = 24;

export const adaloraInfo: MethodInfo = {
  name: 'adalora',
  title: 'AdaLoRA',
  isBaseline: false,
  isPromptLearning: false,
  // What the rank allocator left at the end of training (see summary() in model.ts).
  summaryFacts(s) {
    if (!s.rank_pattern || typeof s.rank_pattern !== 'object') return null;
    const ranks = Object.values(s.rank_pattern as Record<string, number>);
    const more = ranks.length > LISTED_LAYERS ? ` … (${ranks.length} layers)` : '';
    return `final rank budget ${String(s.total_rank)} of ${String(s.init_budget)} (target ${String(s.target_budget)}); ranks per layer: ${ranks.slice(0, LISTED_LAYERS).join(' ')}${more}`;
  },
};
