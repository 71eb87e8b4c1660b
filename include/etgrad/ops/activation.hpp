/// @file activation.hpp  sigmoid, relu, abs.
#pragma once
#include <cstddef>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct sigmoid_op {
    static constexpr char name[] = "sigmoid";
    static constexpr exact_point exact[] = {{{0}, {1, 2}}};
    static constexpr bool never_zero = true;
    // 1/(1 + e^-a): for a << 0, e^-a overflows to inf and the result is the correct limit 0.
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        return R(1) / (R(1) + math::exp(-R(a)));
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y * (math::num<1>(y) - y); }  // s(1-s)
};
/// 1 / (1 + e^-a)
template <class A>
    requires operand<A>
constexpr auto sigmoid(A a) { return apply<sigmoid_op>(a); }

struct relu_op {
    static constexpr char name[] = "relu";
    static constexpr bool exact_on_rationals = true;
    template <class A>
    static constexpr auto value(A a) { return a > A(0) ? a : A(0); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return detail::step(a); }  // relu'(0) = 0
};
/// max(a, 0); relu'(0) = 0 as in PyTorch.
template <class A>
    requires operand<A>
constexpr auto relu(A a) { return apply<relu_op>(a); }

struct abs_op {
    static constexpr char name[] = "abs";
    static constexpr bool exact_on_rationals = true;
    template <class A>
    static constexpr auto value(A a) { return a < A(0) ? -a : a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return detail::sign(a); }  // abs'(0) = 0
};
/// |a|; abs'(0) = 0 as in PyTorch.
template <class A>
    requires operand<A>
constexpr auto abs(A a) { return apply<abs_op>(a); }

}  // namespace etgrad
