import { describe, expect, it } from 'vitest';
import { bootstrapResampleIndices } from '../../src/metrics/bootstrap.ts';
import { BLEU } from '../../src/metrics/bleu.ts';
import { CHRF } from '../../src/metrics/chrf.ts';
import type { AnySacreMetric, ReferenceStreams } from '../../src/metrics/sacreMetric.ts';
import { formatSignature } from '../../src/metrics/signature.ts';
import { pairedApproxRandomization, pairedBootstrap, type PairedMetricResult } from '../../src/metrics/pairedTests.ts';
import { TER } from '../../src/metrics/ter.ts';
import {
  expectAllClose,
  expectClose,
  metricsGoldenPath,
  readMetricsGolden,
  SACREBLEU_VERSION,
  type BleuChrfGolden,
  type BleuOptionsJson,
  type BootstrapJson,
  type ChrfOptionsJson,
  type PairedJson,
  type TerOptionsJson,
} from './golden.ts';
import { bleuFromJson, chrfFromJson, terFromJson } from './fromJson.ts';
import { needsShared } from '../helpers/skip.ts';

// sacrebleu's bootstrap CIs and paired tests from bleu_chrf.json. The README's rule: numbers from
// the given resample indices must match exactly (here to 1e-9); since we also reproduce numpy's
// default_rng stream, our own seeded draws must give the very same numbers.

const available = metricsGoldenPath('bleu_chrf.json') !== undefined;
const golden = available ? readMetricsGolden<BleuChrfGolden>('bleu_chrf.json') : undefined;

function metricOf(b: BootstrapJson): AnySacreMetric {
  if (b.metric === 'bleu') return bleuFromJson(b.options as BleuOptionsJson) as AnySacreMetric;
  if (b.metric === 'chrf') return chrfFromJson(b.options as ChrfOptionsJson) as AnySacreMetric;
  return terFromJson(b.options as TerOptionsJson) as AnySacreMetric;
}

function checkPaired(results: PairedMetricResult[], p: PairedJson): void {
  expect(results.map((r) => r.metric)).toEqual(Object.keys(p.results));
  for (const r of results) {
    const exp = p.results[r.metric]!;
    expect(formatSignature(r.signatureFields, SACREBLEU_VERSION), `${p.id} ${r.metric} signature`).toBe(exp.signature);
    expect(r.perSystem.map((s) => s.system)).toEqual(exp.per_system.map((s) => s.system));
    r.perSystem.forEach((s, i) => {
      const e = exp.per_system[i]!;
      const what = `${p.id} ${r.metric} ${s.system}`;
      expectClose(s.score, e.score, `${what} score`);
      for (const key of ['p_value', 'mean', 'ci'] as const) {
        const got = key === 'p_value' ? s.pValue : s[key];
        if (e[key] === null) expect(got, `${what} ${key}`).toBeNull();
        else expectClose(got!, e[key]!, `${what} ${key}`);
      }
    });
  }
}

describe('sacrebleu 2.6.0 goldens: bootstrap CIs and paired tests', needsShared(metricsGoldenPath('bleu_chrf.json')), () => {
  const g = golden!;
  const indices = g?.bootstrap_resample_indices.indices ?? [];
  const withBootstrap = (g?.cases ?? []).filter((c) => c.bootstrap);

  it('draws the same resample matrix as numpy.random.default_rng(12345).choice(20, (1000, 20))', () => {
    const ours = bootstrapResampleIndices(20, 1000, 12345).map((r) => Array.from(r));
    expect(ours).toEqual(indices);
  });

  it.each(withBootstrap.flatMap((c) => c.bootstrap!.map((b) => [`${c.id} ${b.label}`, c, b] as const)))('corpus CI %s', (what, c, b) => {
    const metric = metricOf(b);
    const hyps = c.hypotheses!;
    const refs = c.references as ReferenceStreams;
    // The golden index matrix fits its 20-segment corpora; other sizes rely on our numpy-equal draws.
    const given = hyps.length === g.bootstrap_resample_indices.n_segments ? indices : undefined;
    const s = metric.corpusScore(hyps, refs, { resampleIndices: given, nSamples: b.n_bootstrap, seed: Number(b.seed) });
    const e = b.expected;
    expectClose(s.score, e.score, `${what} score`);
    expectAllClose(s.confidence!.resampleScores, e.resample_scores, `${what} resample_scores`);
    expectClose(s.confidence!.mean, e.mean, `${what} mean`);
    expectClose(s.confidence!.ci, e.ci, `${what} ci`);
    expect(formatSignature(s.signatureFields, SACREBLEU_VERSION)).toBe(e.signature);
    expect(metric.format(s, { version: SACREBLEU_VERSION })).toBe(e.formatted);

    // Our own draw (default: 1000 resamples, seed 12345) is numpy's, so the result is identical.
    const drawn = metric.corpusScore(hyps, refs, { nSamples: b.n_bootstrap, seed: Number(b.seed) });
    expect(drawn.confidence).toEqual(s.confidence);
    expect(drawn.signature).toBe(s.signature);

    // Summing integer statistics instead of float32 gives the README's exact variant.
    const exact = metric.corpusScore(hyps, refs, { resampleIndices: given, nSamples: b.n_bootstrap, seed: Number(b.seed), float32: false });
    expectClose(exact.confidence!.mean, b.exact_integer_statistics_variant.mean, `${what} exact mean`);
    expectClose(exact.confidence!.ci, b.exact_integer_statistics_variant.ci, `${what} exact ci`);
    const maxDiff = Math.max(...exact.confidence!.resampleScores.map((x, i) => Math.abs(x - e.resample_scores[i]!)));
    expectClose(maxDiff, b.exact_integer_statistics_variant.max_abs_score_diff_vs_sacrebleu, `${what} float32 effect`, 1e-12);
  });

  it('draws with other seeds are statistically equivalent (same mean and CI within Monte-Carlo error)', () => {
    for (const c of withBootstrap)
      for (const b of c.bootstrap!) {
        const e = b.expected;
        const n = e.resample_scores.length;
        const avg = e.resample_scores.reduce((a, x) => a + x, 0) / n;
        const sd = Math.sqrt(e.resample_scores.reduce((a, x) => a + (x - avg) ** 2, 0) / (n - 1));
        // Two independent bootstrap means differ by N(0, 2 sd^2 / n); 4.5 sigma never fails by chance here.
        const tol = 4.5 * Math.sqrt(2) * (sd / Math.sqrt(n));
        for (const seed of [1, 2, 3, 7, 2024]) {
          const s = metricOf(b).corpusScore(c.hypotheses!, c.references as ReferenceStreams, { seed });
          expect(Math.abs(s.confidence!.mean - e.mean), `${c.id} ${b.label} seed ${seed} mean`).toBeLessThan(tol);
          expect(Math.abs(s.confidence!.ci - e.ci) / e.ci, `${c.id} ${b.label} seed ${seed} ci`).toBeLessThan(0.25);
          expect(s.signature).toContain(`|seed:${seed}|`);
        }
      }
  });

  const metrics = (): AnySacreMetric[] => [new BLEU(), new CHRF(), new TER()] as AnySacreMetric[];

  it.each((g?.paired_tests ?? []).map((p) => [p.id, p] as const))('paired test %s', (_id, p) => {
    expect(p.n_ar_confidence).toBe(-1);
    if (p.test_type === 'bs') {
      const given = p.systems[0]!.hypotheses.length === g.bootstrap_resample_indices.n_segments ? indices : undefined;
      checkPaired(pairedBootstrap(p.systems, p.references, metrics(), { resampleIndices: given, nSamples: p.n_samples, seed: p.seed }), p);
      // Drawing our own resamples with the same seed reproduces the result.
      checkPaired(pairedBootstrap(p.systems, p.references, metrics(), { nSamples: p.n_samples, seed: p.seed }), p);
    } else {
      checkPaired(pairedApproxRandomization(p.systems, p.references, metrics(), { nSamples: p.n_samples, seed: p.seed }), p);
      // Another seed (and fewer trials): p-values agree within the binomial Monte-Carlo error.
      const n = 3000;
      const other = pairedApproxRandomization(p.systems, p.references, metrics(), { nSamples: n, seed: 99 });
      for (const r of other)
        r.perSystem.slice(1).forEach((s, i) => {
          const e = p.results[r.metric]!.per_system[i + 1]!.p_value!;
          const tol = 4.5 * Math.sqrt(e * (1 - e) * (1 / n + 1 / p.n_samples)) + 2 / n;
          expect(Math.abs(s.pValue! - e), `${r.metric} ${s.system} p`).toBeLessThanOrEqual(tol);
        });
    }
  });
});
