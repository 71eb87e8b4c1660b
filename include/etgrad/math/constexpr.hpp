/// @file constexpr.hpp  constexpr elementary functions for constant evaluation (compile-time
/// checked formulas). Run-time code uses <cmath>; these agree with it within a few ulp on the
/// ranges tested in tests/math/constexpr.tests.cpp.
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

namespace etgrad::detail::cx {

template <class T>
constexpr bool isnan(T x) noexcept {
    return x != x;
}
template <class T>
constexpr T inf() noexcept {
    return std::numeric_limits<T>::infinity();
}
template <class T>
constexpr T nan() noexcept {
    return std::numeric_limits<T>::quiet_NaN();
}
template <class T>
constexpr T fabs(T x) noexcept {
    return x < 0 ? -x : x;
}

// ln 2 and pi/2 split in a head exact in few bits and a tail, for accurate range reduction.
template <class T>
inline constexpr T ln2_hi = static_cast<T>(0.693145751953125L);
template <class T>
inline constexpr T ln2_lo = static_cast<T>(1.42860682030941723212e-6L);
template <class T>
inline constexpr T ln2 = static_cast<T>(0.693147180559945309417232121458176568L);

/// 2^k, exact while representable (subnormal results included).
template <class T>
constexpr T exp2i(int k) noexcept {
    T r = 1, b = k < 0 ? T(0.5) : T(2);
    int n = k < 0 ? -k : k;
    // split so that intermediate powers stay finite for large |k| with subnormal results
    while (n) {
        if (n & 1) r *= b;
        n >>= 1;
        if (n) b *= b;
    }
    return r;
}

template <class T>
constexpr T exp_impl(T x) noexcept {
    if (isnan(x)) return x;
    if (x > std::numeric_limits<T>::max_exponent * ln2<T>) return inf<T>();
    if (x < (std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits - 1) * ln2<T>) return T(0);
    T kf = x / ln2<T>;
    int k = static_cast<int>(kf < 0 ? kf - T(0.5) : kf + T(0.5));
    T r = (x - T(k) * ln2_hi<T>) - T(k) * ln2_lo<T>;  // |r| <= ln2/2
    // Taylor series of e^r in nested (Horner) form, smallest terms first: 1 + r(1 + r/2(1 + ...))
    T sum = 1;
    for (int n = 27; n >= 1; --n) sum = 1 + sum * r / T(n);
    if (k < std::numeric_limits<T>::min_exponent) return sum * exp2i<T>(k / 2) * exp2i<T>(k - k / 2);
    return sum * exp2i<T>(k);
}

template <class T>
constexpr T expm1_impl(T x) noexcept {
    if (fabs(x) < T(0.5)) {
        T term = x, sum = x;
        for (int n = 2; n < 60; ++n) {
            term *= x / T(n);
            T next = sum + term;
            if (next == sum) break;
            sum = next;
        }
        return sum;
    }
    return exp_impl(x) - T(1);
}

template <class T>
constexpr T log_impl(T x) noexcept {
    if (isnan(x) || x < 0) return nan<T>();
    if (x == 0) return -inf<T>();
    if (x == inf<T>()) return x;
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2))
    int e = 0;
    T m = x;
    while (m < T(0.70710678118654752440L)) {
        m *= 2;
        --e;
    }
    while (m >= T(1.41421356237309504880L)) {
        m /= 2;
        ++e;
    }
    // log m = 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ...), s = (m - 1)/(m + 1), |s| <= 0.172,
    // summed in Horner form from the smallest term
    const T s = (m - 1) / (m + 1), s2 = s * s;
    T p = 0;
    for (int k = 24; k >= 0; --k) p = T(1) / T(2 * k + 1) + s2 * p;
    const T sum = s * p;
    return T(e) * ln2_hi<T> + (2 * sum + T(e) * ln2_lo<T>);
}

template <class T>
constexpr T log1p_impl(T x) noexcept {
    if (isnan(x) || x < -1) return nan<T>();
    T u = 1 + x;
    if (u == 1) return x;
    if (u == inf<T>()) return u;
    return log_impl(u) * (x / (u - 1));  // corrects the rounding of 1 + x
}

template <class T>
constexpr T sqrt_impl(T x) noexcept {
    if (isnan(x) || x < 0) return nan<T>();
    if (x == 0 || x == inf<T>()) return x;
    // scale into [1, 4) by powers of 4, Newton from a linear guess, scale back
    T m = x, s = 1;
    while (m >= 4) {
        m /= 4;
        s *= 2;
    }
    while (m < 1) {
        m *= 4;
        s /= 2;
    }
    T r = (m + 1) / 2;
    for (int i = 0; i < 8; ++i) r = (r + m / r) / 2;
    return r * s;
}

// pi/2 in four parts (Cody-Waite, fdlibm's splitting): the first three have 33 significant
// bits, so q * part is exact for the |q| < 2^20 this reduction is meant for.
template <class T>
inline constexpr T pio2_1 = static_cast<T>(1.57079632673412561417e+00L);
template <class T>
inline constexpr T pio2_2 = static_cast<T>(6.07710050630396597660e-11L);
template <class T>
inline constexpr T pio2_3 = static_cast<T>(2.02226624871116645580e-21L);
template <class T>
inline constexpr T pio2_4 = static_cast<T>(8.47842766036889956997e-32L);

template <class T>
constexpr T sin_poly(T r) noexcept {  // |r| <= pi/4: r (1 - r^2/(2*3) (1 - r^2/(4*5) (1 - ...)))
    const T r2 = r * r;
    T s = 1;
    for (int n = 14; n >= 1; --n) s = 1 - s * r2 / (T(2 * n) * T(2 * n + 1));
    return r * s;
}
template <class T>
constexpr T cos_poly(T r) noexcept {  // 1 - r^2/(1*2) (1 - r^2/(3*4) (1 - ...))
    const T r2 = r * r;
    T s = 1;
    for (int n = 14; n >= 1; --n) s = 1 - s * r2 / (T(2 * n - 1) * T(2 * n));
    return s;
}

/// x = q * pi/2 + r, |r| <= pi/4; returns q mod 4.
template <class T>
constexpr int reduce_pio2(T x, T& r) noexcept {
    T qf = x / (pio2_1<T> + pio2_2<T>);
    long long q = static_cast<long long>(qf < 0 ? qf - T(0.5) : qf + T(0.5));
    r = (((x - T(q) * pio2_1<T>) - T(q) * pio2_2<T>) - T(q) * pio2_3<T>) - T(q) * pio2_4<T>;
    return static_cast<int>(((q % 4) + 4) % 4);
}

template <class T>
constexpr T sin_impl(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    switch (reduce_pio2(x, r)) {
        case 0: return sin_poly(r);
        case 1: return cos_poly(r);
        case 2: return -sin_poly(r);
        default: return -cos_poly(r);
    }
}
template <class T>
constexpr T cos_impl(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    switch (reduce_pio2(x, r)) {
        case 0: return cos_poly(r);
        case 1: return -sin_poly(r);
        case 2: return -cos_poly(r);
        default: return sin_poly(r);
    }
}
template <class T>
constexpr T tan_impl(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    int q = reduce_pio2(x, r);
    T s = sin_poly(r), c = cos_poly(r);
    return (q & 1) ? -c / s : s / c;
}
template <class T>
constexpr T tanh_impl(T x) noexcept {
    if (isnan(x)) return x;
    if (x > T(40)) return T(1);
    if (x < T(-40)) return T(-1);
    T e = expm1_impl(2 * x);  // tanh x = (e^{2x} - 1) / (e^{2x} + 1)
    return e / (e + 2);
}

template <class T>
constexpr T pow_impl(T x, T y) noexcept {
    if (y == 0) return T(1);
    if (isnan(x) || isnan(y)) return nan<T>();
    bool y_int = y == static_cast<T>(static_cast<long long>(y)) && fabs(y) < T(1e15);
    if (y_int && fabs(y) <= T(64)) {  // exact repeated squaring for small integer powers
        long long n = static_cast<long long>(y);
        T r = 1, b = x;
        long long k = n < 0 ? -n : n;
        while (k) {
            if (k & 1) r *= b;
            k >>= 1;
            if (k) b *= b;
        }
        return n < 0 ? T(1) / r : r;
    }
    if (x == 0) return y > 0 ? T(0) : inf<T>();
    if (x < 0) {
        if (!y_int) return nan<T>();
        T m = exp_impl(y * log_impl(-x));
        return (static_cast<long long>(y) % 2 != 0) ? -m : m;
    }
    return exp_impl(y * log_impl(x));
}

/// Each function is computed in a wider type and rounded once, which keeps double results
/// within about an ulp of <cmath> (float goes through double, double through long double).
template <class T>
using wider = std::conditional_t<std::is_same_v<T, float>, double, long double>;

#define ETGRAD_CX_WIDE(fn)                                                   \
    template <class T>                                                       \
    constexpr T fn(T x) noexcept {                                           \
        return static_cast<T>(fn##_impl(static_cast<wider<T>>(x)));          \
    }
ETGRAD_CX_WIDE(exp)
ETGRAD_CX_WIDE(expm1)
ETGRAD_CX_WIDE(log)
ETGRAD_CX_WIDE(log1p)
ETGRAD_CX_WIDE(sqrt)
ETGRAD_CX_WIDE(tanh)
#undef ETGRAD_CX_WIDE

/// The largest |x| whose sin, cos and tan the range reduction above keeps within an ulp of
/// <cmath>: q * pio2_1 must be exact in the wider type (2^20 for float, 2^30 for double).
template <class T>
inline constexpr T trig_bound = std::is_same_v<wider<T>, double> ? T(1048576) : T(1073741824);

/// Named so that the compiler's error reads as the reason: called (it is not constexpr) for an
/// argument beyond trig_bound, where constant evaluation would be inaccurate. At run time it is
/// <cmath>'s answer.
template <class T>
T constexpr_sin_cos_tan_take_arguments_up_to_1e6_in_float_and_1e9_in_double(T x, int which) noexcept {
    return which == 0 ? std::sin(x) : (which == 1 ? std::cos(x) : std::tan(x));
}

#define ETGRAD_CX_TRIG(fn, which)                                                                      \
    template <class T>                                                                                 \
    constexpr T fn(T x) noexcept {                                                                     \
        if (fabs(x) > trig_bound<T> && fabs(x) != inf<T>())                                            \
            return constexpr_sin_cos_tan_take_arguments_up_to_1e6_in_float_and_1e9_in_double(x, which); \
        return static_cast<T>(fn##_impl(static_cast<wider<T>>(x)));                                    \
    }
ETGRAD_CX_TRIG(sin, 0)
ETGRAD_CX_TRIG(cos, 1)
ETGRAD_CX_TRIG(tan, 2)
#undef ETGRAD_CX_TRIG

template <class T>
constexpr T pow(T x, T y) noexcept {
    return static_cast<T>(pow_impl(static_cast<wider<T>>(x), static_cast<wider<T>>(y)));
}

}  // namespace etgrad::detail::cx
