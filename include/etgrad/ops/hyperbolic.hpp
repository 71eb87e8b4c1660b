/// @file hyperbolic.hpp  sinh, cosh, tanh and their inverses asinh, acosh, atanh.
#pragma once
#include <cstddef>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>

namespace etgrad {

struct cosh_op;  // sinh' = cosh and cosh' = sinh: one of the two names the other ahead

struct sinh_op {
    static constexpr char name[] = "sinh";
    static constexpr char latex[] = "\\sinh";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::sinh(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return apply<cosh_op>(a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto sinh(A a) { return apply<sinh_op>(std::move(a)); }

struct cosh_op {
    static constexpr char name[] = "cosh";
    static constexpr char latex[] = "\\cosh";
    static constexpr exact_point exact[] = {{{0}, {1}}};
    static constexpr bool never_zero = true;
    template <class A>
    static constexpr auto value(A a) { return math::cosh(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return etgrad::sinh(a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto cosh(A a) { return apply<cosh_op>(std::move(a)); }

struct tanh_op {
    static constexpr char name[] = "tanh";
    static constexpr char latex[] = "\\tanh";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::tanh(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return math::num<1>(y) - y * y; }  // 1 - tanh^2
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto tanh(A a) { return apply<tanh_op>(std::move(a)); }

struct asinh_op {
    static constexpr char name[] = "asinh";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::asinh(a); }
    // 1/sqrt(a^2 + 1) as 1/cosh(asinh(a)): a*a would overflow past 1e154 (and the partial
    // become 0 where it is 1/|a|)
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A& a) { return math::num<1>(a) / etgrad::cosh(y); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto asinh(A a) { return apply<asinh_op>(std::move(a)); }

struct acosh_op {
    static constexpr char name[] = "acosh";
    static constexpr exact_point exact[] = {{{1}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::acosh(a); }
    // 1/sqrt(a^2 - 1) as 1/(sqrt(a - 1) sqrt(a + 1)): a*a would overflow past 1e154 (and the
    // partial become 0), and a - 1 is exact near 1
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) {
        return math::num<1>(a) / (etgrad::sqrt(a - math::num<1>(a)) * etgrad::sqrt(a + math::num<1>(a)));
    }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto acosh(A a) { return apply<acosh_op>(std::move(a)); }

struct atanh_op {
    static constexpr char name[] = "atanh";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::atanh(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<1>(a) / (math::num<1>(a) - a * a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto atanh(A a) { return apply<atanh_op>(std::move(a)); }

}  // namespace etgrad
