// The N-API surface of the native kernels. Every tensor argument is a Float32Array view: on the wasm
// backend a view of the wasm heap (so nothing is copied), on the cpu backend the tensor's own array.
// Sizes are checked against the views' lengths here, because a wrong size would write outside the heap.
#define NAPI_VERSION 8
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

#include "dispatch.h"
#include "pool.h"

namespace {

using peft::active;

struct Err {
  std::string msg;
};

napi_value throw_error(napi_env env, const std::string& msg) {
  napi_throw_error(env, "PEFT_NATIVE", msg.c_str());
  return nullptr;
}

struct Args {
  napi_env env;
  size_t argc = 16;
  napi_value argv[16];
  void* data = nullptr;
  explicit Args(napi_env e, napi_callback_info info) : env(e) {
    napi_get_cb_info(e, info, &argc, argv, nullptr, &data);
  }
  void need(size_t n, const char* fn) const {
    if (argc < n) throw Err{std::string(fn) + ": expected " + std::to_string(n) + " arguments"};
  }
  // The one typed-array accessor: argument i as a typed array of one of the `allowed` types, else
  // "argument i must be a <what>".
  void* typed(size_t i, std::initializer_list<napi_typedarray_type> allowed, const char* what, size_t* len,
              napi_typedarray_type* typeOut = nullptr) const {
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_value ab;
    size_t off;
    bool ok = napi_get_typedarray_info(env, argv[i], &type, &length, &data, &ab, &off) == napi_ok;
    if (!ok || std::find(allowed.begin(), allowed.end(), type) == allowed.end())
      throw Err{"argument " + std::to_string(i) + " must be a " + what};
    *len = length;
    if (typeOut) *typeOut = type;
    return data;
  }
  float* f32(size_t i, size_t* len) const {
    return static_cast<float*>(typed(i, {napi_float32_array}, "Float32Array", len));
  }
  // Any typed array with 4-byte elements (float32, int32, uint32): for copies that ignore the type.
  void* word32(size_t i, size_t* len, napi_typedarray_type* typeOut = nullptr) const {
    return typed(i, {napi_float32_array, napi_int32_array, napi_uint32_array}, "Float32Array or Int32Array", len, typeOut);
  }
  // Int32Array, Uint8Array or Float32Array (what castToFloat reads).
  void* numeric(size_t i, size_t* len, napi_typedarray_type* typeOut) const {
    return typed(i, {napi_float32_array, napi_int32_array, napi_uint8_array}, "Float32Array, Int32Array or Uint8Array", len, typeOut);
  }
  long i64(size_t i) const {
    int64_t v;
    if (napi_get_value_int64(env, argv[i], &v) != napi_ok) throw Err{"argument " + std::to_string(i) + " must be a number"};
    return (long)v;
  }
  double f64(size_t i) const {
    double v;
    if (napi_get_value_double(env, argv[i], &v) != napi_ok) throw Err{"argument " + std::to_string(i) + " must be a number"};
    return v;
  }
  bool flag(size_t i) const {
    bool v;
    if (napi_get_value_bool(env, argv[i], &v) != napi_ok) throw Err{"argument " + std::to_string(i) + " must be a boolean"};
    return v;
  }
  std::string str(size_t i) const {
    char buf[64];
    size_t n;
    if (napi_get_value_string_utf8(env, argv[i], buf, sizeof buf, &n) != napi_ok)
      throw Err{"argument " + std::to_string(i) + " must be a string"};
    return std::string(buf, n);
  }
};

void need_len(size_t have, long want, const char* what) {
  if (want < 0 || (size_t)want > have)
    throw Err{std::string(what) + " holds " + std::to_string(have) + " floats, the kernel needs " + std::to_string(want)};
}

template <class F>
napi_value guarded(napi_env env, F&& f) {
  try {
    return f();
  } catch (const Err& e) {
    return throw_error(env, e.msg);
  } catch (const std::bad_alloc&) {
    return throw_error(env, "native kernel: out of memory");
  }
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

void set_prop(napi_env env, napi_value obj, const char* k, napi_value v) { napi_set_named_property(env, obj, k, v); }
napi_value str(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}
napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}
napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

// Elementwise work below this many floats stays on one thread.
constexpr long kGrain = 1 << 14;

// matmul(a, b, c, batch, M, N, K, transposeA, transposeB, strideA, strideB)
napi_value Matmul(const Args& a) {
  napi_env env = a.env;
  size_t la, lb, lc;
  const float* A = a.f32(0, &la);
  const float* B = a.f32(1, &lb);
  float* C = a.f32(2, &lc);
  long batch = a.i64(3), M = a.i64(4), N = a.i64(5), K = a.i64(6);
  bool ta = a.flag(7), tb = a.flag(8);
  long sA = a.i64(9), sB = a.i64(10);
  if (batch < 0 || M < 0 || N < 0 || K < 0 || sA < 0 || sB < 0) throw Err{"matmul: negative size"};
  if (batch > 0 && M > 0 && N > 0) {
    need_len(la, (batch - 1) * sA + M * K, "matmul: a");
    need_len(lb, (batch - 1) * sB + K * N, "matmul: b");
    need_len(lc, batch * M * N, "matmul: c");
    peft::matmul(batch, M, N, K, A, ta, sA, B, tb, sB, C);
  }
  return undefined(env);
}

// softmax(x, y, rows, n)
napi_value Softmax(const Args& a) {
  napi_env env = a.env;
  size_t lx, ly;
  const float* x = a.f32(0, &lx);
  float* y = a.f32(1, &ly);
  long rows = a.i64(2), n = a.i64(3);
  need_len(lx, rows * n, "softmax: x");
  need_len(ly, rows * n, "softmax: y");
  const peft::KernelTable* kt = active();
  long grain = n > 0 ? (kGrain + n - 1) / n : rows;
  peft::parallel_for(rows, grain, [&](long r0, long r1) { kt->softmax_rows(x, y, r0, r1, n); });
  return undefined(env);
}

// reduceRows(op, x, y, rows, n): y[r] = op over x[r, :]
napi_value ReduceRows(const Args& a) {
  napi_env env = a.env;
  int op = (int)a.i64(0);
  size_t lx, ly;
  const float* x = a.f32(1, &lx);
  float* y = a.f32(2, &ly);
  long rows = a.i64(3), n = a.i64(4);
  if (op < peft::R_SUM || op > peft::R_LOGSUMEXP) throw Err{"reduceRows: unknown op"};
  need_len(lx, rows * n, "reduceRows: x");
  need_len(ly, rows, "reduceRows: y");
  const peft::KernelTable* kt = active();
  long grain = n > 0 ? (kGrain + n - 1) / n : rows;
  peft::parallel_for(rows, grain, [&](long r0, long r1) { kt->reduce_rows(op, x, y, r0, r1, n); });
  return undefined(env);
}

// reduce(op, x, y, outer, red, inner): x viewed as [outer, red, inner] → y [outer, inner]
napi_value Reduce(const Args& a) {
  napi_env env = a.env;
  int op = (int)a.i64(0);
  size_t lx, ly;
  const float* x = a.f32(1, &lx);
  float* y = a.f32(2, &ly);
  long outer = a.i64(3), red = a.i64(4), inner = a.i64(5);
  if (op != peft::R_SUM && op != peft::R_MAX && op != peft::R_MEAN) throw Err{"reduce: unknown op"};
  if (outer < 0 || red < 1 || inner < 0) throw Err{"reduce: bad sizes"};
  need_len(lx, outer * red * inner, "reduce: x");
  need_len(ly, outer * inner, "reduce: y");
  const peft::KernelTable* kt = active();
  if (inner == 1) {
    long grain = (kGrain + red - 1) / red;
    peft::parallel_for(outer, grain, [&](long r0, long r1) { kt->reduce_rows(op, x, y, r0, r1, red); });
  } else if (outer >= 2 * peft::pool_threads() || inner < 64) {
    long grain = (kGrain + red * inner - 1) / (red * inner);
    peft::parallel_for(outer, grain, [&](long o0, long o1) {
      kt->reduce_mid(op, x + o0 * red * inner, y + o0 * inner, o1 - o0, red, inner, 0, inner);
    });
  } else {
    // Few outer blocks (a bias gradient: [tokens, features] → [features]): split the columns.
    long grain = ((kGrain / red + 63) / 64) * 64;
    peft::parallel_for(inner, grain < 64 ? 64 : grain, [&](long i0, long i1) { kt->reduce_mid(op, x, y, outer, red, inner, i0, i1); });
  }
  return undefined(env);
}

// binaryBcast(op, a, modeA, b, modeB, y, rows, n): y [rows, n]; mode 0 = full [rows, n], 1 = one value,
// 2 = a row [n] repeated, 3 = a column [rows] (one value per row).
napi_value BinaryBcast(const Args& a) {
  napi_env env = a.env;
  int op = (int)a.i64(0);
  size_t la, lb, ly;
  const float* A = a.f32(1, &la);
  int ma = (int)a.i64(2);
  const float* B = a.f32(3, &lb);
  int mb = (int)a.i64(4);
  float* Y = a.f32(5, &ly);
  long rows = a.i64(6), n = a.i64(7);
  if (op < peft::B_ADD || op > peft::B_SQDIFF) throw Err{"binaryBcast: unknown op"};
  if (rows < 0 || n < 0) throw Err{"binaryBcast: bad sizes"};
  if (rows * n == 0) return undefined(env);
  auto need_mode = [&](int m, size_t have, const char* what) {
    long want = m == 0 ? rows * n : m == 1 ? 1 : m == 2 ? n : m == 3 ? rows : -1;
    if (want < 0) throw Err{"binaryBcast: unknown mode"};
    need_len(have, want, what);
  };
  need_mode(ma, la, "binaryBcast: a");
  need_mode(mb, lb, "binaryBcast: b");
  need_len(ly, rows * n, "binaryBcast: y");
  const peft::KernelTable* kt = active();
  auto at = [&](const float* p, int m, long r, long c) -> const float* {
    return m == 0 ? p + r * n + c : m == 1 ? p : m == 2 ? p + c : p + r;
  };
  peft::parallel_for(rows * n, kGrain, [&](long e0, long e1) {
    for (long r = e0 / n; r * n < e1; r++) {
      long c0 = r * n < e0 ? e0 - r * n : 0;
      long c1 = (r + 1) * n > e1 ? e1 - r * n : n;
      kt->binary_row(op, at(A, ma, r, c0), ma == 0 || ma == 2, at(B, mb, r, c0), mb == 0 || mb == 2, Y + r * n + c0, c1 - c0);
    }
  });
  return undefined(env);
}

// castToFloat(x: Int32Array | Uint8Array | Float32Array, y: Float32Array)
napi_value CastToFloat(const Args& a) {
  napi_env env = a.env;
  size_t lx, ly;
  napi_typedarray_type type;
  const void* x = a.numeric(0, &lx, &type);
  float* y = a.f32(1, &ly);
  need_len(ly, (long)lx, "castToFloat: y");
  peft::parallel_for((long)lx, kGrain, [&](long i0, long i1) {
    if (type == napi_int32_array)
      for (long i = i0; i < i1; i++) y[i] = (float)static_cast<const int32_t*>(x)[i];
    else if (type == napi_uint8_array)
      for (long i = i0; i < i1; i++) y[i] = (float)static_cast<const uint8_t*>(x)[i];
    else
      memcpy(y + i0, static_cast<const float*>(x) + i0, (i1 - i0) * sizeof(float));
  });
  return undefined(env);
}

// copy2d(src, srcStride, dst, dstStride, rows, cols): 4-byte elements, rows of cols at the given strides.
napi_value Copy2d(const Args& a) {
  napi_env env = a.env;
  size_t ls, ld;
  const char* src = static_cast<const char*>(a.word32(0, &ls));
  long ss = a.i64(1);
  char* dst = static_cast<char*>(a.word32(2, &ld));
  long ds = a.i64(3), rows = a.i64(4), cols = a.i64(5);
  if (rows < 0 || cols < 0 || ss < 0 || ds < 0) throw Err{"copy2d: bad sizes"};
  if (rows == 0 || cols == 0) return undefined(env);
  need_len(ls, (rows - 1) * ss + cols, "copy2d: src");
  need_len(ld, (rows - 1) * ds + cols, "copy2d: dst");
  if (rows == 1) {
    peft::parallel_for(cols, kGrain * 4, [&](long c0, long c1) { memcpy(dst + c0 * 4, src + c0 * 4, (c1 - c0) * 4); });
  } else {
    long grain = (kGrain * 4 + cols - 1) / cols;
    peft::parallel_for(rows, grain, [&](long r0, long r1) {
      for (long r = r0; r < r1; r++) memcpy(dst + r * ds * 4, src + r * ss * 4, cols * 4);
    });
  }
  return undefined(env);
}

// gatherRows(params, indices: Int32Array, out, rowSize, numRows): out[i] = params[indices[i]];
// returns -1, or the position of the first index outside [0, numRows) (nothing is written then).
napi_value GatherRows(const Args& a) {
  napi_env env = a.env;
  size_t lp, li, lo;
  const char* params = static_cast<const char*>(a.word32(0, &lp));
  napi_typedarray_type it;
  const int32_t* idx = static_cast<const int32_t*>(a.word32(1, &li, &it));
  if (it != napi_int32_array) throw Err{"gatherRows: indices must be an Int32Array"};
  char* out = static_cast<char*>(a.word32(2, &lo));
  long rowSize = a.i64(3), numRows = a.i64(4);
  if (rowSize < 0 || numRows < 0) throw Err{"gatherRows: bad sizes"};
  need_len(lp, numRows * rowSize, "gatherRows: params");
  need_len(lo, (long)li * rowSize, "gatherRows: out");
  for (size_t i = 0; i < li; i++)
    if (idx[i] < 0 || idx[i] >= numRows) return num(env, (double)i);
  long grain = rowSize > 0 ? (kGrain + rowSize - 1) / rowSize : (long)li;
  peft::parallel_for((long)li, grain, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) memcpy(out + i * rowSize * 4, params + (long)idx[i] * rowSize * 4, rowSize * 4);
  });
  return num(env, -1);
}

// transposeKeepLast(src, dst, shape: Int32Array, perm: Int32Array): a permutation that keeps the
// last axis in place ([B,T,H,D] ↔ [B,H,T,D]) moves contiguous runs of the last axis.
napi_value TransposeKeepLast(const Args& a) {
  napi_env env = a.env;
  size_t ls, ld, lsh, lp;
  const char* src = static_cast<const char*>(a.word32(0, &ls));
  char* dst = static_cast<char*>(a.word32(1, &ld));
  napi_typedarray_type t1, t2;
  const int32_t* shape = static_cast<const int32_t*>(a.word32(2, &lsh, &t1));
  const int32_t* perm = static_cast<const int32_t*>(a.word32(3, &lp, &t2));
  if (t1 != napi_int32_array || t2 != napi_int32_array || lsh != lp || lsh < 1 || lsh > 8)
    throw Err{"transposeKeepLast: shape and perm must be Int32Arrays of the same length (1..8)"};
  const int r = (int)lsh;
  if (perm[r - 1] != r - 1) throw Err{"transposeKeepLast: the last axis must stay last"};
  long total = 1, istride[8], od[8];
  for (int i = 0; i < r; i++) {
    if (shape[i] < 0) throw Err{"transposeKeepLast: negative dimension"};
    total *= shape[i];
  }
  need_len(ls, total, "transposeKeepLast: src");
  need_len(ld, total, "transposeKeepLast: dst");
  if (total == 0) return undefined(env);
  long s = 1;
  for (int i = r - 1; i >= 0; i--) {
    istride[i] = s;
    s *= shape[i];
  }
  bool seen[8] = {false};
  for (int i = 0; i < r; i++) {
    if (perm[i] < 0 || perm[i] >= r || seen[perm[i]]) throw Err{"transposeKeepLast: perm is not a permutation"};
    seen[perm[i]] = true;
    od[i] = shape[perm[i]];
  }
  const long inner = shape[r - 1];
  const long rows = total / inner;
  long grain = (kGrain + inner - 1) / inner;
  peft::parallel_for(rows, grain, [&](long r0, long r1) {
    long idx[8];
    long rem = r0;
    for (int i = r - 2; i >= 0; i--) {
      idx[i] = rem % od[i];
      rem /= od[i];
    }
    for (long row = r0; row < r1; row++) {
      long off = 0;
      for (int i = 0; i < r - 1; i++) off += idx[i] * istride[perm[i]];
      memcpy(dst + row * inner * 4, src + off * 4, inner * 4);
      for (int i = r - 2; i >= 0; i--) {
        if (++idx[i] < od[i]) break;
        idx[i] = 0;
      }
    }
  });
  return undefined(env);
}

// layerNorm(x, w, b, y, mean, rstd, rows, n, eps)
napi_value LayerNorm(const Args& a) {
  napi_env env = a.env;
  size_t l[6];
  float* t[6];
  for (int i = 0; i < 6; i++) t[i] = a.f32(i, &l[i]);
  long rows = a.i64(6), n = a.i64(7);
  float eps = (float)a.f64(8);
  if (rows < 0 || n < 1) throw Err{"layerNorm: bad sizes"};
  need_len(l[0], rows * n, "layerNorm: x");
  need_len(l[1], n, "layerNorm: weight");
  need_len(l[2], n, "layerNorm: bias");
  need_len(l[3], rows * n, "layerNorm: y");
  need_len(l[4], rows, "layerNorm: mean");
  need_len(l[5], rows, "layerNorm: rstd");
  const peft::KernelTable* kt = active();
  long grain = (kGrain + n - 1) / n;
  peft::parallel_for(rows, grain, [&](long r0, long r1) { kt->layer_norm(t[0], t[1], t[2], t[3], t[4], t[5], r0, r1, n, eps); });
  return undefined(env);
}

// layerNormBackward(x, w, mean, rstd, dy, dx, dw, db, rows, n): dw and db are overwritten.
napi_value LayerNormBackward(const Args& a) {
  napi_env env = a.env;
  size_t l[8];
  float* t[8];
  for (int i = 0; i < 8; i++) t[i] = a.f32(i, &l[i]);
  long rows = a.i64(8), n = a.i64(9);
  if (rows < 0 || n < 1) throw Err{"layerNormBackward: bad sizes"};
  need_len(l[0], rows * n, "layerNormBackward: x");
  need_len(l[1], n, "layerNormBackward: weight");
  need_len(l[2], rows, "layerNormBackward: mean");
  need_len(l[3], rows, "layerNormBackward: rstd");
  need_len(l[4], rows * n, "layerNormBackward: dy");
  need_len(l[5], rows * n, "layerNormBackward: dx");
  need_len(l[6], n, "layerNormBackward: dw");
  need_len(l[7], n, "layerNormBackward: db");
  const peft::KernelTable* kt = active();
  // Each chunk of rows sums its own dw/db; the chunks are added in a fixed order (deterministic).
  const long T = peft::pool_threads();
  const long chunks = rows < T ? (rows > 0 ? rows : 1) : T;
  std::vector<float> partial((size_t)(chunks * 2 * n), 0.f);
  const long per = (rows + chunks - 1) / chunks;
  struct Ctx {
    const peft::KernelTable* kt;
    float** t;
    float* partial;
    long rows, n, per;
  } ctx{kt, t, partial.data(), rows, n, per};
  peft::pool().run((int)chunks, [](void* c, int task, int) {
    auto* x = static_cast<Ctx*>(c);
    long r0 = task * x->per, r1 = r0 + x->per < x->rows ? r0 + x->per : x->rows;
    float* dw = x->partial + (long)task * 2 * x->n;
    if (r0 < r1) x->kt->layer_norm_bwd(x->t[0], x->t[1], x->t[2], x->t[3], x->t[4], x->t[5], dw, dw + x->n, r0, r1, x->n);
  }, &ctx);
  for (long i = 0; i < n; i++) {
    float w = 0, b = 0;
    for (long c = 0; c < chunks; c++) {
      w += partial[c * 2 * n + i];
      b += partial[c * 2 * n + n + i];
    }
    t[6][i] = w;
    t[7][i] = b;
  }
  return undefined(env);
}

const int32_t* labels_arg(const Args& a, size_t i, size_t* len) {
  napi_typedarray_type t;
  const void* p = a.word32(i, len, &t);
  if (t != napi_int32_array) throw Err{"labels must be an Int32Array"};
  return static_cast<const int32_t*>(p);
}

// crossEntropy(x, labels, lse, loss, rows, n, ignoreIndex)
napi_value CrossEntropy(const Args& a) {
  napi_env env = a.env;
  size_t lx, ll, le, lo;
  const float* x = a.f32(0, &lx);
  const int32_t* labels = labels_arg(a, 1, &ll);
  float* lse = a.f32(2, &le);
  float* loss = a.f32(3, &lo);
  long rows = a.i64(4), n = a.i64(5);
  int ignore = (int)a.i64(6);
  if (rows < 0 || n < 1) throw Err{"crossEntropy: bad sizes"};
  need_len(lx, rows * n, "crossEntropy: logits");
  need_len(ll, rows, "crossEntropy: labels");
  need_len(le, rows, "crossEntropy: lse");
  need_len(lo, rows, "crossEntropy: loss");
  const peft::KernelTable* kt = active();
  long grain = (kGrain + n - 1) / n;
  peft::parallel_for(rows, grain, [&](long r0, long r1) { kt->xent_fwd(x, labels, lse, loss, r0, r1, n, ignore); });
  return undefined(env);
}

// crossEntropyBackward(x, labels, lse, dx, rows, n, ignoreIndex, scale)
napi_value CrossEntropyBackward(const Args& a) {
  napi_env env = a.env;
  size_t lx, ll, le, ld;
  const float* x = a.f32(0, &lx);
  const int32_t* labels = labels_arg(a, 1, &ll);
  const float* lse = a.f32(2, &le);
  float* dx = a.f32(3, &ld);
  long rows = a.i64(4), n = a.i64(5);
  int ignore = (int)a.i64(6);
  float scale = (float)a.f64(7);
  if (rows < 0 || n < 1) throw Err{"crossEntropyBackward: bad sizes"};
  need_len(lx, rows * n, "crossEntropyBackward: logits");
  need_len(ll, rows, "crossEntropyBackward: labels");
  need_len(le, rows, "crossEntropyBackward: lse");
  need_len(ld, rows * n, "crossEntropyBackward: dx");
  const peft::KernelTable* kt = active();
  long grain = (kGrain + n - 1) / n;
  peft::parallel_for(rows, grain, [&](long r0, long r1) { kt->xent_bwd(x, labels, lse, dx, r0, r1, n, ignore, scale); });
  return undefined(env);
}

// unary(op, x, y, param)
napi_value Unary(const Args& a) {
  napi_env env = a.env;
  int op = (int)a.i64(0);
  size_t lx, ly;
  const float* x = a.f32(1, &lx);
  float* y = a.f32(2, &ly);
  float param = (float)a.f64(3);
  if (op < peft::U_EXP || op > peft::U_FLOOR) throw Err{"unary: unknown op"};
  need_len(ly, (long)lx, "unary: y");
  const peft::KernelTable* kt = active();
  peft::parallel_for((long)lx, kGrain, [&](long i0, long i1) { kt->unary(op, x, y, i0, i1, param); });
  return undefined(env);
}

// rmsNorm(x, w, y, rstd, rows, n, eps): T5LayerNorm over rows of n, y = w · x / √(mean(x²) + eps),
// no centring and no bias; rstd keeps 1 / √(mean(x²) + eps) per row for the backward pass. Plain
// loops: T5's rows are a few hundred wide, where the per-op overhead of the ~6 tfjs ops it replaces
// (~14 with their gradients) is what costs, not the arithmetic.
napi_value RmsNorm(const Args& a) {
  napi_env env = a.env;
  size_t l[4];
  float* t[4];
  for (int i = 0; i < 4; i++) t[i] = a.f32(i, &l[i]);
  long rows = a.i64(4), n = a.i64(5);
  float eps = (float)a.f64(6);
  if (rows < 0 || n < 1) throw Err{"rmsNorm: bad sizes"};
  need_len(l[0], rows * n, "rmsNorm: x");
  need_len(l[1], n, "rmsNorm: weight");
  need_len(l[2], rows * n, "rmsNorm: y");
  need_len(l[3], rows, "rmsNorm: rstd");
  const float *x = t[0], *w = t[1];
  float *y = t[2], *rstd = t[3];
  peft::parallel_for(rows, (kGrain + n - 1) / n, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* xr = x + r * n;
      float ss = 0.f;
      for (long j = 0; j < n; j++) ss += xr[j] * xr[j];
      const float rs = 1.f / sqrtf(ss / (float)n + eps);
      rstd[r] = rs;
      float* yr = y + r * n;
      for (long j = 0; j < n; j++) yr[j] = w[j] * (xr[j] * rs);
    }
  });
  return undefined(env);
}

// rmsNormBackward(x, w, rstd, dy, dx, dw, rows, n): with g = w · dy and r = rstd,
// dx = r·g − x·r³·(g·x)/n and dw = Σ_rows dy·x·r (overwritten). Each chunk of rows sums its own dw;
// the chunks are added in a fixed order, so the result does not depend on the threads' timing.
napi_value RmsNormBackward(const Args& a) {
  napi_env env = a.env;
  size_t l[6];
  float* t[6];
  for (int i = 0; i < 6; i++) t[i] = a.f32(i, &l[i]);
  long rows = a.i64(6), n = a.i64(7);
  if (rows < 0 || n < 1) throw Err{"rmsNormBackward: bad sizes"};
  need_len(l[0], rows * n, "rmsNormBackward: x");
  need_len(l[1], n, "rmsNormBackward: weight");
  need_len(l[2], rows, "rmsNormBackward: rstd");
  need_len(l[3], rows * n, "rmsNormBackward: dy");
  need_len(l[4], rows * n, "rmsNormBackward: dx");
  need_len(l[5], n, "rmsNormBackward: dw");
  const float *x = t[0], *w = t[1], *rstd = t[2], *dy = t[3];
  float *dx = t[4], *dw = t[5];
  const long threads = peft::pool_threads();
  const long chunks = rows < threads ? (rows > 0 ? rows : 1) : threads;
  const long per = (rows + chunks - 1) / chunks;
  std::vector<float> partial((size_t)(chunks * n), 0.f);
  peft::parallel_for(chunks, 1, [&](long c0, long c1) {
    for (long c = c0; c < c1; c++) {
      float* pw = partial.data() + c * n;
      for (long r = c * per; r < std::min(rows, (c + 1) * per); r++) {
        const float *xr = x + r * n, *dyr = dy + r * n;
        const float rs = rstd[r];
        float dot = 0.f;
        for (long j = 0; j < n; j++) dot += w[j] * dyr[j] * xr[j];
        const float k = rs * rs * rs * dot / (float)n;
        float* dxr = dx + r * n;
        for (long j = 0; j < n; j++) {
          dxr[j] = rs * w[j] * dyr[j] - xr[j] * k;
          pw[j] += dyr[j] * xr[j] * rs;
        }
      }
    }
  });
  for (long j = 0; j < n; j++) dw[j] = 0.f;
  for (long c = 0; c < chunks; c++)
    for (long j = 0; j < n; j++) dw[j] += partial[(size_t)(c * n + j)];
  return undefined(env);
}

// A counter-based generator (splitmix64's finaliser over seed + index): any element's draw is known
// from the seed alone, so dropout's backward pass regenerates its mask instead of keeping it, and the
// draws do not depend on how the work is split between threads.
inline uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// dropout(x, y, rate, seed): inverted dropout as tf.dropout defines it, y = x / (1 - rate) where a
// uniform draw u >= rate keeps the element, else 0; u is the top 24 bits of splitmix64(seed, index).
// tfjs draws its mask in JavaScript at ~20 ns an element, most of a small model's training step.
napi_value Dropout(const Args& a) {
  napi_env env = a.env;
  size_t lx, ly;
  const float* x = a.f32(0, &lx);
  float* y = a.f32(1, &ly);
  double rate = a.f64(2);
  uint64_t base = splitmix64((uint64_t)a.i64(3));
  if (!(rate >= 0 && rate < 1)) throw Err{"dropout: rate must be in [0, 1)"};
  need_len(ly, (long)lx, "dropout: y");
  const uint32_t threshold = (uint32_t)(rate * 16777216.0);
  const float scale = (float)(1.0 / (1.0 - rate));
  peft::parallel_for((long)lx, kGrain, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) y[i] = (uint32_t)(splitmix64(base + (uint64_t)i) >> 40) >= threshold ? x[i] * scale : 0.0f;
  });
  return undefined(env);
}

// binary(op, a, b, y) over equal lengths
napi_value Binary(const Args& a) {
  napi_env env = a.env;
  int op = (int)a.i64(0);
  size_t la, lb, ly;
  const float* x = a.f32(1, &la);
  const float* z = a.f32(2, &lb);
  float* y = a.f32(3, &ly);
  if (op < peft::B_ADD || op > peft::B_GELU_NEW_BWD) throw Err{"binary: unknown op"};
  need_len(lb, (long)la, "binary: b");
  need_len(ly, (long)la, "binary: y");
  const peft::KernelTable* kt = active();
  peft::parallel_for((long)la, kGrain, [&](long i0, long i1) { kt->binary(op, x, z, y, i0, i1); });
  return undefined(env);
}

// adamw(p, g, m, v, pOut, mOut, vOut, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2)
napi_value AdamW(const Args& a) {
  napi_env env = a.env;
  size_t l[7];
  float* t[7];
  for (int i = 0; i < 7; i++) t[i] = a.f32(i, &l[i]);
  for (int i = 1; i < 7; i++) need_len(l[i], (long)l[0], "adamw: operand");
  float lr = (float)a.f64(7), b1 = (float)a.f64(8), b2 = (float)a.f64(9), eps = (float)a.f64(10),
        wd = (float)a.f64(11), bc1 = (float)a.f64(12), bc2 = (float)a.f64(13);
  const peft::KernelTable* kt = active();
  peft::parallel_for((long)l[0], kGrain, [&](long i0, long i1) {
    kt->adamw(t[0], t[1], t[2], t[3], t[4], t[5], t[6], i0, i1, lr, b1, b2, eps, wd, bc1, bc2);
  });
  return undefined(env);
}

// info(): what runs, for `peft-lab doctor` and result records.
// attendCached(q, k, v, pastK, pastV, bias, y, kOut, vOut, dims, divisor): one attention step with a
// KV cache, for inference. dims = [B, T, P, H, D, ldq, ldk, ldv, biasB, biasH]. q/k/v hold the new
// tokens' projections, token rows of stride ldq/ldk/ldv with head h at columns [h·D, (h+1)·D); pastK
// and pastV are [B, H, P, D] (empty when P = 0); bias is additive, [biasB, biasH, T, P+T] with biasB
// ∈ {1, B} and biasH ∈ {1, H}. Writes kOut/vOut = past ++ new, [B, H, P+T, D], and
// y [B, T, H·D] = softmax(q·kᵀ / divisor + bias)·v, the heads already merged. It replaces the ~15
// small tfjs ops of a decoding step (split, transposes, concats, two products, scale, mask, softmax),
// whose per-op overhead, not arithmetic, bounds decoding at batch 1.
napi_value AttendCached(const Args& a) {
  napi_env env = a.env;
  size_t l[9];
  float* t[9];
  for (int i = 0; i < 9; i++) t[i] = a.f32(i, &l[i]);
  size_t ld;
  const int32_t* dims = static_cast<const int32_t*>(a.word32(9, &ld));
  if (ld < 10) throw Err{"attendCached: dims needs 10 entries"};
  const long B = dims[0], T = dims[1], P = dims[2], H = dims[3], D = dims[4];
  const long ldq = dims[5], ldk = dims[6], ldv = dims[7], bB = dims[8], bH = dims[9];
  // New key/value rows: T (self-attention, appended to the cache) or 0 (cross-attention over a
  // cache that stays as it is: nothing is copied and kOut / vOut are not written).
  const long N = ld > 10 ? dims[10] : T;
  const float divisor = (float)a.f64(10);
  if (B < 1 || T < 1 || P < 0 || H < 1 || D < 1 || (N != T && N != 0) || (N == 0 && P < 1) || ldq < H * D ||
      (N > 0 && (ldk < H * D || ldv < H * D)) || (bB != 1 && bB != B) || (bH != 1 && bH != H))
    throw Err{"attendCached: bad sizes"};
  const long S = P + N, C = H * D;
  need_len(l[0], (B * T - 1) * ldq + C, "attendCached: q");
  if (N > 0) {
    need_len(l[1], (B * T - 1) * ldk + C, "attendCached: k");
    need_len(l[2], (B * T - 1) * ldv + C, "attendCached: v");
    need_len(l[7], B * H * S * D, "attendCached: kOut");
    need_len(l[8], B * H * S * D, "attendCached: vOut");
  }
  need_len(l[3], B * H * P * D, "attendCached: pastK");
  need_len(l[4], B * H * P * D, "attendCached: pastV");
  need_len(l[5], bB * bH * T * S, "attendCached: bias");
  need_len(l[6], B * T * C, "attendCached: y");
  const float *q = t[0], *kn = t[1], *vn = t[2], *pk = t[3], *pv = t[4], *bias = t[5];
  float *y = t[6], *ko = t[7], *vo = t[8];
  long grain = (kGrain + T * S * D - 1) / (T * S * D);
  peft::parallel_for(B * H, grain, [&](long i0, long i1) {
    std::vector<float> p((size_t)S);
    for (long i = i0; i < i1; i++) {
      const long b = i / H, h = i % H;
      const float* K = pk + i * P * D;
      const float* V = pv + i * P * D;
      if (N > 0) {
        float* Ko = ko + i * S * D;
        float* Vo = vo + i * S * D;
        if (P > 0) {
          memcpy(Ko, K, P * D * sizeof(float));
          memcpy(Vo, V, P * D * sizeof(float));
        }
        for (long s = 0; s < T; s++) {
          memcpy(Ko + (P + s) * D, kn + (b * T + s) * ldk + h * D, D * sizeof(float));
          memcpy(Vo + (P + s) * D, vn + (b * T + s) * ldv + h * D, D * sizeof(float));
        }
        K = Ko;
        V = Vo;
      }
      const float* bb = bias + ((bB == 1 ? 0 : b) * bH + (bH == 1 ? 0 : h)) * T * S;
      for (long s = 0; s < T; s++) {
        const float* qr = q + (b * T + s) * ldq + h * D;
        float m = -INFINITY;
        for (long j = 0; j < S; j++) {
          float dot = 0.f;
          for (long d = 0; d < D; d++) dot += qr[d] * K[j * D + d];
          p[j] = dot / divisor + bb[s * S + j];
          m = p[j] > m ? p[j] : m;
        }
        float sum = 0.f;
        for (long j = 0; j < S; j++) sum += (p[j] = expf(p[j] - m));
        float* yr = y + (b * T + s) * C + h * D;
        for (long d = 0; d < D; d++) yr[d] = 0.f;
        for (long j = 0; j < S; j++) {
          const float w = p[j] / sum;
          for (long d = 0; d < D; d++) yr[d] += w * V[j * D + d];
        }
      }
    }
  });
  return undefined(env);
}

napi_value Info(const Args& a) {
  napi_env env = a.env;
    napi_value o, cpu, compiled;
    napi_create_object(env, &o);
    set_prop(env, o, "isa", str(env, active()->name));
    set_prop(env, o, "threads", num(env, peft::pool_threads()));
    set_prop(env, o, "selfTest", str(env, peft::self_test_note().empty() ? "passed" : peft::self_test_note()));
    napi_create_object(env, &cpu);
    peft::CpuFeatures f = peft::cpu_features();
    set_prop(env, cpu, "avx2", boolean(env, f.avx2));
    set_prop(env, cpu, "fma", boolean(env, f.fma));
    set_prop(env, cpu, "avx512f", boolean(env, f.avx512f));
    set_prop(env, o, "cpu", cpu);
    napi_create_array(env, &compiled);
    uint32_t n = 0;
    for (const peft::KernelTable* kt : {peft::table_generic(), peft::table_avx2(), peft::table_avx512()})
      if (kt) napi_set_element(env, compiled, n++, str(env, kt->name));
    set_prop(env, o, "compiled", compiled);
    return o;
}

// configure(threads, isa): threads <= 0 keeps the count; isa "" keeps the table. Returns "" or why not.
napi_value Configure(const Args& a) {
  napi_env env = a.env;
  long threads = a.i64(0);
  std::string isa = a.str(1);
  if (threads > 0 && threads != peft::pool_threads()) peft::set_pool_threads((int)threads);
  std::string err = isa.empty() ? "" : peft::select_isa(isa);
  return str(env, err);
}

// The exported functions: JS name, implementation, and how many arguments it needs at least.
#define PEFT_BINDINGS(X)                     \
  X("matmul", Matmul, 11)                    \
  X("softmax", Softmax, 4)                   \
  X("reduceRows", ReduceRows, 5)             \
  X("unary", Unary, 4)                       \
  X("binary", Binary, 4)                     \
  X("dropout", Dropout, 4)                   \
  X("adamw", AdamW, 14)                      \
  X("reduce", Reduce, 6)                     \
  X("binaryBcast", BinaryBcast, 8)           \
  X("castToFloat", CastToFloat, 2)           \
  X("copy2d", Copy2d, 6)                     \
  X("gatherRows", GatherRows, 5)             \
  X("transposeKeepLast", TransposeKeepLast, 4) \
  X("layerNorm", LayerNorm, 9)               \
  X("layerNormBackward", LayerNormBackward, 10) \
  X("rmsNorm", RmsNorm, 7)                      \
  X("rmsNormBackward", RmsNormBackward, 8)      \
  X("crossEntropy", CrossEntropy, 7)         \
  X("crossEntropyBackward", CrossEntropyBackward, 8) \
  X("attendCached", AttendCached, 11)        \
  X("info", Info, 0)                         \
  X("configure", Configure, 2)

struct Binding {
  const char* name;
  napi_value (*fn)(const Args&);
  size_t argc;
};

#define PEFT_BINDING_ENTRY(js, fn, argc) {js, fn, argc},
const Binding kBindings[] = {PEFT_BINDINGS(PEFT_BINDING_ENTRY)};
#undef PEFT_BINDING_ENTRY

// Every export is this callback with its Binding as the data pointer: the argument unpacking, the
// argument-count check and the C++-exception-to-JS-error translation live here once.
napi_value Dispatch(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info);
    const Binding* b = static_cast<const Binding*>(a.data);
    a.need(b->argc, b->name);
    return b->fn(a);
  });
}

napi_value Init(napi_env env, napi_value exports) {
  constexpr size_t n = sizeof kBindings / sizeof kBindings[0];
  napi_property_descriptor props[n];
  for (size_t i = 0; i < n; i++)
    props[i] = {kBindings[i].name, nullptr, Dispatch, nullptr, nullptr, nullptr, napi_default, const_cast<Binding*>(&kBindings[i])};
  napi_define_properties(env, exports, n, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
