import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cometScore, parseCometOutput } from '../../src/metrics/comet.ts';

// COMET is an external-command plugin: absent scorer → "not available", never a number. A stub
// scorer (a script printing comet-score's format) checks the plumbing: files in, scores parsed.

const dir = mkdtempSync(path.join(tmpdir(), 'peft-comet-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, `#!${process.execPath}\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const input = { sources: ['Hallo Welt', 'Guten Morgen'], hypotheses: ['Hello world', 'Good morning to you'], references: ['Hello, world', 'Good morning'] };

describe('COMET plugin', () => {
  it('reports "not available" when no scorer is installed', async () => {
    const r = await cometScore(input, { command: 'no-such-comet-scorer-on-path' });
    expect(r.available).toBe(false);
    if (!r.available) expect(r.reason).toBe("no COMET scorer: 'no-such-comet-scorer-on-path' is not on PATH");
    const missing = path.join(dir, 'missing-scorer');
    expect(await cometScore(input, { command: missing })).toEqual({
      available: false,
      reason: `no COMET scorer: '${missing}' does not exist or is not executable`,
    });
  });

  it('runs the scorer on source/hypothesis/reference files and reads its scores', async () => {
    // Stub: the score of a segment is its hypothesis length / 100; the system score their mean.
    const stub = script(
      'stub-comet',
      `const fs = require('fs'); const a = process.argv.slice(2);
       const read = (f) => fs.readFileSync(a[a.indexOf(f) + 1], 'utf8').trimEnd().split('\\n');
       const [src, hyp, ref] = [read('-s'), read('-t'), read('-r')];
       if (src.length !== hyp.length || ref.length !== hyp.length) process.exit(3);
       const s = hyp.map((h) => h.length / 100);
       s.forEach((x, i) => console.log('hyp.txt\\tSegment ' + i + '\\tscore: ' + x.toFixed(4)));
       console.log('hyp.txt\\tscore: ' + (s.reduce((p, q) => p + q, 0) / s.length).toFixed(4));`,
    );
    const r = await cometScore(input, { command: stub });
    expect(r).toEqual({ available: true, score: 0.15, segments: [0.11, 0.19], command: stub });
  });

  it('a failing scorer is "not available" with its error, not a number', async () => {
    const bad = script('bad-comet', `console.error('CUDA out of memory'); process.exit(1);`);
    const r = await cometScore(input, { command: bad });
    expect(r).toEqual({ available: false, reason: `COMET scorer '${bad}' failed (exit 1): CUDA out of memory` });
  });

  it('parses the older "System score" format and rejects incomplete output', () => {
    expect(parseCometOutput('Segment 0\tscore: 0.5\nSegment 1\tscore: 0.7\nSystem score: 0.6\n', 2)).toEqual({ score: 0.6, segments: [0.5, 0.7] });
    expect(parseCometOutput('Segment 0\tscore: 0.5\nSystem score: 0.5\n', 2)).toMatch(/lacks a score/);
    expect(parseCometOutput('nothing here', 1)).toMatch(/no system score/);
  });
});
