#include "pool.h"

#include <chrono>
#include <memory>

namespace peft {

namespace {
constexpr uint32_t kOpen = 0x80000000u;
// How long a worker keeps polling for the next job before it sleeps, and how long the caller polls
// for the workers before it yields its core (which matters when the machine is oversubscribed).
constexpr auto kWorkerSpin = std::chrono::microseconds(100);
constexpr auto kCallerSpin = std::chrono::microseconds(20);
using Clock = std::chrono::steady_clock;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
}  // namespace

Pool::Pool(int threads) : nthreads_(threads < 1 ? 1 : threads) {
  for (int i = 1; i < nthreads_; i++) workers_.emplace_back([this, i] { worker(i); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void Pool::worker(int index) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t g = generation_.load(std::memory_order_acquire);
    if (g == seen) {
      auto until = Clock::now() + kWorkerSpin;
      for (int i = 0; g == seen && !stop_.load(std::memory_order_relaxed); i++) {
        cpu_relax();
        g = generation_.load(std::memory_order_acquire);
        if ((i & 63) == 63 && Clock::now() > until) break;
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stop_.load() || generation_.load(std::memory_order_acquire) != seen; });
        if (stop_.load()) return;
        g = generation_.load(std::memory_order_acquire);
      }
    }
    if (stop_.load()) return;
    seen = g;
    // Join only while the job is open.
    uint32_t s = join_.load(std::memory_order_acquire);
    bool joined = false;
    while (s & kOpen) {
      if (join_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
        joined = true;
        break;
      }
    }
    if (!joined) continue;
    // The job may already be closed and finished by the caller; the join count keeps it alive.
    for (;;) {
      int t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= ntasks_) break;
      fn_(ctx_, t, index);
    }
    finished_.fetch_add(1, std::memory_order_release);
  }
}

void Pool::run(int ntasks, TaskFn fn, void* ctx) {
  if (ntasks <= 0) return;
  if (nthreads_ == 1 || ntasks == 1) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t, 0);
    return;
  }
  fn_ = fn;
  ctx_ = ctx;
  ntasks_ = ntasks;
  next_.store(0, std::memory_order_relaxed);
  finished_.store(0, std::memory_order_relaxed);
  join_.store(kOpen, std::memory_order_release);
  {
    // Taking the lock orders the bump with a worker that is about to sleep, so no wake-up is lost.
    std::lock_guard<std::mutex> lk(mu_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  cv_.notify_all();
  for (;;) {
    int t = next_.fetch_add(1, std::memory_order_relaxed);
    if (t >= ntasks) break;
    fn(ctx, t, 0);
  }
  uint32_t joined = join_.fetch_and(~kOpen, std::memory_order_acq_rel) & ~kOpen;
  auto until = Clock::now() + kCallerSpin;
  for (int i = 0; finished_.load(std::memory_order_acquire) < joined; i++) {
    if ((i & 63) == 63 && Clock::now() > until)
      std::this_thread::yield();
    else
      cpu_relax();
  }
}

namespace {
int g_threads = 0;
std::unique_ptr<Pool> g_pool;
}  // namespace

Pool& pool() {
  if (!g_pool) {
    int n = g_threads;
    if (n <= 0) {
      unsigned hc = std::thread::hardware_concurrency();
      n = hc == 0 ? 1 : (int)hc;
      if (n > 8) n = 8;  // beyond 8 the per-kernel sizes of these models stop scaling
    }
    g_pool.reset(new Pool(n));
  }
  return *g_pool;
}

void set_pool_threads(int n) {
  g_threads = n;
  g_pool.reset();
}

int pool_threads() { return pool().threads(); }

}  // namespace peft
