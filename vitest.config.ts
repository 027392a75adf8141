import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.test.ts', 'plugins/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Model tests load the wasm backend once per worker; two workers match the two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
