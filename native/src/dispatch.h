// Chooses the kernel table for this CPU and runs the threaded drivers on top of it.
#pragma once
#include <string>

#include "kernels.h"

namespace peft {

struct CpuFeatures {
  bool avx2 = false, fma = false, avx512f = false;
};
CpuFeatures cpu_features();

// The active table. select_isa("auto"|"generic"|"avx2"|"avx512") returns an error text or "".
const KernelTable* active();
std::string select_isa(const std::string& name);
// What the start-up self-test found (empty when the active table passed).
const std::string& self_test_note();

// Batched C[b] = op(A[b]) · op(B[b]); strides in floats between batches (0 broadcasts).
void matmul(long batch, long M, long N, long K, const float* A, bool ta, long sA, const float* B, bool tb, long sB,
            float* C);

}  // namespace peft
