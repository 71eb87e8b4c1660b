/// @file trig.hpp  sin, cos, tan, tanh.
#pragma once
#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/math.hpp>
#include <etgrad/ops/arithmetic.hpp>

namespace etgrad {

struct sin_op;
struct cos_op;
struct tan_op;
struct tanh_op;

template <operand A>
constexpr auto sin(const A& a) { return apply<sin_op>(a); }
template <operand A>
constexpr auto cos(const A& a) { return apply<cos_op>(a); }
template <operand A>
constexpr auto tan(const A& a) { return apply<tan_op>(a); }
template <operand A>
constexpr auto tanh(const A& a) { return apply<tanh_op>(a); }

struct sin_op {
    static constexpr char name[] = "sin";
    template <class A>
    static constexpr auto value(A a) { return math::sin(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return cos(a); }
};
struct cos_op {
    static constexpr char name[] = "cos";
    template <class A>
    static constexpr auto value(A a) { return math::cos(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return -sin(a); }
};
struct tan_op {
    static constexpr char name[] = "tan";
    template <class A>
    static constexpr auto value(A a) { return math::tan(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return num<1>(y) + y * y; }  // 1 + tan^2
};
struct tanh_op {
    static constexpr char name[] = "tanh";
    template <class A>
    static constexpr auto value(A a) { return math::tanh(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return num<1>(y) - y * y; }  // 1 - tanh^2
};

}  // namespace etgrad
