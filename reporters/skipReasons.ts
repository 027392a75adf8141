/**
 * Ends a test run with one line per reason tests were skipped for, e.g.
 * "22 tests skipped: ../shared not found (set PEFT_SHARED_DIR)", so that a clone without the shared
 * data sees at a glance what did not run and how to change that. Reasons come from the skipped
 * test's meta (test/helpers/skip.ts) or from `ctx.skip(note)`.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type {} from '../test/helpers/skip.ts';

/** Skipped tests counted by reason, most frequent first; tests skipped without a reason are left out. */
export function skipCounts(modules: ReadonlyArray<TestModule>): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of modules)
    for (const tc of m.children.allTests()) {
      const r = tc.result();
      if (r.state !== 'skipped') continue;
      const reason = tc.meta().skipReason ?? r.note;
      if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

export function skipLines(counts: [string, number][]): string[] {
  return counts.map(([reason, n]) => `${n} test${n === 1 ? '' : 's'} skipped: ${reason}`);
}

export default class SkipReasonsReporter implements Reporter {
  private log: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const line of skipLines(skipCounts(testModules))) this.log(line);
  }
}
