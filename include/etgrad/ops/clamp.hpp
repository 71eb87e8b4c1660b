/// @file clamp.hpp  clamp, min, max.
#pragma once
#include <etgrad/core/expression.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct clamp_op;
struct min_op;
struct max_op;

/// clamp(x, lo, hi) = min(max(x, lo), hi); the gradient passes on the closed interval [lo, hi].
template <operand X, operand L, operand H>
constexpr auto clamp(const X& x, const L& lo, const H& hi) { return apply<clamp_op>(x, lo, hi); }
template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto min(const A& a, const B& b) { return apply<min_op>(a, b); }
template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto max(const A& a, const B& b) { return apply<max_op>(a, b); }

struct clamp_op {
    static constexpr char name[] = "clamp";
    template <class X, class L, class H>
    static constexpr auto value(X x, L lo, H hi) {
        using R = detail::real_common_t<X, L, H>;
        R v = R(x) < R(lo) ? R(lo) : R(x);
        return v > R(hi) ? R(hi) : v;
    }
    template <std::size_t I, class Y, class X, class L, class H>
    static constexpr auto partial(const Y&, const X& x, const L& lo, const H& hi) {
        if constexpr (I == 0) return in_interval(x, lo, hi);
        else if constexpr (I == 1) return step(lo - x);  // below the interval the output is lo
        else return step(x - hi);                        // above it the output is hi
    }
};
struct min_op {
    static constexpr char name[] = "min";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using R = detail::real_common_t<A, B>;
        return R(b) < R(a) ? R(b) : R(a);
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return tie_split(b, a);  // ties split the gradient 1/2-1/2
        else return tie_split(a, b);
    }
};
struct max_op {
    static constexpr char name[] = "max";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using R = detail::real_common_t<A, B>;
        return R(a) < R(b) ? R(b) : R(a);
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return tie_split(a, b);
        else return tie_split(b, a);
    }
};

}  // namespace etgrad
