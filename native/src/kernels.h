// The per-instruction-set kernel table. Each ISA's file (isa_generic.cc, isa_avx2.cc, isa_avx512.cc)
// compiles the same code (isa_impl.inc) with its own vector width and compiler flags; dispatch.cc picks
// one at run time from what the CPU supports, so one binary runs everywhere.
#pragma once
#include <cstddef>

namespace peft {

// A matrix operand: element (i, j) is at p[i * rs + j * cs].
struct Mat {
  const float* p;
  long rs, cs;
};

struct KernelTable {
  const char* name;
  int mr, nr;  // micro-tile of the packed GEMM
  // C[M,N] (row stride ldc) = A[M,K] · B[K,N], single-threaded. pa/pb are scratch of packA/packB floats.
  void (*gemm)(long M, long N, long K, Mat A, Mat B, float* C, long ldc, float* pa, float* pb);
  // Small-M products without packing: C[M,N] = A·B for j in [j0, j1), A with unit column stride.
  // B row-major (bt=false: B[k*ldb + j]) or transposed (bt=true: B[j*ldb + k]).
  void (*gemm_small)(long M, long j0, long j1, long K, const float* A, long lda, const float* B, long ldb, bool bt,
                     float* C, long ldc);
  // y[r, :] = softmax(x[r, :]) for rows [r0, r1) of length n.
  void (*softmax_rows)(const float* x, float* y, long r0, long r1, long n);
  // Elementwise maps over [i0, i1).
  void (*unary)(int op, const float* x, float* y, long i0, long i1, float param);
  // Elementwise binary over [i0, i1) (no broadcasting).
  void (*binary)(int op, const float* a, const float* b, float* y, long i0, long i1);
  // AdamW over [i0, i1): writes new p, m, v (may alias the inputs).
  void (*adamw)(const float* p, const float* g, const float* m, const float* v, float* po, float* mo, float* vo, long i0,
                long i1, float lr, float b1, float b2, float eps, float wd, float bc1, float bc2);
  // Row-wise reductions over the last axis for rows [r0, r1) of length n.
  void (*reduce_rows)(int op, const float* x, float* y, long r0, long r1, long n);
  // x viewed as [outer, red, inner]: y[o, i] = op over r of x[o, r, i], for inner columns [i0, i1).
  void (*reduce_mid)(int op, const float* x, float* y, long outer, long red, long inner, long i0, long i1);
  // One row of a broadcasting binary op: a stride 0 repeats a[0] (same for b).
  void (*binary_row)(int op, const float* a, int sa, const float* b, int sb, float* y, long n);
  // Layer norm of rows [r0, r1): y = (x − mean)·rstd·w + b; writes mean and rstd per row.
  void (*layer_norm)(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd, long r0,
                     long r1, long n, float eps);
  // Its gradient for rows [r0, r1): dx, and dw/db accumulated (+=) into the given partial sums.
  void (*layer_norm_bwd)(const float* x, const float* w, const float* mean, const float* rstd, const float* dy,
                         float* dx, float* dw, float* db, long r0, long r1, long n);
  // Cross-entropy rows [r0, r1): lse[r] = logsumexp(x[r]); loss[r] = lse − x[r, label] (0 if ignored).
  void (*xent_fwd)(const float* x, const int* labels, float* lse, float* loss, long r0, long r1, long n, int ignore);
  // dx[r] = (softmax(x[r]) − onehot(label)) · scale, zero rows for ignored labels.
  void (*xent_bwd)(const float* x, const int* labels, const float* lse, float* dx, long r0, long r1, long n, int ignore,
                   float scale);
};

enum UnaryOp { U_EXP = 0, U_TANH = 1, U_GELU_NEW = 2, U_POW_INT = 3, U_SQRT = 4, U_RSQRT = 5, U_LOG = 6, U_SQUARE = 7,
               U_NEG = 8, U_SIGMOID = 9, U_RELU = 10, U_GELU_NEW_GRAD = 11, U_FLOOR = 12 };
enum BinaryOp { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_GELU_NEW_BWD = 4, B_SQDIFF = 5 };
enum ReduceOp { R_SUM = 0, R_MAX = 1, R_LOGSUMEXP = 2, R_MEAN = 3 };

// Sizes of the packing buffers every thread owns (floats).
constexpr long kKC = 256;
constexpr long kMC = 144;   // a multiple of every MR (4, 6, 12, 16)
constexpr long kNC = 2048;  // a multiple of every NR
constexpr long kPackA = kMC * kKC;
constexpr long kPackB = kKC * kNC;

const KernelTable* table_generic();
const KernelTable* table_avx2();    // nullptr when not compiled for this architecture
const KernelTable* table_avx512();  // nullptr when not compiled for this architecture

}  // namespace peft
