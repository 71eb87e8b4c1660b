/// @file pack_functions.hpp  The elementary functions of doubles on etgrad's packs (any P with
/// P(double), arithmetic, comparisons, pack_fma, pack_bits: vec_pack<double, Bytes>), branch-free:
/// every lane computes every case, a select keeps its own. exp, log, log1p and atan are within
/// 1 ulp of the exact values, tan within 3.5, the others within 2.5 (measured;
/// tests/math/simd.tests.cpp). Floats compute them on doubles (pack_widen), so are correctly
/// rounded but in rare cases.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <etgrad/math/pack.hpp>

namespace etgrad::detail {

/// c0 z^n + c1 z^(n-1) + ... + cn by Horner's rule, with fused multiply-adds where compiled for FMA.
template <class P, class... C>
[[gnu::always_inline]] inline P horner(const P& z, double c0, C... c) noexcept {
    P r(c0);
    ((r = pack_fma(r, z, P(double(c)))), ...);
    return r;
}

/// Lanes Off to Off + size / 2 - 1 of x (in registers).
template <std::size_t Off, class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, Bytes / 2> half_of(const vec_pack<T, Bytes>& x) noexcept {
    using H = vec_pack<T, Bytes / 2>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return H::of(typename H::vec(__builtin_shufflevector(x.v, x.v, (I + Off)...)));
    }(std::make_index_sequence<H::size>{});
}
/// The lanes of a, then those of b (in registers).
template <class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, 2 * Bytes> joined(const vec_pack<T, Bytes>& a,
                                                           const vec_pack<T, Bytes>& b) noexcept {
    using W = vec_pack<T, 2 * Bytes>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return W::of(typename W::vec(__builtin_shufflevector(a.v, b.v, I...)));
    }(std::make_index_sequence<W::size>{});
}
/// sqrt of each lane: the instruction on each 16 bytes (on each 32 where the translation unit is
/// compiled for AVX), split and joined in registers, else the scalar function lane by lane.
template <class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, Bytes> sqrt_pack(const vec_pack<T, Bytes>& x) noexcept {
    using P = vec_pack<T, Bytes>;
#if defined(__SSE2__)
    if constexpr (Bytes == 16) {
        typedef double d2 __attribute__((vector_size(16)));
        typedef float f4 __attribute__((vector_size(16)));
        if constexpr (std::is_same_v<T, double>) return P::of(typename P::vec(__builtin_ia32_sqrtpd(d2(x.v))));
        else return P::of(typename P::vec(__builtin_ia32_sqrtps(f4(x.v))));
#if defined(__AVX__)
    } else if constexpr (Bytes == 32) {
        typedef double d4 __attribute__((vector_size(32)));
        typedef float f8 __attribute__((vector_size(32)));
        if constexpr (std::is_same_v<T, double>) return P::of(typename P::vec(__builtin_ia32_sqrtpd256(d4(x.v))));
        else return P::of(typename P::vec(__builtin_ia32_sqrtps256(f8(x.v))));
#endif
    } else {
        return joined(sqrt_pack(half_of<0>(x)), sqrt_pack(half_of<P::size / 2>(x)));
    }
#else
    return lanewise([](T a, T) { return std::sqrt(a); }, x);
#endif
}

/// x = k ln 2 + r with |r| <= ln 2 / 2 and e^r = 1 + q, for packs of doubles: q = r + r^2 s(r),
/// s a Taylor polynomial of degree 11, so that e^r's rounding is the one of adding 1 to q. kf
/// holds k in its low mantissa bits (k = kf - 0x1.8p52).
template <class P>
struct exp_reduction {
    P kf, q;
    /// k as a double.
    P k() const noexcept { return kf - P(0x1.8p52); }
    /// k as a 64-bit integer in each lane.
    auto k_bits() const noexcept { return pack_bits(kf) - pack_bits(P(0x1.8p52)); }
};
template <class P>
[[gnu::always_inline]] inline exp_reduction<P> exp_reduce(const P& x) noexcept {
    const P shifter(0x1.8p52);  // adding it rounds to an integer, kept in the low mantissa bits
    const P kf = pack_fma(x, P(1.4426950408889634), shifter);
    const P k = kf - shifter;
    // r = x - k ln 2, ln 2 in two parts
    const P r = pack_fnma(k, P(0x1.ef35793c76730p-45), pack_fnma(k, P(0x1.62e42fefa3800p-1), x));
    const P r2 = r * r, r4 = r2 * r2;
    const P c1 = pack_fma(r, P(1.0 / 6), P(0.5)), c2 = pack_fma(r, P(1.0 / 120), P(1.0 / 24)),
            c3 = pack_fma(r, P(1.0 / 5040), P(1.0 / 720)), c4 = pack_fma(r, P(1.0 / 362880), P(1.0 / 40320)),
            c5 = pack_fma(r, P(1.0 / 39916800), P(1.0 / 3628800)),
            c6 = pack_fma(r, P(1.0 / 6227020800), P(1.0 / 479001600));
    const P e0 = pack_fma(c3, r4, pack_fma(c2, r2, c1));
    const P e1 = pack_fma(c6, r4, pack_fma(c5, r2, c4));
    return {kf, pack_fma(pack_fma(e1, r4 * r2, e0), r2, r)};
}

/// (1 + q) 2^(k + shift) of a reduction (e^x 2^shift), 2^(k + shift) built in the exponent bits
/// as two factors, so that every finite result is reached (|k + shift| <= 2100; past the range
/// of finite results the caller selects the limit).
template <class P>
[[gnu::always_inline]] inline P exp_scaled(const exp_reduction<P>& e, int shift) noexcept {
    using U = decltype(e.k_bits());
    const U kb = e.k_bits() + U(std::uint64_t(2048 + shift));  // k + shift + 2048 >= 0
    const U k1 = (kb >> 1) - U(1024), k2 = kb - U(2048) - k1;
    return (P(1.0) + e.q) * pack_from_bits((k1 + U(1023)) << 52) * pack_from_bits((k2 + U(1023)) << 52);
}
/// e^x of a reduction of x, with its limits past the finite range (inf, 0; NaN stays NaN).
template <class P>
[[gnu::always_inline]] inline P exp_of(const P& x, const exp_reduction<P>& e) noexcept {
    return pack_select(x > P(709.782712893384), P(HUGE_VAL),
                       pack_select(x < P(-745.1332191019412), P(0.0), exp_scaled(e, 0)));
}

/// e^x for packs of doubles, within 1 ulp (measured) of the exact value: (1 + q) 2^k.
template <class P>
[[gnu::always_inline]] inline P exp_pack(const P& x) noexcept {
    return exp_of(x, exp_reduce(x));
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

/// The argument of log_reduced for log1p(y): u = 1 + y and the correction of its rounding over u.
template <class P>
struct log1p_argument {
    P u, c;
};
template <class P>
[[gnu::always_inline]] inline log1p_argument<P> log1p_arg(const P& y) noexcept {
    const P u = y + P(1.0);
    return {u, pack_select(u >= P(2.0), P(1.0) - (u - y), y - (u - P(1.0))) / u};
}

/// log(1 + x) for packs of doubles, within 1 ulp (measured): log_reduced of u = 1 + x with a
/// correction for the rounding of 1 + x.
template <class P>
P log1p_pack(const P& x) noexcept {
    const log1p_argument<P> s = log1p_arg(x);
    const P r = log_reduced(s.u, s.c, P(0.0));
    const P y = pack_select(x == P(0.0), x, pack_select(s.u == P(0.0), P(-HUGE_VAL), r));  // log1p(-0) = -0
    return pack_select(!(s.u >= P(0.0)), P(NAN), pack_select(x == P(HUGE_VAL), x, y));
}

/// log(x) for packs of doubles, within 1 ulp (measured): log_reduced of x, a subnormal x scaled
/// by 2^54 first.
template <class P>
P log_pack(const P& x) noexcept {
    const auto tiny = x < P(0x1p-1022);
    const P r = log_reduced(pack_select(tiny, x * P(0x1p54), x), P(0.0), pack_select(tiny, P(-54.0), P(0.0)));
    const P y = pack_select(x == P(0.0), P(-HUGE_VAL), pack_select(x == P(HUGE_VAL), x, r));
    return pack_select(!(x >= P(0.0)), P(NAN), y);  // below 0 and NaN
}

/// e^x - 1 for packs of doubles, within 2.5 ulp (measured): q itself where k = 0, else
/// (2^k - 1) + 2^k q (both terms exact, one rounding), e^x from k = 57 and -1 below k = -56.
template <class P>
[[gnu::always_inline]] inline P expm1_of(const P& x, const exp_reduction<P>& e) noexcept {
    using U = decltype(e.k_bits());
    const P k = e.k();
    const P two_k = pack_from_bits((e.k_bits() + U(1023)) << 52);  // |k| <= 56 used
    const P mid = pack_select(k == P(0.0), e.q, pack_fma(two_k, e.q, two_k - P(1.0)));
    const P r = pack_select(k > P(56.0), exp_of(x, e), pack_select(k < P(-56.0), P(-1.0), mid));
    return pack_select(x == P(0.0), x, r);  // expm1(-0) = -0; NaN stays NaN through q
}
template <class P>
P expm1_pack(const P& x) noexcept {
    return expm1_of(x, exp_reduce(x));
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

/// tanh(x) for packs of doubles, within 2.5 ulp (measured): with t = e^(2|x|) - 1, t / (t + 2)
/// below |x| = 1 and 1 - 2 / (t + 2) above (fdlibm's split), 1 from |x| = 22, x's sign put back.
template <class P>
P tanh_pack(const P& x) noexcept {
    const auto [a, sign] = split_sign(x);
    const P t = expm1_pack(a + a);
    const P z = pack_select(a < P(1.0), t / (t + P(2.0)), P(1.0) - P(2.0) / (t + P(2.0)));
    return with_sign(pack_select(a > P(22.0), P(1.0), z), sign);  // NaN stays NaN through z
}

/// sinh(x) for packs of doubles (fdlibm's formulas): with t = e^|x| - 1, (2t - t^2 / (t + 1)) / 2
/// below 1, (t + t / (t + 1)) / 2 below 22, e^|x| / 2 from there (as (1 + q) 2^(k - 1): finite up
/// to log(2 DBL_MAX)); t and e^|x| / 2 from one reduction; x's sign put back.
template <class P>
P sinh_pack(const P& x) noexcept {
    const auto [a, sign] = split_sign(x);
    const exp_reduction<P> e = exp_reduce(a);
    const P t = expm1_of(a, e), u = t / (t + P(1.0));
    const P small = pack_select(a < P(1.0), P(0.5) * (t + t - t * u), P(0.5) * (t + u));
    const P big = pack_select(a > P(710.4758600739439), P(HUGE_VAL), exp_scaled(e, -1));  // e^|x| / 2
    return with_sign(pack_select(a < P(22.0), small, big), sign);  // NaN stays NaN through big
}

/// cosh(x) for packs of doubles (fdlibm's formulas): with t = e^|x| - 1, 1 + t^2 / (2 (1 + t))
/// below ln 2 / 2, (e^|x| + e^-|x|) / 2 below 22, e^|x| / 2 from there (as (1 + q) 2^(k - 1):
/// finite up to log(2 DBL_MAX)); t and e^|x| / 2 from one reduction.
template <class P>
P cosh_pack(const P& x) noexcept {
    const P a = split_sign(x).a;
    const exp_reduction<P> e = exp_reduce(a);
    const P t = expm1_of(a, e), half = exp_scaled(e, -1);  // e^|x| - 1 and e^|x| / 2
    const P near0 = P(1.0) + (t * t) / ((P(1.0) + t) + (P(1.0) + t));
    const P mid = half + P(0.25) / half;
    const P big = pack_select(a > P(710.4758600739439), P(HUGE_VAL), half);
    return pack_select(a < P(0.34657359027997264), near0, pack_select(a < P(22.0), mid, big));
}

/// atanh(x) for packs of doubles (fdlibm's formulas): with a = |x|, log1p(2a + 2a^2 / (1 - a)) / 2
/// below 1/2, log1p(2a / (1 - a)) / 2 up to 1 (inf at 1, NaN past it); x's sign put back.
template <class P>
P atanh_pack(const P& x) noexcept {
    const auto [a, sign] = split_sign(x);
    const P t = a + a;
    const P r = P(0.5) * log1p_pack(pack_select(a < P(0.5), t + t * a / (P(1.0) - a), t / (P(1.0) - a)));
    return with_sign(pack_select(a > P(1.0), P(NAN), r), sign);
}

/// asinh(x) for packs of doubles (fdlibm's formulas, one logarithm for every lane): with a = |x|,
/// log1p(a + a^2 / (1 + sqrt(1 + a^2))) up to 2, log(2a + 1 / (sqrt(a^2 + 1) + a)) up to 2^28,
/// log(a) + log 2 past it; x's sign put back.
template <class P>
P asinh_pack(const P& x) noexcept {
    const auto [a, sign] = split_sign(x);
    const P t = a * a, root = sqrt_pack(t + P(1.0));
    const log1p_argument<P> s = log1p_arg(a + t / (P(1.0) + root));
    const auto small = a <= P(2.0), huge = a >= P(0x1p28);
    const P u = pack_select(small, s.u, pack_select(huge, a, a + a + P(1.0) / (root + a)));
    const P r = log_reduced(u, pack_select(small, s.c, P(0.0)), pack_select(huge, P(1.0), P(0.0)));
    return with_sign(pack_select(!(a < P(HUGE_VAL)), a, r), sign);  // infinities and NaN kept
}

/// acosh(x) for packs of doubles (fdlibm's formulas, one logarithm for every lane): with
/// t = x - 1 and s = sqrt(t (t + 2)) = sqrt(x^2 - 1), log1p(t + s) up to 2, log(2x - 1 / (x + s))
/// up to 2^28, log(x) + log 2 past it; NaN below 1.
template <class P>
P acosh_pack(const P& x) noexcept {
    const P t = x - P(1.0), root = sqrt_pack(t * (t + P(2.0)));
    const log1p_argument<P> s = log1p_arg(t + root);
    const auto small = x <= P(2.0), huge = x >= P(0x1p28);
    const P u = pack_select(small, s.u, pack_select(huge, x, x + x - P(1.0) / (x + root)));
    const P r = log_reduced(u, pack_select(small, s.c, P(0.0)), pack_select(huge, P(1.0), P(0.0)));
    return pack_select(!(x >= P(1.0)), P(NAN), pack_select(x == P(HUGE_VAL), x, r));
}


/// x = j pi/4 + z with j = 2h even and |z| <= pi/4 (Cody and Waite's three-part pi/4, exact for
/// |x| < 2^26), sin(z) and cos(z) by Cephes' polynomials, and h's last two bits: the octant.
template <class P>
struct sin_cos_reduction {
    P s, c;
    decltype(pack_bits(std::declval<P>())) h;
};
template <class P>
[[gnu::always_inline]] inline sin_cos_reduction<P> sin_cos_reduce(const P& a) noexcept {
    using U = decltype(pack_bits(a));
    const P shifter(0x1.8p52);
    const P hs = pack_fma(a, P(0.63661977236758134308), shifter);  // rint(a 2 / pi), in the low bits
    const P y = (hs - shifter) * P(2.0);
    const P z0 = pack_fnma(y, P(7.85398125648498535156e-1), a);
    const P z = pack_fnma(y, P(2.69515142907905952645e-15), pack_fnma(y, P(3.77489470793079817668e-8), z0));
    const P zz = z * z;
    const P ps = horner(zz, 1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
                        -1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1);
    const P pc = horner(zz, -1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7,
                        2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2);
    return {pack_fma(z * zz, ps, z), pack_fma(zz * zz, pc, P(1.0) - P(0.5) * zz), pack_bits(hs) & U(3)};
}
/// The lanes of u that are not 0, as a mask of P's lanes.
template <class P, class U>
[[gnu::always_inline]] inline auto nonzero_lanes(const U& u) noexcept {
    using M = decltype(std::declval<P>() < std::declval<P>());
    return M(typename M::ivec(u.v != 0));
}

/// sin(x) for packs of doubles with |x| < 2^26 (Cephes' sin).
template <class P>
P sin_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    const auto [a, sign] = split_sign(x);
    const sin_cos_reduction<P> e = sin_cos_reduce(a);
    const P r = pack_select(nonzero_lanes<P>(e.h & U(1)), e.c, e.s);
    return pack_from_bits(pack_bits(r) ^ sign ^ ((e.h & U(2)) << 62));
}
/// cos(x) for packs of doubles with |x| < 2^26 (Cephes' cos).
template <class P>
P cos_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    const sin_cos_reduction<P> e = sin_cos_reduce(split_sign(x).a);
    const P r = pack_select(nonzero_lanes<P>(e.h & U(1)), e.s, e.c);
    return pack_from_bits(pack_bits(r) ^ (((e.h + U(1)) & U(2)) << 62));
}
/// tan(x) for packs of doubles with |x| < 2^26: sin(z) / cos(z), or -cos(z) / sin(z) in the odd
/// quarter periods.
template <class P>
P tan_pack(const P& x) noexcept {
    using U = decltype(pack_bits(x));
    const auto [a, sign] = split_sign(x);
    const sin_cos_reduction<P> e = sin_cos_reduce(a);
    const auto odd = nonzero_lanes<P>(e.h & U(1));
    const P r = pack_select(odd, e.c, e.s) / pack_select(odd, e.s, e.c);
    return pack_from_bits(pack_bits(r) ^ sign ^ ((e.h & U(1)) << 63));
}

/// atan(x) for packs of doubles (Cephes' atan): |x| reduced to [0, 0.66] by atan(|x|) =
/// pi/2 + atan(-1/|x|) past tan(3 pi/8) and pi/4 + atan((|x| - 1) / (|x| + 1)) past 0.66, then a
/// rational function; x's sign put back.
template <class P>
P atan_pack(const P& x) noexcept {
    const auto [a, sign] = split_sign(x);
    const auto big = a > P(2.41421356237309504880), mid = a > P(0.66);
    const P xr = pack_select(big, P(-1.0) / a, pack_select(mid, (a - P(1.0)) / (a + P(1.0)), a));
    const P base = pack_select(big, P(1.57079632679489661923), pack_select(mid, P(0.78539816339744830962), P(0.0)));
    const P more =  // pi/2 and pi/4's rounding errors
        pack_select(big, P(6.123233995736765886130e-17), pack_select(mid, P(3.061616997868382943065e-17), P(0.0)));
    const P z = xr * xr;
    const P num = horner(z, -8.750608600031904122785e-1, -1.615753718733365076637e1, -7.500855792314704667340e1,
                         -1.228866684490136173410e2, -6.485021904942025371773e1);
    const P den = horner(z, 1.0, 2.485846490142306297962e1, 1.650270098316988542046e2, 4.328810604912902668951e2,
                         4.853903996359136964868e2, 1.945506571482613964425e2);
    const P r = base + (pack_fma(xr, z * num / den, xr) + more);
    return with_sign(r, sign);
}
/// asin(x) for packs of doubles: atan(x / sqrt((1 - x)(1 + x))) (NaN past 1, +-pi/2 at +-1).
template <class P>
P asin_pack(const P& x) noexcept {
    return atan_pack(x / sqrt_pack((P(1.0) - x) * (P(1.0) + x)));
}
/// acos(x) for packs of doubles: 2 atan(sqrt((1 - x) / (1 + x))) (NaN past 1, pi at -1).
template <class P>
P acos_pack(const P& x) noexcept {
    const P t = atan_pack(sqrt_pack((P(1.0) - x) / (P(1.0) + x)));
    return t + t;
}

}  // namespace etgrad::detail
