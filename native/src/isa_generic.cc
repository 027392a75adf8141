// Portable kernels (see isa_impl.inc): 4-float vectors, which every 64-bit CPU has (SSE2, NEON).
#include <math.h>
#include <string.h>

#include "kernels.h"

#define PEFT_VW 4
#define PEFT_MR 4
#define PEFT_NV 2
#define PEFT_ISA_NAME "generic"
namespace peft_generic {
namespace {
#include "isa_impl.inc"
}  // namespace
}  // namespace peft_generic

const peft::KernelTable* peft::table_generic() { return &peft_generic::kTable; }
