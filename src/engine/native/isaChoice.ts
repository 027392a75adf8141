/**
 * Why the native kernels run the instruction set they do. native/src/dispatch.cc takes the best table
 * the CPU supports and this build compiled (avx512 needs avx512f + fma, avx2 needs avx2 + fma),
 * unless PEFT_NATIVE_ISA names one, and steps down when a table fails its start-up self-test; this
 * tells that decision back from what the addon reports.
 */
import type { NativeInfo } from './addon.ts';

const NEEDS: Record<string, ('avx512f' | 'avx2' | 'fma')[]> = { avx512: ['avx512f', 'fma'], avx2: ['avx2', 'fma'] };

/** Why `isa` was not taken: the CPU flags it lacks, or that this build did not compile it. */
function notTaken(isa: string, info: NativeInfo): string | undefined {
  const missing = NEEDS[isa]!.filter((f) => !info.cpu[f]);
  if (missing.length) return `${isa} needs ${missing.join(' and ')}, which this CPU lacks`;
  if (!info.compiled.includes(isa)) return `this build did not compile ${isa}`;
  return undefined;
}

function automatic(info: NativeInfo): string {
  const above = info.isa === 'avx512' ? [] : info.isa === 'avx2' ? ['avx512'] : ['avx512', 'avx2'];
  const why = above.map((isa) => notTaken(isa, info) ?? `${isa} failed its self-test`);
  const flags = info.isa === 'generic' ? '' : ` (CPU has ${NEEDS[info.isa]?.join(' and ') ?? info.isa})`;
  return [`the best table that runs here${flags}`, ...why].join('; ');
}

/** One line: which instruction set the kernels use and why (CPU flags, build, PEFT_NATIVE_ISA, self-test). */
export function isaReason(info: NativeInfo, requested: string | undefined = process.env.PEFT_NATIVE_ISA): string {
  const note = info.selfTest === 'passed' ? '' : info.selfTest;
  const req = requested?.trim();
  if (req && req !== 'auto') {
    if (info.isa === req && !note) return `PEFT_NATIVE_ISA=${req}`;
    return `PEFT_NATIVE_ISA=${req} refused (${note.replace(/^PEFT_NATIVE_ISA: /, '') || 'not applied'}); ${automatic(info)}`;
  }
  return automatic(info) + (note ? ` (self-test: ${note})` : '');
}
