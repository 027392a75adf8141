// A persistent thread pool for data-parallel kernels. The calling (JavaScript) thread always works
// too, so a pool of N threads has N-1 workers. Workers spin briefly after each job before sleeping,
// because kernels arrive back to back (hundreds per training step) and a condition-variable wake-up
// costs tens of microseconds.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace peft {

using TaskFn = void (*)(void* ctx, int task, int thread);

class Pool {
 public:
  explicit Pool(int threads);
  ~Pool();
  int threads() const { return nthreads_; }
  // Runs fn(ctx, i, thread) for i in [0, ntasks) across the pool; returns when all are done.
  void run(int ntasks, TaskFn fn, void* ctx);

 private:
  void worker(int index);
  int nthreads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  // Job being run: set before generation_ is bumped.
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int ntasks_ = 0;
  std::atomic<int> next_{0};
  // High bit: the job still accepts workers; low bits: how many joined. A worker that wakes after
  // the caller closed the job never touches it (the caller may already be running the next one).
  std::atomic<uint32_t> join_{0};
  std::atomic<uint32_t> finished_{0};
};

// The process-wide pool, created on first use with the configured thread count.
Pool& pool();
void set_pool_threads(int n);
int pool_threads();

// Convenience: split [0, n) into at most `threads` contiguous chunks of at least `grain` items.
template <class F>
struct RangeCtx {
  F* f;
  long n, chunk;
};

template <class F>
void parallel_for(long n, long grain, F&& f) {
  if (n <= 0) return;
  Pool& p = pool();
  long maxChunks = grain > 0 ? (n + grain - 1) / grain : n;
  long chunks = maxChunks < p.threads() ? maxChunks : p.threads();
  if (chunks <= 1) {
    f(0L, n);
    return;
  }
  using FD = typename std::decay<F>::type;
  RangeCtx<FD> ctx{&f, n, (n + chunks - 1) / chunks};
  p.run((int)chunks, [](void* c, int task, int) {
    auto* r = static_cast<RangeCtx<FD>*>(c);
    long b = (long)task * r->chunk;
    long e = b + r->chunk < r->n ? b + r->chunk : r->n;
    if (b < e) (*r->f)(b, e);
  }, &ctx);
}

}  // namespace peft
