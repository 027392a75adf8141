import os from 'node:os';
import { readFileSync } from 'node:fs';
import { initBackend, type BackendInfo } from '../../engine/backend.ts';
import { BACKEND_CHOICES } from '../../engine/backendChoices.ts';
import { nativeStatus } from '../../engine/native/addon.ts';
import { isaReason } from '../../engine/native/isaChoice.ts';
import { doctorTable, type DoctorReport } from '../doctorTable.ts';
import { printJson, type Command } from '../command.ts';

/** The CPU flags that decide which kernels run (Linux reports them in /proc/cpuinfo). */
const INTERESTING_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile', 'asimd', 'sve'];

function cpuFeatures(): string[] | undefined {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
    if (!line) return undefined;
    const flags = new Set(line.split(':')[1]!.trim().split(/\s+/));
    return INTERESTING_FLAGS.filter((f) => flags.has(f));
  } catch {
    return undefined;
  }
}

const NATIVE_ENV = ['PEFT_NATIVE', 'PEFT_NATIVE_THREADS', 'PEFT_NATIVE_ISA', 'PEFT_NATIVE_KERNELS'] as const;

function nativeReport(): DoctorReport['native'] {
  const native = nativeStatus();
  return {
    available: native.available,
    active_for: native.activeFor,
    ...(native.reason ? { reason: native.reason } : {}),
    ...(native.stale ? { stale: 'built from older sources: run `node native/build.mjs`' } : {}),
    ...(native.info
      ? {
          isa: native.info.isa,
          isa_reason: isaReason(native.info),
          threads: native.info.threads,
          self_test: native.info.selfTest,
          compiled: native.info.compiled,
        }
      : {}),
    build: native.build ?? null,
    path: native.path,
    environment: Object.fromEntries(NATIVE_ENV.map((k) => [k, process.env[k] ?? null])),
  };
}

async function report(): Promise<DoctorReport> {
  let backend: BackendInfo | { error: string };
  try {
    backend = await initBackend();
  } catch (e) {
    backend = { error: (e as Error).message };
  }
  const cpus = os.cpus();
  return {
    backend: { ...backend, choices: [...BACKEND_CHOICES], requested: process.env.PEFT_BACKEND ?? null },
    native: nativeReport(),
    cpu: { model: cpus[0]?.model ?? 'unknown', logical_cores: cpus.length, arch: process.arch, features: cpuFeatures() ?? null },
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export const command: Command = {
  name: 'doctor',
  summary: 'which compute backend and native kernels are in use here, and why',
  usage:
    'peft-lab doctor [--json]\n' +
    '  prints the backend chosen (and why faster ones were skipped), the native kernels and the instruction set\n' +
    '  they chose (and why), and the CPU; --json prints the same as one JSON object',
  options: { json: { type: 'boolean' } },
  async run(values) {
    const r = await report();
    if (values.json === true) printJson(r);
    else process.stdout.write(doctorTable(r) + '\n');
  },
};
