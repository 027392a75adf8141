/**
 * Skipping with a reason: tests that cannot run here (no ../shared, an optional package absent) are
 * skipped through these options, which record why in the test's meta; reporters/skipReasons.ts prints
 * how many tests each reason skipped at the end of the run.
 *
 *   describe('goldens', needsShared(goldenPath('models', 'tiny-gpt2')), () => { … });
 *
 * Vitest still runs the body of a skipped suite (to list its tests), so a suite body must not read
 * shared files unguarded: read them in the tests or hooks, or only when the path was found.
 */
import type { TestOptions } from 'vitest';
import { sharedDir } from '../../src/util/paths.ts';

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Why the test was skipped (set only on skipped tests). */
    skipReason?: string;
  }
}

export const SHARED_MISSING = '../shared not found (set PEFT_SHARED_DIR)';
export const SHARED_INCOMPLETE = 'a file the test needs is missing from the shared folder';
export const NATIVE_MISSING = 'native kernels not loaded (node native/build.mjs; peft-lab doctor says why)';

/** The shared data folder, or undefined in a clone without it. */
export const SHARED = sharedDir();

/** Options that skip the test (or every test of the suite) with `reason` unless `condition` holds. */
export function skipUnless(condition: unknown, reason: string): TestOptions {
  return condition ? {} : { skip: true, meta: { skipReason: reason } };
}

/**
 * Skips unless the shared folder is present and every `required` path inside it was found (pass
 * what goldenPath() and friends returned: undefined means missing).
 */
export function needsShared(...required: (string | undefined)[]): TestOptions {
  if (!SHARED) return skipUnless(false, SHARED_MISSING);
  return skipUnless(
    required.every((r) => r !== undefined),
    SHARED_INCOMPLETE,
  );
}
