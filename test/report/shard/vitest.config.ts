// Config for the sharded-vs-unsharded report test (test/report/shard.test.ts): two small experiment
// "suites" that attach fixed results to their tests' meta, as the real suites do.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..'),
  test: { include: ['test/report/shard/*.suite.ts'], pool: 'forks', maxWorkers: 2, reporters: ['default'] },
});
