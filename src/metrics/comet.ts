import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * COMET as an external-command plugin.
 *
 * COMET needs a ~2 GB neural model, which this project neither ships nor can run, so it is never
 * computed here. If the user has a scorer installed (Unbabel's `comet-score` by default, or any
 * command given by PEFT_COMET_COMMAND / `command`), we call it with sacrebleu-style text files and
 * read its output; otherwise the result is `{ available: false, reason }`. No fallback number is
 * ever made up.
 *
 * The command is run as `<command> -s SRC -t HYP -r REF [...args]` and must print comet-score's
 * format: one `Segment <i>\tscore: <x>` line per segment and a final `score: <x>` system line.
 */

export interface CometInput {
  sources: readonly string[];
  hypotheses: readonly string[];
  /** One reference per segment (COMET uses a single reference). */
  references: readonly string[];
}

export interface CometOptions {
  /** The scorer command; default $PEFT_COMET_COMMAND, else `comet-score`. */
  command?: string;
  /** Extra arguments, e.g. `['--model', 'Unbabel/wmt22-comet-da', '--gpus', '0']`. */
  args?: readonly string[];
  /** Kill the scorer after this long (default 1 hour). */
  timeoutMs?: number;
}

export type CometResult = { available: true; score: number; segments: number[]; command: string } | { available: false; reason: string };

/** The executable path for `command` (a path, or a name searched on PATH), or undefined. */
export function findExecutable(command: string): string | undefined {
  const isExec = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return isExec(command) ? path.resolve(command) : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, command);
    if (isExec(p)) return p;
  }
  return undefined;
}

/** The scorer command `opts` names: `command`, else $PEFT_COMET_COMMAND, else `comet-score`. */
export function cometCommand(opts: Pick<CometOptions, 'command'> = {}): string {
  return opts.command ?? (process.env.PEFT_COMET_COMMAND || 'comet-score');
}

/** Why `command` cannot be run (undefined when it can): checked before any input is gathered for it. */
export function missingScorerReason(command: string): string | undefined {
  if (findExecutable(command)) return undefined;
  return `no COMET scorer: '${command}' ${command.includes('/') ? 'does not exist or is not executable' : 'is not on PATH'}`;
}

/** Parses comet-score output into segment scores and the system score. */
export function parseCometOutput(stdout: string, nSegments: number): { score: number; segments: number[] } | string {
  const segments = new Array<number>(nSegments).fill(NaN);
  let system: number | undefined;
  for (const line of stdout.split('\n')) {
    const seg = /Segment\s+(\d+)\s+score:\s*(\S+)/.exec(line);
    if (seg) {
      const i = Number(seg[1]);
      if (i < nSegments) segments[i] = Number(seg[2]);
      continue;
    }
    const sys = /(?:^|\t|\s)score:\s*(\S+)\s*$/.exec(line);
    if (sys) system = Number(sys[1]);
  }
  if (system === undefined || !Number.isFinite(system)) return 'no system score line in the scorer output';
  if (segments.some((s) => !Number.isFinite(s))) return 'the scorer output lacks a score for some segments';
  return { score: system, segments };
}

/** Runs the external COMET scorer, or reports why it is not available. */
export async function cometScore(input: CometInput, opts: CometOptions = {}): Promise<CometResult> {
  const n = input.hypotheses.length;
  if (input.sources.length !== n || input.references.length !== n)
    return { available: false, reason: `COMET needs one source and one reference per hypothesis (${n} hypotheses)` };
  const command = cometCommand(opts);
  const exe = findExecutable(command);
  if (!exe) return { available: false, reason: missingScorerReason(command)! };
  const dir = mkdtempSync(path.join(tmpdir(), 'peft-comet-'));
  try {
    const files = { src: path.join(dir, 'src.txt'), hyp: path.join(dir, 'hyp.txt'), ref: path.join(dir, 'ref.txt') };
    const write = (f: string, lines: readonly string[]) => writeFileSync(f, lines.map((l) => l.replace(/\n/g, ' ')).join('\n') + '\n');
    write(files.src, input.sources);
    write(files.hyp, input.hypotheses);
    write(files.ref, input.references);
    const args = ['-s', files.src, '-t', files.hyp, '-r', files.ref, ...(opts.args ?? [])];
    const { code, stdout, stderr } = await run(exe, args, opts.timeoutMs ?? 3_600_000);
    if (code !== 0) {
      const last = stderr.trim().split('\n').pop() ?? '';
      return { available: false, reason: `COMET scorer '${command}' failed (exit ${code})${last ? `: ${last}` : ''}` };
    }
    const parsed = parseCometOutput(stdout, n);
    if (typeof parsed === 'string') return { available: false, reason: `COMET scorer '${command}': ${parsed}` };
    return { available: true, ...parsed, command };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(exe: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: stderr + String(e.message) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
