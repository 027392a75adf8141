import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.ts';

export const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');

/** Runs `peft-lab …` as a user would (a separate Node process). */
export function peftLab(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
