import { bench, describe } from 'vitest';
import { BLEU } from '../src/metrics/bleu.ts';
import { CHRF } from '../src/metrics/chrf.ts';
import { rougeScorer } from '../src/metrics/rouge.ts';
import { Rng } from '../src/engine/random.ts';
import { BENCH_OPTIONS } from './options.ts';

/*
 * Scoring 10,000 segments with corpus BLEU + chrF + ROUGE (1/2/L/Lsum, one reference each).
 * sacrebleu + rouge-score take several seconds for this in Python. Segments are generated here
 * from a fixed seed (news-like English, 10-40 words, hypotheses are edited references), so the
 * benchmark needs no corpus. Throughput = 10,000 / mean time.
 */

const N = 10_000;

const VOCAB = (
  'the a of to and in on for with by at from that this was were is are has have had said says ' +
  'government minister president company market shares prices rates bank central interest quarter point ' +
  'police city officials report people year years week month day today yesterday Monday Friday ' +
  'rose fell increased decreased announced expected reported warned agreed rejected opened closed ' +
  'new old first last major local national international economic political financial public ' +
  'fire storm flood election vote court trial judge team match season players coach goal win ' +
  '2024 15% $5 million billion 3.5 1,000 U.S. E.U. well-known long-term , . " ( ) ; :'
).split(' ');

const gen = new Rng(20240611);
const rand = () => gen.next();
const pick = () => VOCAB[Math.floor(rand() * VOCAB.length)]!;
const references: string[] = [];
const hypotheses: string[] = [];
for (let i = 0; i < N; i++) {
  const len = 10 + Math.floor(rand() * 31);
  const ref = Array.from({ length: len }, pick);
  const hyp = ref.filter(() => rand() > 0.15).map((w) => (rand() < 0.15 ? pick() : w));
  if (rand() < 0.3) hyp.reverse();
  references.push(ref.join(' '));
  hypotheses.push(hyp.join(' '));
}
const refStreams = [references];

const bleu = new BLEU();
const chrf = new CHRF();
const rouge = rougeScorer({ types: ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] });

function scoreRouge(): number {
  let f = 0;
  for (let i = 0; i < N; i++) f += rouge.score(references[i]!, hypotheses[i]!).rougeL!.fmeasure;
  return f / N;
}

describe(`${N} segments`, () => {
  bench(
    'BLEU + chrF + ROUGE (corpus)',
    () => {
      bleu.corpusScore(hypotheses, refStreams);
      chrf.corpusScore(hypotheses, refStreams);
      scoreRouge();
    },
    BENCH_OPTIONS,
  );

  bench('BLEU (corpus)', () => void bleu.corpusScore(hypotheses, refStreams), BENCH_OPTIONS);
  bench('chrF (corpus)', () => void chrf.corpusScore(hypotheses, refStreams), BENCH_OPTIONS);
  bench('ROUGE-1/2/L/Lsum (per segment)', () => void scoreRouge(), BENCH_OPTIONS);
});
