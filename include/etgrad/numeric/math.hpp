/// @file math.hpp  The scalar functions op rules evaluate on numbers. At run time they are
/// <cmath>; in constant evaluation they use etgrad's constexpr implementations (cx_math.hpp).
#pragma once
#include <cmath>
#include <type_traits>

#include <etgrad/numeric/cx_math.hpp>

namespace etgrad::math {

template <class T>
using real_t = std::conditional_t<std::is_integral_v<T>, double, T>;

#define ETGRAD_MATH_UNARY(fn)                                     \
    template <class T>                                            \
    constexpr real_t<T> fn(T x) {                                 \
        if (std::is_constant_evaluated()) return cx::fn(real_t<T>(x)); \
        return std::fn(real_t<T>(x));                             \
    }
ETGRAD_MATH_UNARY(exp)
ETGRAD_MATH_UNARY(log)
ETGRAD_MATH_UNARY(log1p)
ETGRAD_MATH_UNARY(sqrt)
ETGRAD_MATH_UNARY(sin)
ETGRAD_MATH_UNARY(cos)
ETGRAD_MATH_UNARY(tan)
ETGRAD_MATH_UNARY(tanh)
#undef ETGRAD_MATH_UNARY

template <class T, class U>
constexpr auto pow(T x, U y) {
    using R = real_t<std::common_type_t<T, U>>;
    if (std::is_constant_evaluated()) return cx::pow(R(x), R(y));
    return std::pow(R(x), R(y));
}

/// x^n for an integer n by repeated squaring: exact for small n, and unrolled by the
/// optimiser when n is a compile-time constant (x^2 compiles to x*x).
template <class T, class I>
constexpr real_t<T> ipow(T x, I n) noexcept {
    real_t<T> base = x, r = 1;
    bool neg = n < 0;
    auto k = neg ? -n : n;
    while (k) {
        if (k & 1) r *= base;
        k >>= 1;
        if (k) base *= base;
    }
    return neg ? real_t<T>(1) / r : r;
}

}  // namespace etgrad::math
