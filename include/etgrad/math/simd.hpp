/// @file simd.hpp  SIMD packs as numbers of the op rules: etgrad's vec_pack (<etgrad/math/pack.hpp>)
/// with its elementary functions (<etgrad/math/pack_functions.hpp>) and conditionals as lane-wise
/// selects. Used by the array engine and tape tensors with GCC and clang (their vector
/// extensions); ETGRAD_NO_SIMD turns it off.
///
/// The pack has the width of the instruction set the translation unit is compiled for: 16 bytes
/// (SSE2 on any x86-64: 2 doubles, 4 floats), 32 with AVX (-mavx2 -mfma, -march=native: 4
/// doubles, 8 floats). <etgrad/math/wide.hpp> adds 32-byte loops chosen at run time.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <etgrad/core/traits.hpp>

#if !defined(ETGRAD_NO_SIMD) && (defined(__GNUC__) || defined(__clang__))
#define ETGRAD_HAS_SIMD 1
#include <etgrad/math/pack_functions.hpp>
#else
#define ETGRAD_HAS_SIMD 0
#endif

namespace etgrad::detail {

#if ETGRAD_HAS_SIMD
/// The functions op rules call on packs. Every function of doubles is etgrad's own
/// (pack_functions.hpp), but erf, pow and atan2, which run lane by lane (glibc's); sin, cos and
/// tan too where a lane is past 1e4 (or NaN, or infinite), beyond the reduction's exact range;
/// log, asin, acos, cosh, asinh and acosh too on 16-byte packs without FMA (scalar_faster).
/// Floats compute on doubles (pack_widen) and round back.
template <class T, std::size_t Bytes>
struct pack_math<vec_pack<T, Bytes>> {
    using P = vec_pack<T, Bytes>;
    /// Whether every lane is a number with |x| <= limit (false for any NaN lane).
    static bool within(const P& x, T limit) noexcept {
        bool in = true;
        for (std::size_t i = 0; i < P::size; ++i) in = in && std::fabs(x.v[i]) <= limit;
        return in;
    }
    // (math::select answers a bool condition itself: only a mask reaches a pack's select)
    [[gnu::always_inline]] static P select(const vec_mask<T, Bytes>& m, const P& a, const P& b) noexcept {
        return pack_select(m, a, b);
    }
// name: etgrad's fn_pack on doubles (floats widened to doubles and rounded back)
#define ETGRAD_PACK_FUNCTION(name, fn)                                           \
    static P name(const P& x) noexcept {                                         \
        if constexpr (std::is_same_v<T, double>) return fn##_pack(x);            \
        else return pack_narrow(fn##_pack(pack_widen(x)));                       \
    }
    ETGRAD_PACK_FUNCTION(exp, exp)
    ETGRAD_PACK_FUNCTION(expm1, expm1)
    ETGRAD_PACK_FUNCTION(log1p, log1p)
    ETGRAD_PACK_FUNCTION(tanh, tanh)
    ETGRAD_PACK_FUNCTION(sinh, sinh)
    ETGRAD_PACK_FUNCTION(atanh, atanh)
    ETGRAD_PACK_FUNCTION(atan, atan)
    // the functions below choose between these (fn_own) and glibc's lane by lane
    ETGRAD_PACK_FUNCTION(log_own, log)
    ETGRAD_PACK_FUNCTION(cosh_own, cosh)
    ETGRAD_PACK_FUNCTION(asinh_own, asinh)
    ETGRAD_PACK_FUNCTION(acosh_own, acosh)
    ETGRAD_PACK_FUNCTION(asin_own, asin)
    ETGRAD_PACK_FUNCTION(acos_own, acos)
    ETGRAD_PACK_FUNCTION(sin_own, sin)
    ETGRAD_PACK_FUNCTION(cos_own, cos)
    ETGRAD_PACK_FUNCTION(tan_own, tan)
#undef ETGRAD_PACK_FUNCTION
    /// Whether glibc's branchy scalar functions beat branch-free code that computes every case in
    /// every lane: on two lanes without FMA (SSE2 without -mfma) for the functions below, whose
    /// branch-free forms do the most work (measured: benchmarks/pack_functions.bench.cpp).
#if defined(__FMA__)
    static constexpr bool scalar_faster = false;
#else
    static constexpr bool scalar_faster = Bytes <= 16;
#endif
// fn: glibc's lane by lane where `glibc` holds, else etgrad's (fn_own)
#define ETGRAD_PACK_CHOICE(fn, glibc)                                                    \
    static P fn(const P& x) noexcept {                                                   \
        if (glibc) return lanewise([](T a, T) { return std::fn(a); }, x);                \
        return fn##_own(x);                                                              \
    }
    ETGRAD_PACK_CHOICE(log, scalar_faster)
    ETGRAD_PACK_CHOICE(cosh, scalar_faster)
    ETGRAD_PACK_CHOICE(asinh, scalar_faster)
    ETGRAD_PACK_CHOICE(acosh, scalar_faster)
    ETGRAD_PACK_CHOICE(asin, scalar_faster)
    ETGRAD_PACK_CHOICE(acos, scalar_faster)
    // sin, cos, tan: etgrad's where every lane is within 1e4, else the scalar function lane by lane
    ETGRAD_PACK_CHOICE(sin, !within(x, T(1e4)))
    ETGRAD_PACK_CHOICE(cos, !within(x, T(1e4)))
    ETGRAD_PACK_CHOICE(tan, !within(x, T(1e4)))
#undef ETGRAD_PACK_CHOICE
    static P sqrt(const P& x) noexcept { return sqrt_pack(x); }
    static P erf(const P& x) noexcept { return lanewise([](T a, T) { return std::erf(a); }, x); }
    static P atan2(const P& y, const P& x) noexcept {
        return lanewise([](T a, T b) { return std::atan2(a, b); }, y, x);
    }
    static P pow(const P& x, const P& y) noexcept {
        return lanewise([](T a, T b) { return std::pow(a, b); }, x, y);
    }
};

/// The bytes of the pack the translation unit computes in: 32 with AVX, else 16.
#if defined(__AVX__)
inline constexpr std::size_t pack_bytes = 32;
#else
inline constexpr std::size_t pack_bytes = 16;
#endif

/// The pack of T the array engine computes in (void where T has no pack: long double).
template <class T>
struct pack_for {
    using type = void;
};
template <class T>
    requires(std::is_same_v<T, double> || std::is_same_v<T, float>)
struct pack_for<T> {
    using type = vec_pack<T, pack_bytes>;
};

template <class P>
P load_pack(const typename P::value_type* p) noexcept {
    return P::load_unaligned(p);
}
template <class P>
void store_pack(const P& v, typename P::value_type* p) noexcept {
    v.store_unaligned(p);
}
/// The sum of a pack's lanes, in lane order (the same result for the same lanes).
template <class P>
typename P::value_type sum_lanes(const P& v) noexcept {
    alignas(64) typename P::value_type lane[P::size];
    v.store_aligned(lane);
    typename P::value_type s = lane[0];
    for (std::size_t i = 1; i < P::size; ++i) s += lane[i];
    return s;
}
/// x[0] w[0] + ... + x[n-1] w[n-1] for contiguous x and w, in packs of P (a fixed order for
/// each n and P).
template <class P, class T>
[[gnu::always_inline]] inline T dot_in(const T* x, const T* w, std::size_t n) noexcept {
    std::size_t j = 0;
    T s = 0;
    if (n >= P::size) {
        P acc(T(0));
        for (; j + P::size <= n; j += P::size) acc = pack_fma(P::load_unaligned(x + j), P::load_unaligned(w + j), acc);
        s = sum_lanes(acc);
    }
    for (; j < n; ++j) s += x[j] * w[j];
    return s;
}
/// y[j] += a x[j] for contiguous x and y, in packs of P.
template <class P, class T>
[[gnu::always_inline]] inline void axpy_in(T a, const T* x, T* y, std::size_t n) noexcept {
    std::size_t j = 0;
    const P pa(a);
    for (; j + P::size <= n; j += P::size)
        pack_fma(pa, P::load_unaligned(x + j), P::load_unaligned(y + j)).store_unaligned(y + j);
    for (; j < n; ++j) y[j] += a * x[j];
}
/// out[k] = row k of x (rows rs apart, contiguous) dotted with w, for k < L, in packs of P.
template <class P, class T>
[[gnu::always_inline]] inline void dot_rows_in(const T* x, std::ptrdiff_t rs, const T* w, std::size_t d,
                                               std::size_t L, T* out) noexcept {
    for (std::size_t k = 0; k < L; ++k) out[k] = dot_in<P>(x + std::ptrdiff_t(k) * rs, w, d);
}
/// y += sum over k < L of g[k] times row k of x (rows rs apart, contiguous), in packs of P.
template <class P, class T>
[[gnu::always_inline]] inline void axpy_rows_in(const T* g, const T* x, std::ptrdiff_t rs, std::size_t d,
                                                std::size_t L, T* y) noexcept {
    for (std::size_t k = 0; k < L; ++k) axpy_in<P>(g[k], x + std::ptrdiff_t(k) * rs, y, d);
}
template <class T>
T dot_contiguous(const T* x, const T* w, std::size_t n) noexcept {
    return dot_in<typename pack_for<T>::type>(x, w, n);
}
template <class T>
void axpy_contiguous(T a, const T* x, T* y, std::size_t n) noexcept {
    axpy_in<typename pack_for<T>::type>(a, x, y, n);
}

#else
template <class T>
struct pack_for {
    using type = void;
};
template <class T>
T dot_contiguous(const T* x, const T* w, std::size_t n) noexcept {
    T s = 0;
    for (std::size_t j = 0; j < n; ++j) s += x[j] * w[j];
    return s;
}
template <class T>
void axpy_contiguous(T a, const T* x, T* y, std::size_t n) noexcept {
    for (std::size_t j = 0; j < n; ++j) y[j] += a * x[j];
}
#endif

}  // namespace etgrad::detail
