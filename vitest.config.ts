import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.test.ts', 'plugins/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Model tests load the wasm backend once per worker; two workers match the two cores.
    pool: 'forks',
    maxWorkers: 2,
    // The report reporter writes REPORT.md when experiment suites ran (a no-op otherwise); the skip
    // reporter ends the run with why tests were skipped (e.g. no ../shared); .ci/run sets
    // PEFT_TEST_REPORT to read the pass/fail counts from vitest's JSON report.
    reporters: process.env.PEFT_TEST_REPORT
      ? ['default', './reporters/report.ts', './reporters/skipReasons.ts', ['json', { outputFile: process.env.PEFT_TEST_REPORT }]]
      : ['default', './reporters/report.ts', './reporters/skipReasons.ts'],
    // Spawned `peft-lab` runs the TypeScript under test, not a build in dist/ (test/cli/launcher.test.ts
    // checks the build against it).
    env: { PEFT_CLI_SOURCES: '1' },
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
