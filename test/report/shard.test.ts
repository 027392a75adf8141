import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportInput } from '../../src/report/input.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { relocateBlob } from '../../bin/merge-blobs.mjs';

/*
 * A grid split over machines must give the same REPORT.md as one run: run two fixture suites
 * unsharded with the report reporter, then as two shards writing blob reports (one as if it ran in
 * another checkout), merge them with bin/merge-blobs.mjs (`vitest --merge-reports` and the report
 * reporter) and compare everything but timings.
 */

const VITEST = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const CONFIG = path.join(REPO_ROOT, 'test', 'report', 'shard', 'vitest.config.ts');
const REPORTER = path.join(REPO_ROOT, 'reporters', 'report.ts');
const MERGE_BLOBS = path.join(REPO_ROOT, 'bin', 'merge-blobs.mjs');

function vitest(args: string[], reportDir?: string, script = VITEST) {
  const r = spawnSync(process.execPath, [script, ...args, '--config', CONFIG], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      PEFT_REPORT_DIR: reportDir ?? '',
      PEFT_BENCH_JSON: path.join(REPO_ROOT, 'no-bench.json'),
      FORCE_COLOR: '0',
      VITEST: undefined,
      VITEST_POOL_ID: undefined,
      VITEST_WORKER_ID: undefined,
      NODE_OPTIONS: undefined,
    },
  });
  if (r.status !== 0) throw new Error(`vitest ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Everything but when it ran and how long each test took. */
function content(dir: string) {
  const md = readFileSync(path.join(dir, 'REPORT.md'), 'utf8').replace(/ on \d{4}-\d\d-\d\dT[\d:.]+Z\./, ' on <time>.');
  const data = JSON.parse(readFileSync(path.join(dir, 'report-assets', 'report-data.json'), 'utf8')) as ReportInput;
  const tests = data.tests.map((t) => ({ ...t, duration_ms: 0 })).sort((a, b) => (a.file + a.path.join('/')).localeCompare(b.file + b.path.join('/')));
  const assets = path.join(dir, 'report-assets');
  const charts = Object.fromEntries(
    readdirSync(assets)
      .filter((f) => f.endsWith('.svg'))
      .sort()
      .map((f) => [f, readFileSync(path.join(assets, f), 'utf8')]),
  );
  return { md, tests, charts };
}

describe('sharded and unsharded runs give the same report', () => {
  it('vitest --shard=i/n --reporter=blob, then --merge-reports with the report reporter', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-shard-'));
    const whole = path.join(tmp, 'whole');
    const merged = path.join(tmp, 'merged');
    const blobs = path.join(tmp, 'blobs');
    vitest(['run', '--reporter', REPORTER], whole);
    for (const i of [1, 2]) {
      const r = vitest(['run', `--shard=${i}/2`, '--reporter=blob', `--outputFile=${path.join(blobs, `blob-${i}-2.json`)}`]);
      expect(r.stdout + r.stderr).not.toContain('PEFT Lab report');
    }
    // A shard from another machine or folder names that checkout's paths, which vitest alone cannot merge.
    const moved = path.join(blobs, 'blob-2-2.json');
    writeFileSync(moved, relocateBlob(readFileSync(moved, 'utf8'), '/elsewhere/peft-lab'));
    expect(readFileSync(moved, 'utf8')).toContain('/elsewhere/peft-lab/test/report/shard/');
    vitest([blobs], merged, MERGE_BLOBS);
    const a = content(whole);
    const b = content(merged);
    expect(a.tests.length).toBe(2 * 2 * 8);
    expect(a.md).toContain('## 8. Recommendations');
    // Per block: three Pareto charts, the loss curves and the by-method chart.
    expect(Object.keys(a.charts)).toHaveLength(4 * 5);
    expect(b.tests).toEqual(a.tests);
    expect(b.charts).toEqual(a.charts);
    expect(b.md).toBe(a.md);
  }, 180_000);
});
