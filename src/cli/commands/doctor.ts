import os from 'node:os';
import { readFileSync } from 'node:fs';
import { initBackend, type BackendInfo } from '../../engine/backend.ts';
import { nativeStatus } from '../../engine/native/addon.ts';
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

export const command: Command = {
  name: 'doctor',
  summary: 'which compute backends and native kernels are available here',
  usage: 'peft-lab doctor   (prints JSON: backend chosen, backends skipped and why, native kernels, CPU)',
  options: {},
  async run() {
    let backend: BackendInfo | { error: string };
    try {
      backend = await initBackend();
    } catch (e) {
      backend = { error: (e as Error).message };
    }
    const native = nativeStatus();
    const cpus = os.cpus();
    printJson({
      backend,
      native: {
        available: native.available,
        active_for: native.activeFor,
        ...(native.reason ? { reason: native.reason } : {}),
        ...(native.stale ? { stale: 'built from older sources: run `node native/build.mjs`' } : {}),
        ...(native.info ? { isa: native.info.isa, threads: native.info.threads, self_test: native.info.selfTest, compiled: native.info.compiled } : {}),
        build: native.build ?? null,
        path: native.path,
        environment: {
          PEFT_NATIVE: process.env.PEFT_NATIVE ?? null,
          PEFT_NATIVE_THREADS: process.env.PEFT_NATIVE_THREADS ?? null,
          PEFT_NATIVE_ISA: process.env.PEFT_NATIVE_ISA ?? null,
          PEFT_NATIVE_KERNELS: process.env.PEFT_NATIVE_KERNELS ?? null,
        },
      },
      cpu: {
        model: cpus[0]?.model ?? 'unknown',
        logical_cores: cpus.length,
        arch: process.arch,
        features: cpuFeatures() ?? native.info?.cpu ?? null,
      },
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    });
  },
};
