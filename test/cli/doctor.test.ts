import { describe, expect, it, vi } from 'vitest';
import { command } from '../../src/cli/commands/doctor.ts';
import { doctorTable, type DoctorReport } from '../../src/cli/doctorTable.ts';
import { BACKEND_CHOICES } from '../../src/engine/backendChoices.ts';
import { runInProcess } from '../helpers/cli.ts';

const report: DoctorReport = {
  backend: {
    choice: 'wasm',
    tfBackend: 'wasm',
    tfjsVersion: '4.22.0',
    overrides: ['wasm:BatchMatMul', 'native:Exp'],
    skipped: ['@tensorflow/tfjs-node-gpu: not installed'],
    choices: [...BACKEND_CHOICES],
    requested: null,
  },
  native: {
    available: true,
    active_for: ['wasm'],
    isa: 'avx2',
    isa_reason: 'the best table that runs here (CPU has avx2 and fma)',
    threads: 2,
    self_test: 'passed',
    compiled: ['generic', 'avx2'],
    build: { ok: true, compiler: 'g++ 12' },
    path: '/x',
    environment: { PEFT_NATIVE_ISA: null, PEFT_NATIVE_THREADS: '2' },
  },
  cpu: { model: 'Some CPU', logical_cores: 2, arch: 'x64', features: ['avx2', 'fma'] },
  node: 'v20.19.0',
  platform: 'linux-x64',
};

describe('peft-lab doctor', () => {
  it('prints a table: one aligned row per fact, with the reasons', () => {
    const lines = doctorTable(report).split('\n');
    expect(lines[0]).toBe("backend             wasm (tfjs backend 'wasm', tfjs-core 4.22.0)");
    expect(lines).toContain('  skipped           @tensorflow/tfjs-node-gpu: not installed');
    expect(lines).toContain('  choices           PEFT_BACKEND=tfjs-node-gpu|tfjs-node|wasm|cpu (unset: the first that loads)');
    expect(lines).toContain('  isa               avx2: the best table that runs here (CPU has avx2 and fma)');
    expect(lines).toContain('  environment       PEFT_NATIVE_ISA=- PEFT_NATIVE_THREADS=2');
    // Values start in one column, after the longest name ('  kernel overrides').
    for (const l of lines) expect(l, l).toMatch(/^.{18} {2}\S/);
  });

  it('says why the native kernels are not in use, and a backend error', () => {
    const down: DoctorReport = {
      ...report,
      backend: { error: 'no compute backend could be started: x', choices: [...BACKEND_CHOICES], requested: 'cpu' },
      native: { ...report.native, available: false, reason: 'disabled by PEFT_NATIVE=0' },
    };
    const text = doctorTable(down);
    expect(text).toMatch(/^backend +none: no compute backend could be started: x$/m);
    expect(text).toMatch(/^ {2}choices +PEFT_BACKEND=.* \(set to cpu\)$/m);
    expect(text).toMatch(/^native kernels +not in use: disabled by PEFT_NATIVE=0$/m);
  });

  it('--json prints the same facts as one object; without it, the table', async () => {
    const json = (await runInProcess(command, { json: true })) as unknown as DoctorReport;
    expect(json.backend.choices).toEqual([...BACKEND_CHOICES]);
    expect(Object.keys(json)).toEqual(['backend', 'native', 'cpu', 'node', 'platform']);
    if (json.native.available) expect(json.native.isa_reason).toMatch(/PEFT_NATIVE_ISA|best table/);
    else expect(json.native.reason).toBeTruthy();
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    try {
      await command.run({}, []);
    } finally {
      spy.mockRestore();
    }
    expect(out.join('')).toBe(doctorTable(json) + '\n');
  });
});
