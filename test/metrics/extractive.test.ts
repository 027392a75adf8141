import { describe, expect, it } from 'vitest';
import { greedyOracle, leadSentences, oracleObjective } from '../../src/metrics/extractive.ts';
import { rougeScorer } from '../../src/metrics/rouge.ts';
import { splitSentences } from '../../src/metrics/sentenceSplit.ts';

const stemmed = rougeScorer({ types: ['rouge1', 'rouge2'], useStemmer: true });

describe('leadSentences', () => {
  it('takes the first k sentences, or all of a shorter article', () => {
    const s = splitSentences('Mr. Brown won. He thanked Dr. Lee. Fans cheered. The end.');
    expect(leadSentences(s, 3)).toEqual(['Mr. Brown won.', 'He thanked Dr. Lee.', 'Fans cheered.']);
    expect(leadSentences(s, 1)).toEqual(['Mr. Brown won.']);
    expect(leadSentences(s.slice(0, 2), 3)).toEqual(['Mr. Brown won.', 'He thanked Dr. Lee.']);
  });
});

describe('oracleObjective', () => {
  it('is the mean of ROUGE-1 and ROUGE-2 F, with the Porter stemmer', () => {
    // dogs→dog, barking/barked→bark. R-1: 2 of 3 candidate tokens, 2 of 2 reference → F 0.8.
    // "dog bark" is 1 of 2 candidate bigrams, 1 of 1 reference → F 2/3.
    expect(oracleObjective(stemmed, 'dogs barking', 'The dog barked.')).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    expect(oracleObjective(rougeScorer({ types: ['rouge1', 'rouge2'] }), 'dogs barking', 'The dog barked.')).toBe(0);
  });
});

describe('greedyOracle', () => {
  const sentences = ['A dog barked.', 'The cat sat.', 'It was on the mat.'];
  const reference = 'the cat sat on the mat';

  it('adds the best sentence while the objective rises, and returns the selection in article order', () => {
    // Step 1: "The cat sat." R-1 F 2/3, R-2 F 4/7 → 0.619 (beats 0.495 and 0).
    // Step 2: + "It was on the mat." R-1 6/8 vs 6/6 → F 6/7; R-2 4/7 vs 4/5 → F 2/3 → 16/21.
    // Step 3: + "A dog barked." R-1 F 12/17, R-2 F 8/15 → 0.620 < 16/21: stop.
    const o = greedyOracle(sentences, reference, stemmed);
    expect(o.indices).toEqual([1, 2]);
    expect(o.sentences).toEqual(['The cat sat.', 'It was on the mat.']);
    expect(o.objective).toBeCloseTo(16 / 21, 12);
  });

  it('stops at maxSentences, and selects nothing when no sentence overlaps', () => {
    expect(greedyOracle(sentences, reference, stemmed, 1).indices).toEqual([1]);
    expect(greedyOracle(sentences, 'quantum chromodynamics', stemmed)).toEqual({ indices: [], sentences: [], objective: 0 });
  });

  it('breaks ties toward the earlier sentence', () => {
    expect(greedyOracle(['The cat sat.', 'The cat sat.'], 'the cat sat', stemmed).indices).toEqual([0]);
  });
});
