/// @file constexpr_special.hpp  constexpr inverse trigonometric and hyperbolic functions and
/// erf, for constant evaluation. Like constexpr.hpp, each is computed in a wider type and rounded
/// once; tests/math/constexpr.tests.cpp compares them with <cmath>.
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

#include <etgrad/math/constexpr.hpp>

namespace etgrad::detail::cx {

template <class T>
inline constexpr T pi_2 = static_cast<T>(1.57079632679489661923132169163975144L);
template <class T>
inline constexpr T pi_4 = static_cast<T>(0.785398163397448309615660845819875721L);
template <class T>
inline constexpr T two_over_sqrt_pi = static_cast<T>(1.12837916709551257389615890312154517L);

/// Whether the sign bit of a float or double is set (-0.0 included), in constant evaluation.
template <class T>
constexpr bool signbit(T x) noexcept {
    if constexpr (std::is_same_v<T, float>) return (std::bit_cast<std::uint32_t>(x) >> 31) != 0;
    else if constexpr (std::is_same_v<T, double>) return (std::bit_cast<std::uint64_t>(x) >> 63) != 0;
    else return x < 0;  // long double: -0.0 is not told apart
}

template <class T>
constexpr T atan_impl(T x) noexcept {
    if (isnan(x)) return x;
    const bool neg = x < 0;
    T a = neg ? -x : x, offset = 0;
    if (a == inf<T>()) return neg ? -pi_2<T> : pi_2<T>;
    if (a > 1) {  // atan a = pi/2 - atan(1/a)
        a = 1 / a;
        offset = pi_2<T>;
    }
    T r = a, shift = 0;
    if (a > T(0.41421356237309504880L)) {  // beyond tan(pi/8): atan a = pi/4 + atan((a-1)/(a+1))
        r = (a - 1) / (a + 1);
        shift = pi_4<T>;
    }
    // atan r = r (1 - r^2/3 + r^4/5 - ...), |r| <= tan(pi/8), in Horner form from the smallest term
    const T r2 = r * r;
    T p = 0;
    for (int k = 40; k >= 0; --k) p = (k % 2 ? T(-1) : T(1)) / T(2 * k + 1) + r2 * p;
    T result = shift + r * p;
    if (offset != 0) result = offset - result;
    return neg ? -result : result;
}

template <class T>
constexpr T sinh_impl(T x) noexcept {
    if (isnan(x)) return x;
    const T a = fabs(x);
    T r;
    if (a < 1) {
        const T e = expm1_impl(a);  // sinh a = (E + E / (E + 1)) / 2, E = e^a - 1: no cancellation
        r = (e + e / (e + 1)) / 2;
    } else {
        const T e = exp_impl(a / 2);  // e^a / 2 without overflowing before the end
        r = (e / 2) * e - 1 / (2 * e * e);
    }
    return x < 0 ? -r : r;
}
template <class T>
constexpr T cosh_impl(T x) noexcept {
    if (isnan(x)) return x;
    const T e = exp_impl(fabs(x) / 2);
    return (e / 2) * e + 1 / (2 * e * e);
}
template <class T>
constexpr T asinh_impl(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return x;
    const T a = fabs(x);
    // asinh a = log1p(a + a^2 / (1 + sqrt(1 + a^2))), or log(2a) once a^2 would overflow
    const T r = a > T(1e300) ? log_impl(a) + ln2<T> : log1p_impl(a + a * a / (1 + sqrt_impl(1 + a * a)));
    return x < 0 ? -r : r;
}
template <class T>
constexpr T acosh_impl(T x) noexcept {
    if (isnan(x) || x < 1) return nan<T>();
    if (x == inf<T>()) return x;
    if (x > T(1e300)) return log_impl(x) + ln2<T>;
    const T t = x - 1;
    return log1p_impl(t + sqrt_impl(t * (x + 1)));
}
template <class T>
constexpr T atanh_impl(T x) noexcept {
    if (isnan(x) || fabs(x) > 1) return nan<T>();
    if (x == 1) return inf<T>();
    if (x == -1) return -inf<T>();
    const T a = fabs(x), r = log1p_impl(2 * a / (1 - a)) / 2;
    return x < 0 ? -r : r;
}
template <class T>
constexpr T erf_impl(T x) noexcept {
    if (isnan(x)) return x;
    const T a = fabs(x);
    if (a >= 6) return x < 0 ? T(-1) : T(1);  // 1 - erf(6) < 2.2e-17
    // erf a = 2/sqrt(pi) e^{-a^2} sum_n 2^n a^{2n+1} / (1 3 5 ... (2n+1)): every term positive
    const T a2 = a * a;
    T term = a, sum = a;
    for (int n = 1; n < 400; ++n) {
        term *= 2 * a2 / T(2 * n + 1);
        const T next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    const T r = two_over_sqrt_pi<T> * exp_impl(-a2) * sum;
    return x < 0 ? -r : r;
}

#define ETGRAD_CX_WIDE(fn)                                          \
    template <class T>                                              \
    constexpr T fn(T x) noexcept {                                  \
        return static_cast<T>(fn##_impl(static_cast<wider<T>>(x))); \
    }
ETGRAD_CX_WIDE(atan)
ETGRAD_CX_WIDE(sinh)
ETGRAD_CX_WIDE(cosh)
ETGRAD_CX_WIDE(asinh)
ETGRAD_CX_WIDE(acosh)
ETGRAD_CX_WIDE(atanh)
ETGRAD_CX_WIDE(erf)
#undef ETGRAD_CX_WIDE

/// atan2(y, x): the angle of the point (x, y), in [-pi, pi], with <cmath>'s signed zeros.
template <class T>
constexpr T atan2(T y, T x) noexcept {
    using W = wider<T>;
    if (isnan(x) || isnan(y)) return nan<T>();
    const bool y_neg = signbit(y);
    if (y == 0) {  // +-0: 0 toward x >= +0, pi toward x <= -0
        const T r = signbit(x) ? static_cast<T>(2 * pi_2<W>) : T(0);
        return y_neg ? -r : r;
    }
    if (x == 0) return y_neg ? static_cast<T>(-pi_2<W>) : static_cast<T>(pi_2<W>);
    const W yw = y, xw = x;
    if (fabs(x) == inf<T>() || fabs(y) == inf<T>()) {
        const W r = fabs(y) != inf<T>() ? (x > 0 ? W(0) : 2 * pi_2<W>)
                    : fabs(x) != inf<T>() ? pi_2<W>
                    : (x > 0 ? pi_4<W> : 3 * pi_4<W>);
        return static_cast<T>(y_neg ? -r : r);
    }
    W r = atan_impl(fabs(yw) / fabs(xw));
    if (x < 0) r = 2 * pi_2<W> - r;
    return static_cast<T>(y_neg ? -r : r);
}
/// asin x = atan2(x, sqrt(1 - x^2)), acos x = atan2(sqrt(1 - x^2), x): accurate near +-1.
template <class T>
constexpr T asin(T x) noexcept {
    using W = wider<T>;
    if (isnan(x) || fabs(x) > 1) return nan<T>();
    const W xw = x, r = atan_impl(xw / sqrt_impl((1 - xw) * (1 + xw)));
    return fabs(x) == 1 ? static_cast<T>(x < 0 ? -pi_2<W> : pi_2<W>) : static_cast<T>(r);
}
template <class T>
constexpr T acos(T x) noexcept {
    using W = wider<T>;
    if (isnan(x) || fabs(x) > 1) return nan<T>();
    const W xw = x, s = sqrt_impl((1 - xw) * (1 + xw));
    if (x == 0) return static_cast<T>(pi_2<W>);
    const W r = atan_impl(s / xw);
    return static_cast<T>(x > 0 ? r : 2 * pi_2<W> + r);
}

}  // namespace etgrad::detail::cx
