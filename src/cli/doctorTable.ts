/**
 * `peft-lab doctor` as a readable table: one row per fact, the reasons beside them. The same report
 * is printed as JSON with --json (its shape is below).
 */
import type { BackendInfo } from '../engine/backend.ts';
import type { NativeBuildStatus } from '../engine/native/addon.ts';

export interface DoctorReport {
  backend: (BackendInfo | { error: string }) & { choices: string[]; requested: string | null };
  native: {
    available: boolean;
    active_for: string[];
    reason?: string;
    stale?: string;
    isa?: string;
    isa_reason?: string;
    threads?: number;
    self_test?: string;
    compiled?: string[];
    build: NativeBuildStatus | null;
    path: string;
    environment: Record<string, string | null>;
  };
  cpu: { model: string; logical_cores: number; arch: string; features: string[] | null };
  node: string;
  platform: string;
}

type Row = [string, string];

function backendRows(b: DoctorReport['backend']): Row[] {
  const choose: Row = ['  choices', `PEFT_BACKEND=${b.choices.join('|')} (${b.requested ? `set to ${b.requested}` : 'unset: the first that loads'})`];
  if ('error' in b) return [['backend', `none: ${b.error}`], choose];
  return [
    ['backend', `${b.choice} (tfjs backend '${b.tfBackend}', tfjs-core ${b.tfjsVersion})`],
    ...(b.skipped.length ? [['  skipped', b.skipped.join('; ')] as Row] : []),
    choose,
    ['  kernel overrides', b.overrides.length ? `${b.overrides.length}: ${b.overrides.join(', ')}` : 'none'],
  ];
}

function nativeRows(n: DoctorReport['native']): Row[] {
  const env = Object.entries(n.environment)
    .map(([k, v]) => `${k}=${v ?? '-'}`)
    .join(' ');
  if (!n.available)
    return [
      ['native kernels', `not in use: ${n.reason ?? 'unknown reason'}`],
      ['  environment', env],
    ];
  const build = n.build
    ? `${n.build.ok ? 'ok' : 'failed'}${n.build.compiler ? `, ${n.build.compiler}` : ''}${n.build.at ? `, ${n.build.at}` : ''}`
    : 'no status file';
  return [
    ['native kernels', n.active_for.length ? `in use for ${n.active_for.join(', ')}` : 'loaded (no backend started)'],
    ['  isa', `${n.isa}: ${n.isa_reason}`],
    ['  compiled', (n.compiled ?? []).join(', ')],
    ['  threads', String(n.threads)],
    ['  self-test', n.self_test ?? '-'],
    ['  build', build + (n.stale ? ` (${n.stale})` : '')],
    ['  environment', env],
  ];
}

/** The report as aligned "name  value" lines. */
export function doctorTable(r: DoctorReport): string {
  const rows: Row[] = [
    ...backendRows(r.backend),
    ...nativeRows(r.native),
    ['cpu', `${r.cpu.model}, ${r.cpu.logical_cores} logical cores, ${r.cpu.arch}`],
    ['  features', r.cpu.features?.join(' ') ?? 'unknown'],
    ['node', `${r.node} (${r.platform})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
