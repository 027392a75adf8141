// Kernels for the avx2 instruction set (see isa_impl.inc).
// Compiled with this ISA's flags (build.mjs) and only called when the CPU reports it.
#include <math.h>
#include <string.h>

#include "kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(PEFT_NO_AVX2)
#define PEFT_VW 8
#define PEFT_MR 6
#define PEFT_NV 2
#define PEFT_ISA_NAME "avx2"
namespace peft_avx2 {
namespace {
#include "isa_impl.inc"
}  // namespace
}  // namespace peft_avx2

const peft::KernelTable* peft::table_avx2() { return &peft_avx2::kTable; }
#else
const peft::KernelTable* peft::table_avx2() { return nullptr; }
#endif
