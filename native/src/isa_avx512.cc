// Kernels for the avx512 instruction set (see isa_impl.inc).
// Compiled with this ISA's flags (build.mjs) and only called when the CPU reports it.
#include <math.h>
#include <string.h>

#include "kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(PEFT_NO_AVX512)
#define PEFT_VW 16
#define PEFT_MR 12
#define PEFT_NV 2
#define PEFT_ISA_NAME "avx512"
namespace peft_avx512 {
namespace {
#include "isa_impl.inc"
}  // namespace
}  // namespace peft_avx512

const peft::KernelTable* peft::table_avx512() { return &peft_avx512::kTable; }
#else
const peft::KernelTable* peft::table_avx512() { return nullptr; }
#endif
