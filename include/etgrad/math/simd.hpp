/// @file simd.hpp  SIMD packs for op rules: xsimd's batches as numbers of the op rules (their
/// exp, log, sin, ... vectorised; conditionals as lane-wise selects). Used by the array engine
/// when xsimd's headers are found (Debian: libxsimd-dev); ETGRAD_NO_SIMD turns it off.
///
/// The pack is xsimd's default for the target the translation unit is compiled for: SSE2 on any
/// x86-64 (2 doubles, 4 floats), AVX2 with -mavx2 -mfma or -march=native (4 doubles, 8 floats).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <etgrad/core/traits.hpp>

#if !defined(ETGRAD_NO_SIMD) && __has_include(<xsimd/xsimd.hpp>)
#include <xsimd/xsimd.hpp>
#define ETGRAD_HAS_SIMD 1
#else
#define ETGRAD_HAS_SIMD 0
#endif

namespace etgrad::detail {

#if ETGRAD_HAS_SIMD
template <class T, class A>
struct is_pack<xsimd::batch<T, A>> : std::true_type {};

/// The bit-level helpers exp_pack and log1p_pack need, for xsimd's batches (<etgrad/math/wide.hpp>
/// defines them for its packs): a fused multiply-add, c - a b, and a pack of doubles as 64-bit
/// integers and back.
template <class T, class A>
[[gnu::always_inline]] inline xsimd::batch<T, A> pack_fma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                          const xsimd::batch<T, A>& c) noexcept {
    return xsimd::fma(a, b, c);
}
template <class T, class A>
[[gnu::always_inline]] inline xsimd::batch<T, A> pack_fnma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                           const xsimd::batch<T, A>& c) noexcept {
    return xsimd::fnma(a, b, c);
}
template <class A>
[[gnu::always_inline]] inline xsimd::batch<std::uint64_t, A> pack_bits(const xsimd::batch<double, A>& x) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<std::uint64_t, A>>(x);
}
template <class A>
[[gnu::always_inline]] inline xsimd::batch<double, A> pack_from_bits(const xsimd::batch<std::uint64_t, A>& u) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<double, A>>(u);
}

/// e^x for packs of doubles, within 4 ulp (measured: 3.4) of the exact value: x = k ln 2 + r,
/// e^r by its Taylor polynomial of degree 12 (|r| <= ln 2 / 2), times 2^k built in the exponent
/// bits (as two factors, so that every finite result is reached). About twice as fast as
/// xsimd 8's exp, which converts k to 64-bit integers (not an AVX2 instruction) and divides.
template <class P>
[[gnu::always_inline]] inline P exp_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    const P shifter(0x1.8p52);  // adding it rounds to an integer, kept in the low mantissa bits
    const P kf = pack_fma(x, P(1.4426950408889634), shifter);
    const P k = kf - shifter;
    const P r = pack_fnma(k, P(0x1.ef35793c76730p-45), pack_fnma(k, P(0x1.62e42fefa3800p-1), x));
    const P r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const P c0 = r + P(1.0), c1 = pack_fma(r, P(1.0 / 6), P(0.5)), c2 = pack_fma(r, P(1.0 / 120), P(1.0 / 24)),
            c3 = pack_fma(r, P(1.0 / 5040), P(1.0 / 720)), c4 = pack_fma(r, P(1.0 / 362880), P(1.0 / 40320)),
            c5 = pack_fma(r, P(1.0 / 39916800), P(1.0 / 3628800));
    const P e0 = pack_fma(pack_fma(c3, r2, c2), r4, pack_fma(c1, r2, c0));
    const P e1 = pack_fma(P(1.0 / 479001600), r4, pack_fma(c5, r2, c4));
    const P p = pack_fma(e1, r8, e0);
    const U kb = pack_bits(kf) - pack_bits(shifter) + U(2048);  // k + 2048 >= 0
    const U k1 = (kb >> 1) - U(1024), k2 = kb - U(2048) - k1;
    const P y = p * pack_from_bits((k1 + U(1023)) << 52) * pack_from_bits((k2 + U(1023)) << 52);
    using M = pack_math<P>;
    return M::select(x > P(709.782712893384), P(HUGE_VAL), M::select(x < P(-745.1332191019412), P(0.0), y));
}

/// log(1 + x) for packs of doubles, within 1 ulp (measured): fdlibm's log1p (1 + x = 2^k m with
/// m in [sqrt(2)/2, sqrt(2)), a correction for the rounding of 1 + x, a polynomial in
/// s = (m - 1) / (m + 1)), with k read from the exponent bits and converted without 64-bit
/// integer instructions AVX2 lacks (xsimd 8's log1p emulates them: this is about 1.7x faster).
template <class P>
P log1p_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    using M = pack_math<P>;
    const P u = x + P(1.0);
    const U hu = pack_bits(u) + U(std::uint64_t(0x3ff00000 - 0x3fe6a09e) << 32);
    const P k = pack_from_bits((hu >> 52) | U(0x4330000000000000ull)) - P(4503599627370496.0 + 1023.0);
    const P f = pack_from_bits((hu & U(0x000fffffffffffffull)) + U(std::uint64_t(0x3fe6a09e) << 32)) - P(1.0);
    const P c = M::select(k >= P(2.0), P(1.0) - (u - x), x - (u - P(1.0))) / u;
    const P hfsq = P(0.5) * f * f, s = f / (P(2.0) + f), z = s * s, w = z * z;
    const P t1 = w * pack_fma(pack_fma(w, P(0x1.39a09d078c69fp-3), P(0x1.c71c51d8e78afp-3)), w,
                              P(0x1.999999997fa04p-2));
    const P t2 = z * pack_fma(pack_fma(pack_fma(w, P(0x1.2f112df3e5244p-3), P(0x1.7466496cb03dep-3)), w,
                                       P(0x1.2492494229359p-2)),
                              w, P(0x1.5555555555593p-1));
    const P r = pack_fma(k, P(0x1.62e42feep-1),
                         pack_fma(s, hfsq + t1 + t2, pack_fma(k, P(0x1.a39ef35793c76p-33), c)) - hfsq + f);
    const P y = M::select(x == P(0.0), x, M::select(u == P(0.0), P(-HUGE_VAL), r));  // log1p(-0) = -0
    return M::select(!(u >= P(0.0)), P(NAN), M::select(x == P(HUGE_VAL), x, y));
}

/// f applied lane by lane (the scalar function itself: for the functions whose xsimd 8 versions
/// are wrong somewhere, measured against glibc).
template <class P, class F>
P lanewise(F f, const P& x, const P& y = P(0)) noexcept {
    using T = typename P::value_type;
    alignas(64) T a[P::size], b[P::size];
    x.store_aligned(a);
    y.store_aligned(b);
    for (std::size_t i = 0; i < P::size; ++i) a[i] = f(a[i], b[i]);
    return P::load_aligned(a);
}

/// The functions op rules call on packs. exp and log1p of doubles are etgrad's own (above); the
/// others are xsimd's, checked against glibc in ulps and at special values (0, -0, infinities,
/// NaN, subnormals, overflow). Where xsimd 8.1 was found wrong, the scalar function runs lane by
/// lane: erf (NaN past 1e308, 68 ulp near 0.5), pow (pow(0, -1.25) = 0, pow(0, 0) = 0,
/// pow(1, NaN) = NaN, ...) and atan2; acosh below 1 is NaN by a select (xsimd's is -inf or 0 for
/// large negative x). xsimd's range reductions convert to integers, which is undefined for NaN,
/// infinities and huge values: a pack holding any lane outside a function's safe range (NaN
/// included) is computed lane by lane too; log of a subnormal is rescaled.
template <class T, class A>
struct pack_math<xsimd::batch<T, A>> {
    using P = xsimd::batch<T, A>;
    /// Whether every lane is a number with |x| <= limit (false for any NaN lane).
    static bool within(const P& x, T limit) noexcept { return xsimd::all(xsimd::abs(x) <= P(limit)); }
    static P exp(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            return exp_pack(x);
        } else {
            if (!within(x, T(80))) return lanewise([](T a, T) { return std::exp(a); }, x);
            return xsimd::exp(x);
        }
    }
    static P log1p(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            return log1p_pack(x);
        } else {
            if (!within(x, std::numeric_limits<T>::max())) return lanewise([](T a, T) { return std::log1p(a); }, x);
            return xsimd::log1p(x);
        }
    }
    static P log(const P& x) noexcept {  // a subnormal x: log(x 2^k) - k log 2
        if (!within(x, std::numeric_limits<T>::max())) return lanewise([](T a, T) { return std::log(a); }, x);
        constexpr int k = std::numeric_limits<T>::digits + 1;
        const auto tiny = (x < P(std::numeric_limits<T>::min())) && (x > P(T(0)));
        const P scaled = xsimd::select(tiny, x * P(std::ldexp(T(1), k)), x);
        return xsimd::log(scaled) - xsimd::select(tiny, P(T(k) * T(0.693147180559945309417232121458176568L)), P(T(0)));
    }
    static P erf(const P& x) noexcept { return lanewise([](T a, T) { return std::erf(a); }, x); }
    static P atan2(const P& y, const P& x) noexcept {
        return lanewise([](T a, T b) { return std::atan2(a, b); }, y, x);
    }
    static P pow(const P& x, const P& y) noexcept {
        return lanewise([](T a, T b) { return std::pow(a, b); }, x, y);
    }
    template <class C>
    static P select(const C& c, const P& a, const P& b) noexcept {
        return xsimd::select(c, a, b);
    }
// xsimd's fn where every lane is within limit, else the scalar fn lane by lane
#define ETGRAD_PACK_UNARY(fn, limit)                                                          \
    static P fn(const P& x) noexcept {                                                        \
        if (!within(x, limit)) return lanewise([](T a, T) { return std::fn(a); }, x);        \
        return xsimd::fn(x);                                                                  \
    }
    ETGRAD_PACK_UNARY(sqrt, std::numeric_limits<T>::max())
    ETGRAD_PACK_UNARY(sin, T(1e4))
    ETGRAD_PACK_UNARY(cos, T(1e4))
    ETGRAD_PACK_UNARY(tan, T(1e4))
    ETGRAD_PACK_UNARY(tanh, T(80))
    ETGRAD_PACK_UNARY(expm1, T(80))
    ETGRAD_PACK_UNARY(asin, T(1))
    ETGRAD_PACK_UNARY(acos, T(1))
    ETGRAD_PACK_UNARY(atan, std::numeric_limits<T>::max())
    ETGRAD_PACK_UNARY(sinh, T(80))
    ETGRAD_PACK_UNARY(cosh, T(80))
    ETGRAD_PACK_UNARY(asinh, std::numeric_limits<T>::max())
    static P acosh(const P& x) noexcept {
        if (!within(x, std::numeric_limits<T>::max())) return lanewise([](T a, T) { return std::acosh(a); }, x);
        return xsimd::select(x < P(T(1)), P(std::numeric_limits<T>::quiet_NaN()), xsimd::acosh(x));
    }
    ETGRAD_PACK_UNARY(atanh, T(1))
#undef ETGRAD_PACK_UNARY
};

/// The pack of T the array engine computes in (void where T has no pack: long double).
template <class T>
struct pack_for {
    using type = void;
};
template <class T>
    requires(std::is_same_v<T, double> || std::is_same_v<T, float>)
struct pack_for<T> {
    using type = xsimd::batch<T>;
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
    return dot_in<xsimd::batch<T>>(x, w, n);
}
template <class T>
void axpy_contiguous(T a, const T* x, T* y, std::size_t n) noexcept {
    axpy_in<xsimd::batch<T>>(a, x, y, n);
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
