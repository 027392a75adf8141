import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEnvironmentError, writingUnder } from '../../src/util/envErrors.ts';
import { appendJsonLine } from '../../src/util/jsonl.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { peftLab } from '../helpers/cli.ts';
import { skipUnless } from '../helpers/skip.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-env-err-'));
afterAll(() => {
  chmodSync(tmp, 0o755);
  rmSync(tmp, { recursive: true, force: true });
});

/** An error as Node's fs raises it. */
function fsError(code: string, syscall: string, file?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall}${file ? ` '${file}'` : ''}`), { code, syscall, ...(file ? { path: file } : {}) });
}

/** The input `peft-lab report` needs: an empty report. */
const dataFile = path.join(tmp, 'report-data.json');
writeFileSync(dataFile, JSON.stringify({ tests: [], bench: null, generated_at: '2024-01-01T00:00:00.000Z' }));

/** A failing command: exit 1, one line on stderr that is not "internal error", no stack. */
function expectEnvLine(args: string[], pattern: RegExp) {
  const r = peftLab(args);
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).not.toMatch(/internal error/);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const HAS_DEV_FULL = existsSync('/dev/full');

/** Whether chmod can stop this process from writing (it cannot for root). */
function chmodStopsWrites(): boolean {
  const probe = path.join(tmp, 'probe');
  mkdirSync(probe);
  chmodSync(probe, 0o555);
  try {
    accessSync(probe, constants.W_OK);
    writeFileSync(path.join(probe, 'x'), '');
    return false;
  } catch {
    return true;
  } finally {
    chmodSync(probe, 0o755);
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Whether a file-size limit can be set in a child shell (RLIMIT_FSIZE, to make a write fail part-way). */
const CAN_LIMIT_FILE_SIZE = spawnSync('bash', ['-c', "trap '' XFSZ; ulimit -f 1"]).status === 0;

describe('environment error mapper', () => {
  it("the wasm backend's heap used up: what happened and what to do, never an internal error", () => {
    const text = describeEnvironmentError(new WebAssembly.RuntimeError('memory access out of bounds'));
    expect(text).toMatch(/^the wasm backend ran out of memory .*: train fewer parameters \(LoRA instead of full fine-tuning\), .*PEFT_BACKEND=tfjs-node$/);
    // Other WebAssembly failures are bugs to report, not the machine's limits.
    expect(describeEnvironmentError(new WebAssembly.RuntimeError('unreachable'))).toBeUndefined();
    expect(describeEnvironmentError(new Error('memory access out of bounds'))).toBeUndefined();
  });

  it('ENOSPC and EROFS: the path, the cause and what to do, in one line', () => {
    expect(describeEnvironmentError(fsError('EROFS', 'open', '/mnt/ro/run/loss_log.jsonl'))).toBe(
      'cannot write /mnt/ro/run/loss_log.jsonl: the file system is read-only (EROFS); choose a writable folder (e.g. an output_dir under your home or /tmp)',
    );
    expect(describeEnvironmentError(fsError('ENOSPC', 'write', '/data/run/adapter.safetensors'))).toBe(
      'cannot write /data/run/adapter.safetensors: no space left on the device (ENOSPC); free some space there, or write to a folder on another disk',
    );
    expect(describeEnvironmentError(fsError('EACCES', 'scandir', '/root/x'))).toMatch(
      /^cannot read \/root\/x: permission denied \(EACCES\); fix its permissions/,
    );
    expect(describeEnvironmentError(fsError('ENOTDIR', 'mkdir', '/a/file/b'))).toMatch(
      /^cannot write \/a\/file\/b: a part of the path is a file, not a folder \(ENOTDIR\)/,
    );
    expect(describeEnvironmentError(fsError('EISDIR', 'open', '/a/dir'))).toMatch(
      /^cannot write \/a\/dir: it is a folder, but a file is needed there \(EISDIR\)/,
    );
  });

  it('write(2) gives ENOSPC no path: writingUnder names the folder being written', async () => {
    const e = await writingUnder('/data/run', () => {
      throw fsError('ENOSPC', 'write');
    }).catch((x: unknown) => x);
    expect(describeEnvironmentError(e)).toBe(
      'cannot write under /data/run: no space left on the device (ENOSPC); free some space there, or write to a folder on another disk',
    );
  });

  it('finds the failure as the cause of another error, and leaves other errors alone', () => {
    expect(describeEnvironmentError(new Error('saving failed', { cause: fsError('EROFS', 'rename', '/ro/x') }))).toMatch(
      /^cannot write \/ro\/x: the file system is read-only/,
    );
    expect(describeEnvironmentError(new TypeError('x is undefined'))).toBeUndefined();
    expect(describeEnvironmentError(Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(describeEnvironmentError('a string')).toBeUndefined();
  });

  it('a real ENOSPC (/dev/full) is described with its path', skipUnless(HAS_DEV_FULL, 'no /dev/full on this system'), () => {
    let caught: unknown;
    try {
      appendJsonLine('/dev/full', { step: 1, loss: 2 });
    } catch (e) {
      caught = e;
    }
    expect((caught as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(describeEnvironmentError(caught)).toMatch(/^cannot write \/dev\/full: no space left on the device \(ENOSPC\)/);
  });
});

describe('loss_log.jsonl stays valid JSONL when a write fails part-way', () => {
  it('a line cut off by a full disk / size limit is taken back', skipUnless(CAN_LIMIT_FILE_SIZE, 'cannot set a file-size limit (ulimit -f) here'), () => {
    // A child with a 1 KiB file-size limit (and SIGXFSZ ignored, so write returns EFBIG): the fourth
    // ~300-byte line crosses the limit, so the kernel writes part of it and fails the rest.
    const log = path.join(tmp, 'limited', 'loss_log.jsonl');
    mkdirSync(path.dirname(log), { recursive: true });
    const script = path.join(tmp, 'append.mts');
    writeFileSync(
      script,
      [
        `import { appendJsonLine } from ${JSON.stringify(path.join(REPO_ROOT, 'src/util/jsonl.ts'))};`,
        `import { describeEnvironmentError } from ${JSON.stringify(path.join(REPO_ROOT, 'src/util/envErrors.ts'))};`,
        'let step = 0;',
        'try {',
        `  for (; step < 100; step++) appendJsonLine(${JSON.stringify(log)}, { step, loss: 1 / (step + 1), note: 'x'.repeat(260) });`,
        '} catch (e) {',
        '  console.log(JSON.stringify({ step, code: e.code, line: describeEnvironmentError(e) }));',
        '}',
      ].join('\n'),
    );
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 1; exec "${process.execPath}" --import tsx "${script}"`], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { step: number; code: string; line: string };
    expect(out.code).toBe('EFBIG');
    expect(out.step).toBe(3);
    expect(out.line).toMatch(new RegExp(`^cannot write ${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file would be larger than this system allows`));
    const text = readFileSync(log, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number });
    expect(rows.map((x) => x.step)).toEqual([0, 1, 2]);
  });
});

describe('the CLI reports environment failures, not "internal error"', () => {
  it('ENOSPC (a file on a full device) names the file', skipUnless(HAS_DEV_FULL, 'no /dev/full on this system'), () => {
    const out = path.join(tmp, 'full');
    mkdirSync(path.join(out, 'report-assets'), { recursive: true });
    symlinkSync('/dev/full', path.join(out, 'report-assets', 'report-data.json'));
    expectEnvLine(
      ['report', '--data', dataFile, '--out', out],
      new RegExp(`^peft-lab: cannot write (under )?${out}.*: no space left on the device \\(ENOSPC\\); free some space`),
    );
  });

  it('ENOTDIR (a file where a folder should be) names the path', () => {
    const file = path.join(tmp, 'plain-file');
    writeFileSync(file, '');
    expectEnvLine(
      ['report', '--data', dataFile, '--out', path.join(file, 'sub')],
      /^peft-lab: cannot write .*plain-file\/sub\/report-assets: a part of the path is a file, not a folder \(ENOTDIR\); remove or rename that file/,
    );
  });

  it('EISDIR (a folder where a file should be) names it', () => {
    const out = path.join(tmp, 'isdir');
    mkdirSync(path.join(out, 'REPORT.md'), { recursive: true });
    expectEnvLine(
      ['report', '--data', dataFile, '--out', out],
      /^peft-lab: cannot write .*\(to .*isdir\/REPORT\.md\): it is a folder, but a file is needed there \(EISDIR\); give the path of a file/,
    );
  });

  it('EACCES (a read-only folder) names it', skipUnless(chmodStopsWrites(), 'running as root: chmod does not stop writes'), () => {
    const out = path.join(tmp, 'readonly');
    mkdirSync(out);
    chmodSync(out, 0o555);
    try {
      expectEnvLine(['report', '--data', dataFile, '--out', out], /^peft-lab: cannot write .*readonly.*: permission denied \(EACCES\); fix its permissions/);
    } finally {
      chmodSync(out, 0o755);
    }
  });
});
