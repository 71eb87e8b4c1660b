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

/// x = k ln 2 + r with |r| <= ln 2 / 2 and e^r = 1 + q, for packs of doubles: q = r + r^2 s(r),
/// s a Taylor polynomial of degree 11, so that e^r's rounding is the one of adding 1 to q. kf
/// holds k in its low mantissa bits (k = kf - 0x1.8p52).
template <class P>
struct exp_reduction {
    P kf, k, q;
};
template <class P>
[[gnu::always_inline]] inline exp_reduction<P> exp_reduce(const P& x) noexcept {
    const P shifter(0x1.8p52);  // adding it rounds to an integer, kept in the low mantissa bits
    const P kf = pack_fma(x, P(1.4426950408889634), shifter);
    const P k = kf - shifter;
    const P r = pack_fnma(k, P(0x1.ef35793c76730p-45), pack_fnma(k, P(0x1.62e42fefa3800p-1), x));
    const P r2 = r * r, r4 = r2 * r2;
    const P c1 = pack_fma(r, P(1.0 / 6), P(0.5)), c2 = pack_fma(r, P(1.0 / 120), P(1.0 / 24)),
            c3 = pack_fma(r, P(1.0 / 5040), P(1.0 / 720)), c4 = pack_fma(r, P(1.0 / 362880), P(1.0 / 40320)),
            c5 = pack_fma(r, P(1.0 / 39916800), P(1.0 / 3628800)),
            c6 = pack_fma(r, P(1.0 / 6227020800), P(1.0 / 479001600));
    const P e0 = pack_fma(c3, r4, pack_fma(c2, r2, c1));
    const P e1 = pack_fma(c6, r4, pack_fma(c5, r2, c4));
    return {kf, k, pack_fma(pack_fma(e1, r4 * r2, e0), r2, r)};
}

/// e^x for packs of doubles, within 1 ulp (measured) of the exact value: (1 + q) 2^k, 2^k built in
/// the exponent bits (as two factors, so that every finite result is reached). About twice as
/// fast as xsimd 8's exp, which converts k to 64-bit integers (not an AVX2 instruction) and divides.
template <class P>
[[gnu::always_inline]] inline P exp_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    const exp_reduction<P> e = exp_reduce(x);
    const U kb = pack_bits(e.kf) - pack_bits(P(0x1.8p52)) + U(2048);  // k + 2048 >= 0
    const U k1 = (kb >> 1) - U(1024), k2 = kb - U(2048) - k1;
    const P y = (P(1.0) + e.q) * pack_from_bits((k1 + U(1023)) << 52) * pack_from_bits((k2 + U(1023)) << 52);
    using M = pack_math<P>;
    return M::select(x > P(709.782712893384), P(HUGE_VAL), M::select(x < P(-745.1332191019412), P(0.0), y));
}

/// k log 2 + log(m) + c for a pack u = 2^k m of positive normal doubles (m in [sqrt(2)/2,
/// sqrt(2)), k read from the exponent bits and converted without the 64-bit integer instructions
/// AVX2 lacks), plus kshift log 2: fdlibm's log, a polynomial in s = (m - 1) / (m + 1), with c a
/// small correction (log1p's rounding of 1 + x, divided by u) added before the rounding.
template <class P>
[[gnu::always_inline]] inline P log_reduced(const P& u, const P& c, const P& kshift) noexcept {
    using U = decltype(pack_bits(u));
    const U hu = pack_bits(u) + U(std::uint64_t(0x3ff00000 - 0x3fe6a09e) << 32);
    const P k = pack_from_bits((hu >> 52) | U(0x4330000000000000ull)) - P(4503599627370496.0 + 1023.0) + kshift;
    const P f = pack_from_bits((hu & U(0x000fffffffffffffull)) + U(std::uint64_t(0x3fe6a09e) << 32)) - P(1.0);
    const P hfsq = P(0.5) * f * f, s = f / (P(2.0) + f), z = s * s, w = z * z;
    const P t1 = w * pack_fma(pack_fma(w, P(0x1.39a09d078c69fp-3), P(0x1.c71c51d8e78afp-3)), w,
                              P(0x1.999999997fa04p-2));
    const P t2 = z * pack_fma(pack_fma(pack_fma(w, P(0x1.2f112df3e5244p-3), P(0x1.7466496cb03dep-3)), w,
                                       P(0x1.2492494229359p-2)),
                              w, P(0x1.5555555555593p-1));
    const P low = pack_fma(s, hfsq + t1 + t2, pack_fma(k, P(0x1.a39ef35793c76p-33), c)) - hfsq + f;
    return pack_fma(k, P(0x1.62e42feep-1), low);
}

/// log(1 + x) for packs of doubles, within 1 ulp (measured): log_reduced of u = 1 + x with a
/// correction for the rounding of 1 + x. About 1.7x faster than xsimd 8's log1p, which emulates
/// the 64-bit integer conversion.
template <class P>
P log1p_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const P u = x + P(1.0);
    const P c = M::select(u >= P(2.0), P(1.0) - (u - x), x - (u - P(1.0))) / u;
    const P r = log_reduced(u, c, P(0.0));
    const P y = M::select(x == P(0.0), x, M::select(u == P(0.0), P(-HUGE_VAL), r));  // log1p(-0) = -0
    return M::select(!(u >= P(0.0)), P(NAN), M::select(x == P(HUGE_VAL), x, y));
}

/// log(x) for packs of doubles, within 1 ulp (measured): log_reduced of x, a subnormal x scaled
/// by 2^54 first. About twice as fast as xsimd 8's log on SSE2.
template <class P>
P log_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const auto tiny = x < P(0x1p-1022);
    const P r = log_reduced(M::select(tiny, x * P(0x1p54), x), P(0.0), M::select(tiny, P(-54.0), P(0.0)));
    const P y = M::select(x == P(0.0), P(-HUGE_VAL), M::select(x == P(HUGE_VAL), x, r));
    return M::select(!(x >= P(0.0)), P(NAN), y);  // below 0 and NaN
}

/// e^x - 1 for packs of doubles, within 2 ulp (measured): q itself where k = 0, else
/// (2^k - 1) + 2^k q (both terms exact, one rounding), e^x from k = 57 and -1 below k = -56.
template <class P>
P expm1_pack(const P& x) noexcept {
    using M = pack_math<P>;
    using U = decltype(pack_bits(x));
    const exp_reduction<P> e = exp_reduce(x);
    const P two_k = pack_from_bits((pack_bits(e.kf) - pack_bits(P(0x1.8p52)) + U(1023)) << 52);  // |k| <= 56 used
    const P mid = M::select(e.k == P(0.0), e.q, pack_fma(two_k, e.q, two_k - P(1.0)));
    const P r = M::select(e.k > P(56.0), exp_pack(x), M::select(e.k < P(-56.0), P(-1.0), mid));
    return M::select(x == P(0.0), x, r);  // expm1(-0) = -0; NaN stays NaN through q
}

/// tanh(x) for packs of doubles, within 2 ulp (measured): with t = e^(2|x|) - 1, t / (t + 2)
/// below |x| = 1 and 1 - 2 / (t + 2) above (fdlibm's split), 1 from |x| = 22, x's sign put back.
template <class P>
P tanh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    using U = decltype(pack_bits(x));
    const U sign(0x8000000000000000ull);
    const P a = pack_from_bits(pack_bits(x) & U(0x7fffffffffffffffull));
    const P t = expm1_pack(a + a);
    const P z = M::select(a < P(1.0), t / (t + P(2.0)), P(1.0) - P(2.0) / (t + P(2.0)));
    const P r = M::select(a > P(22.0), P(1.0), z);  // NaN stays NaN through z
    return pack_from_bits(pack_bits(r) | (pack_bits(x) & sign));
}

/// |x| and x's sign bit, for the odd functions below.
template <class P>
struct pack_sign_split {
    P a;
    decltype(pack_bits(std::declval<P>())) sign;
};
template <class P>
[[gnu::always_inline]] inline pack_sign_split<P> split_sign(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    return {pack_from_bits(pack_bits(x) & U(0x7fffffffffffffffull)), pack_bits(x) & U(0x8000000000000000ull)};
}
template <class P, class U>
[[gnu::always_inline]] inline P with_sign(const P& r, const U& sign) noexcept {
    return pack_from_bits(pack_bits(r) | sign);
}

/// sinh(x) for packs of doubles (fdlibm's formulas): with t = e^|x| - 1, (2t - t^2 / (t + 1)) / 2
/// below 1, (t + t / (t + 1)) / 2 below 22, e^|x| / 2 below log(DBL_MAX), past it (w / 2) w with
/// w = e^(|x| / 2); x's sign put back.
template <class P>
P sinh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const auto [a, sign] = split_sign(x);
    const P t = expm1_pack(a), u = t / (t + P(1.0));
    const P small = M::select(a < P(1.0), P(0.5) * (t + t - t * u), P(0.5) * (t + u));
    const P w = exp_pack(P(0.5) * a);
    const P big = M::select(a < P(709.782712893384), P(0.5) * exp_pack(a), (P(0.5) * w) * w);
    return with_sign(M::select(a < P(22.0), small, big), sign);  // NaN stays NaN through big
}

/// cosh(x) for packs of doubles (fdlibm's formulas): with t = e^|x| - 1, 1 + t^2 / (2 (1 + t))
/// below ln 2 / 2, (e^|x| + e^-|x|) / 2 below 22, e^|x| / 2 below log(DBL_MAX), past it (w / 2) w
/// with w = e^(|x| / 2).
template <class P>
P cosh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const P a = split_sign(x).a;
    const P t = expm1_pack(a), e = exp_pack(a), w = exp_pack(P(0.5) * a);
    const P near0 = P(1.0) + (t * t) / ((P(1.0) + t) + (P(1.0) + t));
    const P mid = P(0.5) * e + P(0.5) / e;
    const P big = M::select(a < P(709.782712893384), P(0.5) * e, (P(0.5) * w) * w);
    return M::select(a < P(0.34657359027997264), near0, M::select(a < P(22.0), mid, big));
}

/// atanh(x) for packs of doubles (fdlibm's formulas): with a = |x|, log1p(2a + 2a^2 / (1 - a)) / 2
/// below 1/2, log1p(2a / (1 - a)) / 2 up to 1 (inf at 1, NaN past it); x's sign put back.
template <class P>
P atanh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const auto [a, sign] = split_sign(x);
    const P t = a + a;
    const P r = P(0.5) * log1p_pack(M::select(a < P(0.5), t + t * a / (P(1.0) - a), t / (P(1.0) - a)));
    return with_sign(M::select(a > P(1.0), P(NAN), r), sign);
}

/// asinh(x) for packs of doubles (fdlibm's formulas): with a = |x|, log1p(a + a^2 / (1 + sqrt(1 +
/// a^2))) up to 2, log(2a + 1 / (sqrt(a^2 + 1) + a)) up to 2^28, log(a) + log 2 past it; x's sign
/// put back.
template <class P>
P asinh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const auto [a, sign] = split_sign(x);
    const P t = a * a, root = M::sqrt(t + P(1.0));
    const P small = log1p_pack(a + t / (P(1.0) + root));
    const P mid = log_pack(a + a + P(1.0) / (root + a));
    const P big = log_pack(a) + P(0.6931471805599453);
    return with_sign(M::select(a <= P(2.0), small, M::select(a < P(0x1p28), mid, big)), sign);
}

/// acosh(x) for packs of doubles (fdlibm's formulas): with t = x - 1, log1p(t + sqrt(2t + t^2))
/// up to 2, log(2x - 1 / (x + sqrt(x^2 - 1))) up to 2^28, log(x) + log 2 past it; NaN below 1.
template <class P>
P acosh_pack(const P& x) noexcept {
    using M = pack_math<P>;
    const P t = x - P(1.0);
    const P small = log1p_pack(t + M::sqrt(t + t + t * t));
    const P mid = log_pack(x + x - P(1.0) / (x + M::sqrt(x * x - P(1.0))));
    const P big = log_pack(x) + P(0.6931471805599453);
    const P r = M::select(x <= P(2.0), small, M::select(x < P(0x1p28), mid, big));
    return M::select(!(x >= P(1.0)), P(NAN), r);
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

/// The functions op rules call on packs. exp, expm1, log, log1p, tanh, sinh, cosh, asinh, acosh
/// and atanh of doubles are etgrad's own (above); the others are xsimd's, checked against glibc
/// in ulps and at special values (0, -0, infinities, NaN, subnormals, overflow). Where xsimd 8.1
/// was found wrong, the scalar function runs lane by lane: erf (NaN past 1e308, 68 ulp near
/// 0.5), pow (pow(0, -1.25) = 0, pow(0, 0) = 0, pow(1, NaN) = NaN, ...) and atan2; acosh of
/// floats below 1 is NaN by a select (xsimd's is -inf or 0 for large negative x). xsimd's range
/// reductions convert to integers, which is undefined for NaN, infinities and huge values: a
/// pack holding any lane outside a function's safe range (NaN included) is computed lane by lane
/// too; log of a subnormal float is rescaled.
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
        if constexpr (std::is_same_v<T, double>) {
            return log_pack(x);
        } else {
            if (!within(x, std::numeric_limits<T>::max())) return lanewise([](T a, T) { return std::log(a); }, x);
            constexpr int k = std::numeric_limits<T>::digits + 1;
            const auto tiny = (x < P(std::numeric_limits<T>::min())) && (x > P(T(0)));
            const P scaled = xsimd::select(tiny, x * P(std::ldexp(T(1), k)), x);
            const P shift(T(k) * T(0.693147180559945309417232121458176568L));
            return xsimd::log(scaled) - xsimd::select(tiny, shift, P(T(0)));
        }
    }
    static P expm1(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            return expm1_pack(x);
        } else {
            if (!within(x, T(80))) return lanewise([](T a, T) { return std::expm1(a); }, x);
            return xsimd::expm1(x);
        }
    }
    static P tanh(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            return tanh_pack(x);
        } else {
            if (!within(x, T(80))) return lanewise([](T a, T) { return std::tanh(a); }, x);
            return xsimd::tanh(x);
        }
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
// etgrad's own fn_pack for doubles, xsimd's fn (as above) for floats
#define ETGRAD_PACK_OWN(fn, limit)                                                            \
    static P fn(const P& x) noexcept {                                                        \
        if constexpr (std::is_same_v<T, double>) {                                            \
            return fn##_pack(x);                                                              \
        } else {                                                                              \
            if (!within(x, limit)) return lanewise([](T a, T) { return std::fn(a); }, x);    \
            return xsimd::fn(x);                                                              \
        }                                                                                     \
    }
    ETGRAD_PACK_UNARY(sqrt, std::numeric_limits<T>::max())
    ETGRAD_PACK_UNARY(sin, T(1e4))
    ETGRAD_PACK_UNARY(cos, T(1e4))
    ETGRAD_PACK_UNARY(tan, T(1e4))
    ETGRAD_PACK_UNARY(asin, T(1))
    ETGRAD_PACK_UNARY(acos, T(1))
    ETGRAD_PACK_UNARY(atan, std::numeric_limits<T>::max())
    ETGRAD_PACK_OWN(sinh, T(80))
    ETGRAD_PACK_OWN(cosh, T(80))
    ETGRAD_PACK_OWN(asinh, std::numeric_limits<T>::max())
    static P acosh(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            return acosh_pack(x);
        } else {
            if (!within(x, std::numeric_limits<T>::max())) return lanewise([](T a, T) { return std::acosh(a); }, x);
            return xsimd::select(x < P(T(1)), P(std::numeric_limits<T>::quiet_NaN()), xsimd::acosh(x));
        }
    }
    ETGRAD_PACK_OWN(atanh, T(1))
#undef ETGRAD_PACK_UNARY
#undef ETGRAD_PACK_OWN
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
