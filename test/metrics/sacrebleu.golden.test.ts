import { describe, expect, it } from 'vitest';
import { BLEU, type BleuValues } from '../../src/metrics/bleu.ts';
import { CHRF, type ChrfValues } from '../../src/metrics/chrf.ts';
import type { AnySacreMetric, ReferenceStreams, Scored } from '../../src/metrics/sacreMetric.ts';
import { formatSignature } from '../../src/metrics/signature.ts';
import type { TER, TerValues } from '../../src/metrics/ter.ts';
import { bleuFromJson, chrfFromJson, terFromJson } from './fromJson.ts';
import {
  expectAllClose,
  expectClose,
  metricsGoldenPath,
  readMetricsGolden,
  SACREBLEU_VERSION,
  type BleuChrfGolden,
  type SacreCase,
  type SacreCheck,
} from './golden.ts';
import { needsShared } from '../helpers/skip.ts';

// Every check of ../shared/golden/metrics/bleu_chrf.json (sacrebleu 2.6.0), to 1e-9.

const available = metricsGoldenPath('bleu_chrf.json') !== undefined;
const golden = available ? readMetricsGolden<BleuChrfGolden>('bleu_chrf.json') : undefined;

function metricFor(check: SacreCheck): BLEU | CHRF | TER {
  if (check.metric === 'bleu') return bleuFromJson(check.options);
  if (check.metric === 'chrf') return chrfFromJson(check.options);
  return terFromJson(check.options);
}

function scoreCase(metric: AnySacreMetric, c: SacreCase): Scored<{ score: number }> {
  if (c.kind === 'sentence') return metric.sentenceScore(c.hypothesis!, c.references as string[]);
  return metric.corpusScore(c.hypotheses!, c.references as ReferenceStreams);
}

function checkOne(c: SacreCase, check: SacreCheck): void {
  const what = `${c.id} ${check.label}`;
  const e = check.expected;
  const metric = metricFor(check);
  const generic = metric as AnySacreMetric;
  const s = scoreCase(generic, c);
  expectClose(s.score, e.score as number, `${what} score`);
  expect(formatSignature(s.signatureFields, SACREBLEU_VERSION), `${what} signature`).toBe(e.signature);
  expect(generic.format(s, { version: SACREBLEU_VERSION }), `${what} formatted`).toBe(e.formatted);
  const segStats = c.kind === 'corpus' ? metric.corpusStatistics(c.hypotheses!, c.references as ReferenceStreams).stats : undefined;
  if (segStats) expect(segStats, `${what} segment_statistics`).toEqual(e.segment_statistics);

  if (metric instanceof BLEU) {
    const b = s as unknown as Scored<BleuValues>;
    expectAllClose(b.counts, e.counts as number[], `${what} counts`);
    expectAllClose(b.totals, e.totals as number[], `${what} totals`);
    expectAllClose(b.precisions, e.precisions as number[], `${what} precisions`);
    expectClose(b.bp, e.bp as number, `${what} bp`);
    expectClose(b.ratio, e.ratio as number, `${what} ratio`);
    expect(b.sysLen, `${what} sys_len`).toBe(e.sys_len);
    expect(b.refLen, `${what} ref_len`).toBe(e.ref_len);
    const tok = e.tokenized as { hypothesis: string; references: string[] } | undefined;
    if (tok) {
      expect(metric.tokenize(c.hypothesis!), `${what} tokenized hypothesis`).toBe(tok.hypothesis);
      expect(
        (c.references as string[]).map((r) => metric.tokenize(r)),
        `${what} tokenized references`,
      ).toEqual(tok.references);
    }
  } else if (metric instanceof CHRF) {
    const f = s as unknown as Scored<ChrfValues>;
    expect(metric.name, `${what} name`).toBe(e.name);
    expect(f.statistics, `${what} statistics`).toEqual(e.statistics);
  } else {
    const t = s as unknown as Scored<TerValues>;
    expect(t.numEdits, `${what} num_edits`).toBe(e.num_edits);
    expectClose(t.refLength, e.ref_length as number, `${what} ref_length`);
    if (e.statistics) expect([t.numEdits, t.refLength], `${what} statistics`).toEqual(e.statistics);
    const tok = e.tokenized as { hypothesis: string; references: string[] } | undefined;
    if (tok && c.kind === 'sentence') {
      expect(metric.tokenize(c.hypothesis!), `${what} tokenized hypothesis`).toBe(tok.hypothesis);
      expect(
        (c.references as string[]).map((r) => metric.tokenize(r)),
        `${what} tokenized references`,
      ).toEqual(tok.references);
    }
  }
}

describe('sacrebleu 2.6.0 goldens: BLEU, chrF, chrF++, TER', needsShared(metricsGoldenPath('bleu_chrf.json')), () => {
  const cases = golden?.cases ?? [];
  it('has cases of both kinds', () => {
    expect(cases.some((c) => c.kind === 'sentence')).toBe(true);
    expect(cases.some((c) => c.kind === 'corpus')).toBe(true);
  });
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    for (const check of c.checks) checkOne(c, check);
  });
});
