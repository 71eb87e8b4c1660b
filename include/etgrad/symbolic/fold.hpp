/// @file fold.hpp  Ops on compile-time rational operands fold to rationals, by the facts each op
/// states: ops whose value is exact on rationals (kinks, clamps, indicators) are evaluated in
/// exact rational arithmetic; others fold where they list an exact value (sin(0) = 0).
#pragma once
#include <cstddef>
#include <cstdint>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>

namespace etgrad::detail {

/// A rational number in lowest terms, denominator positive: what op rules compute with when
/// they fold compile-time constants.
struct exact_rational {
    std::intmax_t n = 0, d = 1;

    constexpr exact_rational(int v = 0) noexcept : n(v) {}  // NOLINT: R(0), R(1) in op rules
    constexpr exact_rational(std::intmax_t num, std::intmax_t den) noexcept {
        const std::intmax_t g = gcd(num, den) == 0 ? 1 : gcd(num, den);
        const std::intmax_t s = den < 0 ? -1 : 1;
        n = s * num / g;
        d = s * den / g;
    }
    friend constexpr exact_rational operator-(exact_rational a) noexcept { return {-a.n, a.d}; }
    friend constexpr exact_rational operator+(exact_rational a, exact_rational b) noexcept {
        return {a.n * b.d + b.n * a.d, a.d * b.d};
    }
    friend constexpr exact_rational operator-(exact_rational a, exact_rational b) noexcept { return a + -b; }
    friend constexpr exact_rational operator*(exact_rational a, exact_rational b) noexcept {
        return {a.n * b.n, a.d * b.d};
    }
    friend constexpr exact_rational operator/(exact_rational a, exact_rational b) noexcept {
        return {a.n * b.d, a.d * b.n};
    }
    friend constexpr bool operator==(exact_rational a, exact_rational b) noexcept { return a.n == b.n && a.d == b.d; }
    friend constexpr bool operator<(exact_rational a, exact_rational b) noexcept { return a.n * b.d < b.n * a.d; }
    friend constexpr bool operator>(exact_rational a, exact_rational b) noexcept { return b < a; }
    friend constexpr bool operator<=(exact_rational a, exact_rational b) noexcept { return !(b < a); }
    friend constexpr bool operator>=(exact_rational a, exact_rational b) noexcept { return !(a < b); }
};

template <class Op, class X>
constexpr auto fold_at_listed_point(const node<Op, X>& n) {
    constexpr exact_lookup e = exact_value_at<Op, X::num, X::den>();
    if constexpr (e.found) return c<e.point.value.num, e.point.value.den>;
    else return n;
}

/// The node itself, or the rational it equals when its operands are rationals and its op
/// says how to fold.
template <class Op, class... X>
constexpr auto fold_constants(const node<Op, X...>& n) {
    if constexpr (!(is_rational_v<X> && ...)) {
        return n;
    } else if constexpr (exact_on_rationals_v<Op>) {
        constexpr exact_rational r = exact_rational(Op::value(exact_rational(X::num, X::den)...));
        return rational<r.n, r.d>{};
    } else if constexpr (sizeof...(X) == 1) {
        return fold_at_listed_point(n);
    } else {
        return n;
    }
}

}  // namespace etgrad::detail
