/// @file trig.hpp  sin, cos, tan, tanh.
#pragma once
#include <cstddef>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>

namespace etgrad {

struct cos_op;  // sin' = cos and cos' = -sin: one of the two names the other ahead

struct sin_op {
    static constexpr char name[] = "sin";
    static constexpr char latex[] = "\\sin";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::sin(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return apply<cos_op>(a); }
};
template <class A>
    requires operand<A>
constexpr auto sin(A a) { return apply<sin_op>(a); }

struct cos_op {
    static constexpr char name[] = "cos";
    static constexpr char latex[] = "\\cos";
    static constexpr exact_point exact[] = {{{0}, {1}}};
    template <class A>
    static constexpr auto value(A a) { return math::cos(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return -sin(a); }
};
template <class A>
    requires operand<A>
constexpr auto cos(A a) { return apply<cos_op>(a); }

struct tan_op {
    static constexpr char name[] = "tan";
    static constexpr char latex[] = "\\tan";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::tan(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return math::num<1>(y) + y * y; }  // 1 + tan^2
};
template <class A>
    requires operand<A>
constexpr auto tan(A a) { return apply<tan_op>(a); }

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
constexpr auto tanh(A a) { return apply<tanh_op>(a); }

}  // namespace etgrad
