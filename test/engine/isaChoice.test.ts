import { describe, expect, it } from 'vitest';
import type { NativeInfo } from '../../src/engine/native/addon.ts';
import { isaReason } from '../../src/engine/native/isaChoice.ts';

const info = (isa: string, cpu: Partial<NativeInfo['cpu']>, more: Partial<NativeInfo> = {}): NativeInfo => ({
  isa,
  threads: 2,
  selfTest: 'passed',
  compiled: ['generic', 'avx2', 'avx512'],
  cpu: { avx2: false, fma: false, avx512f: false, ...cpu },
  ...more,
});

describe('why the native kernels run the instruction set they do', () => {
  it('the best the CPU supports, and why the ones above were not taken', () => {
    expect(isaReason(info('avx512', { avx2: true, fma: true, avx512f: true }), undefined)).toBe('the best table that runs here (CPU has avx512f and fma)');
    expect(isaReason(info('avx2', { avx2: true, fma: true }), undefined)).toBe(
      'the best table that runs here (CPU has avx2 and fma); avx512 needs avx512f, which this CPU lacks',
    );
    expect(isaReason(info('generic', { avx2: true }), undefined)).toBe(
      'the best table that runs here; avx512 needs avx512f and fma, which this CPU lacks; avx2 needs fma, which this CPU lacks',
    );
    expect(isaReason(info('avx2', { avx2: true, fma: true, avx512f: true }, { compiled: ['generic', 'avx2'] }), undefined)).toBe(
      'the best table that runs here (CPU has avx2 and fma); this build did not compile avx512',
    );
  });

  it('a table that failed its self-test', () => {
    const i = info('avx2', { avx2: true, fma: true, avx512f: true }, { selfTest: 'avx512 gemm 13x37x300 differs from the reference' });
    expect(isaReason(i, undefined)).toBe(
      'the best table that runs here (CPU has avx2 and fma); avx512 failed its self-test (self-test: avx512 gemm 13x37x300 differs from the reference)',
    );
  });

  it('PEFT_NATIVE_ISA: taken, or refused with the reason and what ran instead', () => {
    const cpu = { avx2: true, fma: true, avx512f: true };
    expect(isaReason(info('generic', cpu), 'generic')).toBe('PEFT_NATIVE_ISA=generic');
    expect(isaReason(info('avx512', cpu), 'auto')).toBe('the best table that runs here (CPU has avx512f and fma)');
    const refused = info('avx2', { avx2: true, fma: true }, { selfTest: "PEFT_NATIVE_ISA: this CPU or build does not support 'avx512'" });
    expect(isaReason(refused, 'avx512')).toBe(
      "PEFT_NATIVE_ISA=avx512 refused (this CPU or build does not support 'avx512'); the best table that runs here (CPU has avx2 and fma); avx512 needs avx512f, which this CPU lacks",
    );
  });
});
