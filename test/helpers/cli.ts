import { vi } from 'vitest';
import type { Command } from '../../src/cli/command.ts';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.ts';

export const CLI = path.join(REPO_ROOT, 'bin', 'peft-lab.mjs');

/** Runs `peft-lab …` as a user would (a separate Node process). */
export function peftLab(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command in-process (no child process start-up) and returns the JSON it printed. */
export async function runInProcess(cmd: Command, values: Record<string, string | boolean | undefined>): Promise<Record<string, unknown>> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await cmd.run(values, []);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(chunks.join('')) as Record<string, unknown>;
}
