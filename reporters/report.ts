/**
 * The vitest reporter that writes REPORT.md: it collects the ExperimentResult (and the comparison and
 * decoding data) each experiment test attached to its `meta`, with every test's outcome, and renders
 * REPORT.md.hbs (src/report). It works the same on a merged sharded run
 * (`vitest --merge-reports --reporter=./reporters/report.ts`): the meta travels in the blob files, and
 * the report orders everything by the suites' grid, not by arrival.
 *
 * Runs without experiment tests (e.g. `npm test`) write nothing. A run of part of the grid merges into
 * the report already in its folder (src/report/merge.ts) instead of replacing it; a merge of shard
 * blobs is taken as the whole run and replaces it.
 */
import path from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import '../src/report/taskMeta.ts';
import { readBenchJson } from '../src/report/bench.ts';
import type { TestRecord } from '../src/report/input.ts';
import { benchJsonFor, reportDir } from '../src/report/location.ts';
import { writeReport } from '../src/report/render.ts';
import { registerAllMethodInfos } from '../plugins/methodInfos.ts';

// The report runs in vitest's main process, where no test setup registered the methods: what it
// needs of them (names, the baseline, summary lines) is registered here, without the tensor engine.
registerAllMethodInfos();

function pathOf(tc: TestCase): string[] {
  const names: string[] = [tc.name];
  let p = tc.parent;
  while (p.type === 'suite') {
    names.unshift(p.name);
    p = p.parent;
  }
  return names;
}

export function testRecords(modules: ReadonlyArray<TestModule>, root: string): TestRecord[] {
  const out: TestRecord[] = [];
  for (const m of modules) {
    const cases = [...m.children.allTests()];
    // Only the experiment suites: files where some test carries experiment data.
    if (!cases.some((tc) => tc.meta().peftLab)) continue;
    for (const tc of cases) {
      const r = tc.result();
      out.push({
        file: path.relative(root, m.moduleId).split(path.sep).join('/'),
        path: pathOf(tc),
        state: r.state,
        errors: r.state === 'failed' ? (r.errors ?? []).map((e) => String(e.message ?? e).split('\n')[0]!) : [],
        ...(r.state === 'skipped' && r.note ? { note: r.note } : {}),
        duration_ms: tc.diagnostic()?.duration ?? 0,
        ...(tc.meta().peftLab ? { meta: tc.meta().peftLab } : {}),
      });
    }
  }
  return out;
}

export default class PeftLabReportReporter implements Reporter {
  private root = process.cwd();
  private merged = false;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.merged = Boolean(vitest.config.mergeReports);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests = testRecords(testModules, this.root);
    if (!tests.length) return;
    const profiles = [...new Set(tests.flatMap((t) => (t.meta?.experiment ? [t.meta.experiment.profile] : [])))].sort();
    const dir = reportDir(profiles);
    // A merge of shard blobs is a whole run of its own: it replaces the folder's report, not adds to it.
    const written = writeReport(
      {
        tests,
        bench: readBenchJson(benchJsonFor(dir)),
        generated_at: new Date().toISOString(),
        ...(this.merged ? { merged_from_shards: true } : {}),
      },
      dir,
      undefined,
      { merge: !this.merged },
    );
    const kept = written.view.carried.map((c) => c.block);
    const keptNote = kept.length ? `; kept from an earlier run: ${kept.join(', ')}` : '';
    process.stderr.write(`\nPEFT Lab report: ${path.relative(process.cwd(), written.file) || written.file} (${written.charts.length} charts${keptNote})\n`);
  }
}
