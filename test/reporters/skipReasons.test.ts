import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { SHARED_MISSING } from '../helpers/skip.ts';

/** A vitest run of its own, without ../shared, on a file using the skip helpers. */
describe('the end of a run says how many tests were skipped and why', () => {
  it("counts the tests each reason skipped (the suites' included), leaving reasonless skips out", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-skip-reporter-'));
    const helper = path.join(REPO_ROOT, 'test', 'helpers', 'skip.ts');
    writeFileSync(
      path.join(dir, 'x.test.ts'),
      [
        "import { describe, it } from 'vitest';",
        `import { needsShared, skipUnless } from ${JSON.stringify(helper)};`,
        "describe('needs the data', needsShared(), () => { it('a', () => {}); it('b', () => {}); });",
        "it('needs a file in it', needsShared('found', undefined), () => {});",
        "it('optional package', skipUnless(false, 'the package is absent'), () => {});",
        "it.skip('no reason', () => {});",
        "it('runs', () => {});",
      ].join('\n'),
    );
    const r = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--root',
        dir,
        '--reporter=default',
        `--reporter=${path.join(REPO_ROOT, 'reporters', 'skipReasons.ts')}`,
      ],
      { encoding: 'utf8', env: { ...process.env, PEFT_SHARED_DIR: path.join(dir, 'no-shared'), NO_COLOR: '1' } },
    );
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const tail = r.stdout.trim().split('\n').slice(-2);
    expect(tail).toEqual([`3 tests skipped: ${SHARED_MISSING}`, '1 test skipped: the package is absent']);
  });
});
