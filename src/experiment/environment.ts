/**
 * Where a result was measured: hardware, compute backend, versions and the git commit. Captured in
 * the process that ran the experiment (a sharded run may span machines; the report lists each one).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../engine/backend.ts';
import { REPO_ROOT } from '../util/paths.ts';
import type { EnvironmentRecord } from './results.ts';

function packageVersion(file: string): string {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

let cached: EnvironmentRecord | undefined;

export async function captureEnvironment(): Promise<EnvironmentRecord> {
  if (cached) return cached;
  const backend = await initBackend();
  const cpus = os.cpus();
  // Only tracked files count as "dirty": experiment outputs and caches are untracked.
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  cached = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    backend: backend.choice,
    tfjs: backend.tfjsVersion,
    kernels: backend.overrides.length,
    peft_lab: packageVersion(path.join(REPO_ROOT, 'package.json')),
    vitest: packageVersion(path.join(REPO_ROOT, 'node_modules', 'vitest', 'package.json')),
    git_commit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    git_dirty: status === undefined ? false : status !== '',
  };
  return cached;
}
