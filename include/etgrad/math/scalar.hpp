/// @file scalar.hpp  What op rules compute with: the scalar functions (at run time <cmath>, in
/// constant evaluation etgrad's constexpr implementations) and num<N, D>(like), a constant in
/// the kind of its argument, so that one rule serves numbers and expressions.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/constexpr.hpp>
#include <etgrad/math/constexpr_special.hpp>

namespace etgrad::math {

/// The constant N/D in the kind of `like`: a number of its real type, or the compile-time
/// constant c<N, D> when `like` is an expression. `num<1>(y) - y * y` is 1 - y^2 for both.
template <std::intmax_t N, std::intmax_t D = 1, class L>
constexpr auto num(const L&) {
    if constexpr (expression<L>) {
        return c<N, D>;
    } else {
        using T = detail::real_t<L>;
        if constexpr (D == 1)
            return static_cast<T>(N);
        else
            return static_cast<T>(N) / static_cast<T>(D);
    }
}

/// a where c holds, else b: the conditional of op rules, a lane-wise select on SIMD packs (so
/// that rules with kinks and clamps stay branch-free on packs).
template <class C, class A, class B>
[[gnu::always_inline]] constexpr auto select(const C& c, const A& a, const B& b) {
    if constexpr (std::is_same_v<C, bool>) return c ? a : b;
    else return detail::pack_math<detail::real_t<A, B>>::select(c, a, b);
}

#define ETGRAD_MATH_UNARY(fn)                                                                  \
    template <class T>                                                                         \
    constexpr detail::real_t<T> fn(T x) {                                                      \
        if constexpr (detail::is_pack<T>::value) {                                             \
            return detail::pack_math<T>::fn(x);                                                \
        } else {                                                                               \
            if (std::is_constant_evaluated()) return detail::cx::fn(detail::real_t<T>(x));     \
            return std::fn(detail::real_t<T>(x));                                              \
        }                                                                                      \
    }
ETGRAD_MATH_UNARY(exp)
ETGRAD_MATH_UNARY(log)
ETGRAD_MATH_UNARY(log1p)
ETGRAD_MATH_UNARY(sqrt)
ETGRAD_MATH_UNARY(sin)
ETGRAD_MATH_UNARY(cos)
ETGRAD_MATH_UNARY(tan)
ETGRAD_MATH_UNARY(tanh)
ETGRAD_MATH_UNARY(expm1)
ETGRAD_MATH_UNARY(asin)
ETGRAD_MATH_UNARY(acos)
ETGRAD_MATH_UNARY(atan)
ETGRAD_MATH_UNARY(sinh)
ETGRAD_MATH_UNARY(cosh)
ETGRAD_MATH_UNARY(asinh)
ETGRAD_MATH_UNARY(acosh)
ETGRAD_MATH_UNARY(atanh)
ETGRAD_MATH_UNARY(erf)
#undef ETGRAD_MATH_UNARY

template <class T, class U>
constexpr auto atan2(T y, U x) {
    using R = detail::real_t<T, U>;
    if constexpr (detail::is_pack<R>::value) {
        return detail::pack_math<R>::atan2(R(y), R(x));
    } else {
        if (std::is_constant_evaluated()) return detail::cx::atan2(R(y), R(x));
        return std::atan2(R(y), R(x));
    }
}

/// The irrational constant v in the kind of `like`: a number of its real type, or a run-time
/// constant inside an expression (erf' = 2/sqrt(pi) e^{-a^2}).
template <class L>
constexpr auto constant_like(long double v, const L&) {
    if constexpr (expression<L>) return constant<double>(static_cast<double>(v));
    else return static_cast<detail::real_t<L>>(v);
}

template <class T, class U>
constexpr auto pow(T x, U y) {
    using R = detail::real_t<T, U>;
    if constexpr (detail::is_pack<R>::value) {
        return detail::pack_math<R>::pow(R(x), R(y));
    } else {
        if (std::is_constant_evaluated()) return detail::cx::pow(R(x), R(y));
        return std::pow(R(x), R(y));
    }
}

/// x^n for an integer n by repeated squaring: exact for small n, and unrolled by the
/// optimiser when n is a compile-time constant (x^2 compiles to x*x). Every n is safe: the
/// magnitude of n is taken as unsigned, so n = INT_MIN does not overflow.
template <class T, class I>
constexpr detail::real_t<T> ipow(T x, I n) noexcept {
    using U = std::make_unsigned_t<I>;
    const bool neg = n < 0;
    U k = neg ? U(0) - static_cast<U>(n) : static_cast<U>(n);
    detail::real_t<T> base = x, r = 1;
    if (k <= 3) {  // the common exponents of a run-time n without a loop (the same products)
        const detail::real_t<T> b = x;
        r = k == 0 ? r : (k == 1 ? b : (k == 2 ? b * b : b * (b * b)));
        return neg ? detail::real_t<T>(1) / r : r;
    }
    while (k) {
        if (k & 1) r *= base;
        k >>= 1;
        if (k) base *= base;
    }
    return neg ? detail::real_t<T>(1) / r : r;
}

}  // namespace etgrad::math
