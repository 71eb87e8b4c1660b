/// @file activation.hpp  sigmoid, relu, abs.
#pragma once
#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/math.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct sigmoid_op;
struct relu_op;
struct abs_op;

template <operand A>
constexpr auto sigmoid(const A& a) { return apply<sigmoid_op>(a); }
template <operand A>
constexpr auto relu(const A& a) { return apply<relu_op>(a); }
template <operand A>
constexpr auto abs(const A& a) { return apply<abs_op>(a); }

struct sigmoid_op {
    static constexpr char name[] = "sigmoid";
    // 1/(1 + e^-a): for a << 0, e^-a overflows to inf and the result is the correct limit 0.
    template <class A>
    static constexpr auto value(A a) {
        using R = math::real_t<A>;
        return R(1) / (R(1) + math::exp(-R(a)));
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y * (num<1>(y) - y); }  // s(1-s)
};
struct relu_op {
    static constexpr char name[] = "relu";
    template <class A>
    static constexpr auto value(A a) { return a > A(0) ? a : A(0); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return step(a); }  // relu'(0) = 0
};
struct abs_op {
    static constexpr char name[] = "abs";
    template <class A>
    static constexpr auto value(A a) { return a < A(0) ? -a : a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return sign(a); }  // abs'(0) = 0
};

}  // namespace etgrad
