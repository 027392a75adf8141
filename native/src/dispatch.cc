#include "dispatch.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "pool.h"

namespace peft {

CpuFeatures cpu_features() {
  CpuFeatures f;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
#endif
  return f;
}

namespace {

const KernelTable* g_active = nullptr;
std::string g_note;

struct Scratch {
  float* pa = nullptr;
  float* pb = nullptr;
  std::vector<float> small;  // transposed A for the few-rows path
};
std::vector<Scratch> g_scratch;

float* aligned_floats(long n) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, (size_t)n * sizeof(float)) != 0) return nullptr;
  return static_cast<float*>(p);
}

// Called on the JavaScript thread before a job starts, so that workers never resize the vector.
bool prepare_scratch(int threads) {
  if ((int)g_scratch.size() < threads) g_scratch.resize(threads);
  for (int t = 0; t < threads; t++) {
    Scratch& s = g_scratch[t];
    if (!s.pa) s.pa = aligned_floats(kPackA);
    if (!s.pb) s.pb = aligned_floats(kPackB);
    if (!s.pa || !s.pb) return false;
  }
  return true;
}

Scratch& scratch(int thread) { return g_scratch[thread]; }

// Products this small lose more to waking a second thread than they gain. Few-row products (decoding)
// are bound by reading B; one core streams ~20 GB/s, so they split only when B is large (the head).
constexpr double kMinParallelFlops = 1 << 18;
constexpr double kMinParallelSmallBytes = 2 << 20;

struct MatmulJob {
  const KernelTable* kt;
  long M, N, K;
  const float* A;
  bool ta;
  long sA;
  const float* B;
  bool tb;
  long sB;
  float* C;
  // Each batch entry is cut into mp × np pieces of mpiece rows × npiece columns.
  long mp, np, mpiece, npiece;
};

void matmul_task(void* ctx, int task, int thread) {
  auto* j = static_cast<MatmulJob*>(ctx);
  long per = j->mp * j->np;
  long b = task / per, s = task % per;
  long i0 = (s / j->np) * j->mpiece, c0 = (s % j->np) * j->npiece;
  long i1 = i0 + j->mpiece < j->M ? i0 + j->mpiece : j->M;
  long c1 = c0 + j->npiece < j->N ? c0 + j->npiece : j->N;
  if (i0 >= i1 || c0 >= c1) return;
  const float* A = j->A + b * j->sA;
  const float* B = j->B + b * j->sB;
  float* C = j->C + b * j->M * j->N;
  Mat a{A, j->ta ? 1 : j->K, j->ta ? j->M : 1};
  Mat bm{B, j->tb ? 1 : j->N, j->tb ? j->K : 1};
  Mat as{a.p + i0 * a.rs, a.rs, a.cs};
  Mat bs{bm.p + c0 * bm.cs, bm.rs, bm.cs};
  Scratch& sc = scratch(thread);
  j->kt->gemm(i1 - i0, c1 - c0, j->K, as, bs, C + i0 * j->N + c0, j->N, sc.pa, sc.pb);
}

void matmul_small_task(void* ctx, int task, int thread) {
  auto* j = static_cast<MatmulJob*>(ctx);
  long b = task / j->np, s = task % j->np;
  const float* A = j->A + b * j->sA;
  const float* B = j->B + b * j->sB;
  float* C = j->C + b * j->M * j->N;
  long lo = s * j->npiece, hi = lo + j->npiece < j->N ? lo + j->npiece : j->N;
  if (lo >= hi) return;
  if (j->K == 0) {
    for (long m = 0; m < j->M; m++) memset(C + m * j->N + lo, 0, (hi - lo) * sizeof(float));
    return;
  }
  if (j->ta) {
    // A is stored [K, M]; the few-rows kernels want rows contiguous along K.
    Scratch& sc = scratch(thread);
    sc.small.resize((size_t)(j->M * j->K));
    for (long k = 0; k < j->K; k++)
      for (long m = 0; m < j->M; m++) sc.small[m * j->K + k] = A[k * j->M + m];
    A = sc.small.data();
  }
  j->kt->gemm_small(j->M, lo, hi, j->K, A, j->K, B, j->tb ? j->K : j->N, j->tb, C, j->N);
}

}  // namespace

void matmul(long batch, long M, long N, long K, const float* A, bool ta, long sA, const float* B, bool tb, long sB,
            float* C) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  const KernelTable* kt = active();
  Pool& p = pool();
  int T = p.threads();
  double flops = 2.0 * batch * M * N * (K > 0 ? K : 1);
  MatmulJob j{kt, M, N, K, A, ta, sA, B, tb, sB, C, 1, 1, M, N};
  bool small = M <= 4;
  bool parallel = T > 1 && flops >= kMinParallelFlops && (!small || 4.0 * batch * K * N >= kMinParallelSmallBytes);
  if (parallel && batch < 4 * T) {
    // About four pieces per thread, so that a thread that is descheduled (or slower) holds up little;
    // a 2-D grid keeps the pieces squarish, which keeps the repacking of shared operands small.
    long want = (4 * T + batch - 1) / batch;
    long nunits = (N + (small ? 16 : kt->nr) - 1) / (small ? 16 : kt->nr);
    long munits = small ? 1 : (M + kt->mr - 1) / kt->mr;
    long np = small ? want : (long)(std::sqrt((double)want * N / M) + 0.5);
    if (np < 1) np = 1;
    if (np > want) np = want;
    if (np > nunits) np = nunits;
    long mp = (want + np - 1) / np;
    if (mp > munits) mp = munits;
    long nu = (nunits + np - 1) / np, mu = (munits + mp - 1) / mp;
    j.npiece = nu * (small ? 16 : kt->nr);
    j.mpiece = small ? M : mu * kt->mr;
    j.np = (N + j.npiece - 1) / j.npiece;
    j.mp = (M + j.mpiece - 1) / j.mpiece;
  }
  long tasks = batch * j.mp * j.np;
  if (!prepare_scratch(T)) throw std::bad_alloc();
  if (!parallel) {
    for (long t = 0; t < tasks; t++) (small ? matmul_small_task : matmul_task)(&j, (int)t, 0);
    return;
  }
  p.run((int)tasks, small ? matmul_small_task : matmul_task, &j);
}

namespace {

// The naive product in double, for the self-test.
void reference(long M, long N, long K, const float* A, bool ta, const float* B, bool tb, float* C) {
  for (long i = 0; i < M; i++)
    for (long j = 0; j < N; j++) {
      double s = 0;
      for (long k = 0; k < K; k++) s += (double)(ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
      C[i * N + j] = (float)s;
    }
}

// Checks the table against the reference on shapes that cross every blocking edge.
std::string self_test(const KernelTable* kt) {
  const KernelTable* saved = g_active;
  g_active = kt;
  static const long shapes[][3] = {{1, 37, 300}, {3, 70, 9}, {7, 13, 5}, {13, 37, 300}, {150, 33, 17}, {5, 2100, 3}};
  std::string err;
  uint32_t seed = 12345;
  auto rnd = [&] {
    seed = seed * 1664525u + 1013904223u;
    return ((seed >> 8) & 0xffff) / 32768.f - 1.f;
  };
  for (auto& sh : shapes) {
    long M = sh[0], N = sh[1], K = sh[2];
    std::vector<float> A(M * K), B(K * N), C(M * N), R(M * N);
    for (auto& x : A) x = rnd();
    for (auto& x : B) x = rnd();
    for (int t = 0; t < 4 && err.empty(); t++) {
      bool ta = t & 1, tb = t & 2;
      matmul(1, M, N, K, A.data(), ta, 0, B.data(), tb, 0, C.data());
      reference(M, N, K, A.data(), ta, B.data(), tb, R.data());
      for (long i = 0; i < M * N; i++)
        if (!(std::fabs(C[i] - R[i]) <= 1e-4f * (1 + std::fabs(R[i])))) {
          err = std::string(kt->name) + " gemm " + std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K) +
                " differs from the reference";
          break;
        }
    }
  }
  if (err.empty()) {
    float x[19], y[19];
    for (int i = 0; i < 19; i++) x[i] = rnd() * 10;
    kt->softmax_rows(x, y, 0, 1, 19);
    double m = -1e30, s = 0;
    for (float v : x) m = v > m ? v : m;
    for (float v : x) s += std::exp((double)v - m);
    for (int i = 0; i < 19; i++)
      if (std::fabs(y[i] - std::exp((double)x[i] - m) / s) > 1e-6) err = std::string(kt->name) + " softmax differs";
  }
  g_active = saved;
  return err;
}

const KernelTable* best_supported() {
  CpuFeatures f = cpu_features();
  if (f.avx512f && f.fma && table_avx512()) return table_avx512();
  if (f.avx2 && f.fma && table_avx2()) return table_avx2();
  return table_generic();
}

void init_default() {
  if (g_active) return;
  const char* env = std::getenv("PEFT_NATIVE_ISA");
  if (env && *env) {
    std::string e = select_isa(env);
    if (e.empty()) return;
    g_note = "PEFT_NATIVE_ISA: " + e;
  }
  // Fall back step by step if a table fails its self-test.
  const KernelTable* order[] = {best_supported(), table_avx2(), table_generic()};
  CpuFeatures f = cpu_features();
  for (const KernelTable* kt : order) {
    if (!kt) continue;
    if (kt == table_avx2() && !(f.avx2 && f.fma)) continue;
    std::string err = self_test(kt);
    if (err.empty()) {
      g_active = kt;
      return;
    }
    g_note += (g_note.empty() ? "" : "; ") + err;
  }
  g_active = table_generic();
}

}  // namespace

const KernelTable* active() {
  if (!g_active) init_default();
  return g_active;
}

const std::string& self_test_note() {
  active();
  return g_note;
}

std::string select_isa(const std::string& name) {
  CpuFeatures f = cpu_features();
  const KernelTable* kt = nullptr;
  if (name == "auto") {
    g_active = nullptr;
    g_note.clear();
    init_default();
    return "";
  }
  if (name == "generic") kt = table_generic();
  else if (name == "avx2") kt = (f.avx2 && f.fma) ? table_avx2() : nullptr;
  else if (name == "avx512") kt = (f.avx512f && f.fma) ? table_avx512() : nullptr;
  else return "unknown instruction set '" + name + "' (valid: auto, generic, avx2, avx512)";
  if (!kt) return "this CPU or build does not support '" + name + "'";
  std::string err = self_test(kt);
  if (!err.empty()) return err;
  g_active = kt;
  return "";
}

}  // namespace peft
