// Each (task, base model) block has its own suite file, so that `vitest --shard=i/n` hands out whole
// blocks: a block is what one session or machine runs (suites/README.md). A new model family needs its
// files, or its blocks would never run.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FAMILIES } from '../../src/experiment/baseModels.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';

describe('suite files', () => {
  for (const task of ['translation', 'summarization'] as const)
    for (const family of MODEL_FAMILIES)
      it(`suites/${task}/${family}.test.ts defines the ${task} block on ${family}`, () => {
        const file = path.join(REPO_ROOT, 'suites', task, `${family}.test.ts`);
        expect(existsSync(file), file).toBe(true);
        expect(readFileSync(file, 'utf8')).toContain(`defineExperimentSuite('${task}', '${family}',`);
      });
  for (const family of MODEL_FAMILIES)
    it(`suites/summarization/news-${family}.test.ts defines the news blocks on ${family}`, () => {
      const file = path.join(REPO_ROOT, 'suites', 'summarization', `news-${family}.test.ts`);
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain(`defineNewsBlocks('${family}');`);
    });
});
