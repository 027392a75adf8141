/**
 * The extractive reference points of news summarization, which papers print above their models:
 *
 * - Lead-k: the first k sentences of the article (Lead-3 for CNN/DailyMail, See et al. 2017; Lead-1
 *   for XSum, Narayan et al. 2018). A model that cannot beat Lead-3 on CNN/DM has learned less than
 *   "copy the opening".
 * - The greedy extractive oracle (Nallapati et al. 2017, SummaRuNNer; the labelling of Liu & Lapata
 *   2019): starting from nothing, add the article sentence that raises ROUGE against the reference
 *   most, and stop when no sentence raises it. The ROUGE here is the mean of ROUGE-1 and ROUGE-2 F
 *   (Liu & Lapata's objective, the sum halved), with the scorer the caller passes — the project's
 *   rouge-score reimplementation with the Porter stemmer for English. It bounds what copying whole
 *   sentences can reach; it is not the best subset (that search is exponential).
 *
 * Sentences come from splitSentences (src/metrics/sentenceSplit.ts); selections are returned in
 * article order, as an extractive summary reads.
 */
import type { RougeScorer } from './rouge.ts';

/** The first k sentences (fewer when the article is shorter). */
export function leadSentences(sentences: readonly string[], k: number): string[] {
  return sentences.slice(0, Math.max(0, k));
}

export interface OracleSelection {
  /** Indices into the article's sentences, ascending. */
  indices: number[];
  sentences: string[];
  /** The objective reached: mean of ROUGE-1 and ROUGE-2 F against the reference (0–1). */
  objective: number;
}

/** The oracle's objective for one candidate text: mean of ROUGE-1 and ROUGE-2 F. */
export function oracleObjective(scorer: RougeScorer, reference: string, candidate: string): number {
  const s = scorer.score(reference, candidate);
  return (s.rouge1!.fmeasure + s.rouge2!.fmeasure) / 2;
}

/** The selected sentences in article order, joined as the summary text. */
function joinSelected(sentences: readonly string[], indices: readonly number[]): string {
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => sentences[i]!)
    .join(' ');
}

/**
 * The greedy oracle (see the module comment). `scorer` must compute rouge1 and rouge2; `maxSentences`
 * caps the selection (Liu & Lapata cap it at 3; default: no cap, as Nallapati et al.). Ties go to the
 * earlier sentence.
 */
export function greedyOracle(sentences: readonly string[], reference: string, scorer: RougeScorer, maxSentences = Infinity): OracleSelection {
  const chosen: number[] = [];
  let best = 0;
  while (chosen.length < maxSentences) {
    let pick = -1;
    let pickScore = best;
    for (let i = 0; i < sentences.length; i++) {
      if (chosen.includes(i)) continue;
      const score = oracleObjective(scorer, reference, joinSelected(sentences, [...chosen, i]));
      if (score > pickScore) {
        pick = i;
        pickScore = score;
      }
    }
    if (pick < 0) break;
    chosen.push(pick);
    best = pickScore;
  }
  const indices = chosen.sort((a, b) => a - b);
  return { indices, sentences: indices.map((i) => sentences[i]!), objective: best };
}
