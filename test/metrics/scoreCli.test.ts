import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pyRstrip } from '../../src/metrics/pythonText.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { expectAllClose, expectClose, metricsGoldenPath, readMetricsGolden, SACREBLEU_VERSION, type BleuChrfGolden, type RougeGolden } from './golden.ts';
import { needsShared } from '../helpers/skip.ts';

// `peft-lab score` end to end: spawn the CLI on temp files and compare with the goldens.

const dir = mkdtempSync(path.join(tmpdir(), 'peft-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const p = path.join(dir, name);
  writeFileSync(p, lines.map((l) => `${l}\n`).join(''));
  return p;
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.SACREBLEU_SEED;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/peft-lab.mjs'), 'score', ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ourVersion = (sig: string) => sig.replace(/\|version:peft-lab:[^|]*$/, `|version:${SACREBLEU_VERSION}`);

describe('peft-lab score on golden inputs', needsShared(metricsGoldenPath('bleu_chrf.json'), metricsGoldenPath('rouge.json')), () => {
  it('corpus BLEU, chrF, chrF++, TER and their bootstrap CIs equal sacrebleu 2.6.0', () => {
    const g = readMetricsGolden<BleuChrfGolden>('bleu_chrf.json');
    // Text files hold one right-stripped line per segment: take a one-reference corpus that fits.
    const fits = (s: string | null) => s !== null && !s.includes('\n') && pyRstrip(s) === s;
    const c = g.cases.find(
      (x) =>
        x.kind === 'corpus' &&
        x.bootstrap !== undefined &&
        (x.references as (string | null)[][]).length === 1 &&
        [...x.hypotheses!, ...(x.references as (string | null)[][])[0]!].every(fits),
    )!;
    expect(c, 'a one-reference corpus with bootstrap vectors').toBeDefined();
    const refs = (c.references as string[][])[0]!;
    const h = file('sysA.hyp', c.hypotheses!);
    const r = file('sysA.ref', refs);
    const run = cli(['--metrics', 'bleu,chrf,chrf++,ter', '--confidence', '--hyp', h, '--ref', r]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual(['bleu', 'chrf', 'chrf++', 'ter']);

    const check = (metric: string, label: string) => c.checks.find((x) => x.metric === metric && x.label === label)!.expected;
    const bleu = out.bleu!;
    const eb = check('bleu', 'bleu-13a');
    expectClose(bleu.score as number, eb.score as number, 'bleu score');
    expect(bleu.counts).toEqual(eb.counts);
    expect(bleu.totals).toEqual(eb.totals);
    expectAllClose(bleu.precisions as number[], eb.precisions as number[], 'bleu precisions');
    expectClose(bleu.bp as number, eb.bp as number, 'bleu bp');
    expect([bleu.sys_len, bleu.ref_len]).toEqual([eb.sys_len, eb.ref_len]);
    expect(bleu.compat).toBe('sacrebleu 2.6.0');
    for (const [key, label, metric] of [
      ['bleu', 'bleu-13a', 'bleu'],
      ['chrf', 'chrf', 'chrf'],
      ['chrf++', 'chrf++', 'chrf'],
      ['ter', 'ter', 'ter'],
    ] as const) {
      const o = out[key]!;
      expectClose(o.score as number, check(metric, label).score as number, `${key} score`);
      const b = c.bootstrap!.find((x) => x.label === label);
      if (!b) continue;
      expectClose(o.mean as number, b.expected.mean, `${key} bootstrap mean`);
      expectClose(o.ci as number, b.expected.ci, `${key} bootstrap ci`);
      expect(ourVersion(o.signature as string)).toBe(b.expected.signature);
    }
    expect(out.ter!.num_edits).toBe(check('ter', 'ter').num_edits);
    expect(out.ter!.ref_length).toBe(check('ter', 'ter').ref_length);
    expect(out.chrf!.name).toBe('chrF2');
  });

  it('--jsonl keeps newlines inside segments for rougeLsum; --sentence gives one object per segment', () => {
    const g = readMetricsGolden<RougeGolden>('rouge.json');
    const cases = g.cases.filter((c) => c.kind === 'score' && c.target!.includes('\n')).slice(0, 3);
    expect(cases.length).toBeGreaterThan(0);
    const jsonl = path.join(dir, 'rouge.jsonl');
    writeFileSync(jsonl, cases.map((c) => JSON.stringify({ hypothesis: c.prediction, references: [c.target] })).join('\n') + '\n');
    for (const stem of [false, true]) {
      const run = cli(['--metrics', 'rouge', '--sentence', '--jsonl', jsonl, ...(stem ? ['--rouge-stemmer'] : [])]);
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as Record<string, Record<string, number>>[];
      expect(out.length).toBe(cases.length);
      out.forEach((seg, i) => {
        const exp = cases[i]!.checks.find((ch) => ch.options.use_stemmer === stem)!.expected;
        expect(Object.keys(seg)).toEqual(['rouge1', 'rouge2', 'rougeL', 'rougeLsum']);
        for (const t of Object.keys(exp))
          for (const k of ['precision', 'recall', 'fmeasure'] as const) expectClose(seg[t]![k]!, exp[t]![k], `${cases[i]!.id} ${t} ${k}`);
      });
    }
  });
});

describe('peft-lab score input errors', () => {
  const h = file('three.hyp', ['a b c', 'd e f', 'g h i']);
  const r = file('two.ref', ['a b c', 'd e f']);

  it('mismatched line counts fail with one line naming both files', () => {
    const run = cli(['--metrics', 'bleu', '--hyp', h, '--ref', r]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/two\.ref' has 2 lines but --hyp '.*three\.hyp' has 3/);
  });

  it('unknown metrics, unreadable files and unknown options fail with exit code 2 and one line', () => {
    for (const [args, pattern] of [
      [['--metrics', 'bleu,meteor', '--hyp', h, '--ref', h], /unknown metric 'meteor'.*valid: bleu, chrf, chrf\+\+, ter, rouge/],
      [['--metrics', 'bleu', '--hyp', h, '--ref', path.join(dir, 'missing.txt')], /cannot read --ref '.*missing\.txt': no such file/],
      [['--metrics', 'bleu', '--tokenize', 'moses', '--hyp', h, '--ref', h], /--tokenize 'moses' is not valid; valid: 13a, intl, none, char/],
      [['--metrics', 'bleu', '--beam', '--hyp', h, '--ref', h], /Unknown option '--beam'/],
    ] as const) {
      const run = cli([...args]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(pattern);
    }
  });
});
