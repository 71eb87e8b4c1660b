/// @file arithmetic.hpp  + - * / and unary minus.
#pragma once
#include <etgrad/core/expression.hpp>

namespace etgrad {

struct add_op;
struct sub_op;
struct mul_op;
struct div_op;
struct neg_op;

/// Both operands are etgrad operands and at least one is not a plain number.
template <class A, class B>
concept mixed_operands = operand<A> && operand<B> && (!arithmetic<A> || !arithmetic<B>);

template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto operator+(const A& a, const B& b) {
    return apply<add_op>(a, b);
}
template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto operator-(const A& a, const B& b) {
    return apply<sub_op>(a, b);
}
template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto operator*(const A& a, const B& b) {
    return apply<mul_op>(a, b);
}
template <class A, class B>
    requires mixed_operands<A, B>
constexpr auto operator/(const A& a, const B& b) {
    return apply<div_op>(a, b);
}
template <class A>
    requires(operand<A> && !arithmetic<A>)
constexpr auto operator-(const A& a) {
    return apply<neg_op>(a);
}

// Each rule: value(args...) and partial<I>(y, args...) = d y / d arg_I, written with the
// output y where that is cheaper. The same rule serves numbers and expressions.
struct add_op {
    static constexpr char name[] = "+";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a + b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B&) { return num<1>(y); }
};
struct sub_op {
    static constexpr char name[] = "-";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a - b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B&) {
        if constexpr (I == 0) return num<1>(y);
        else return num<-1>(y);
    }
};
struct mul_op {
    static constexpr char name[] = "*";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a * b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return b;
        else return a;
    }
};
struct div_op {
    static constexpr char name[] = "/";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a / b; }
    // d(a/b)/da = 1/b,  d(a/b)/db = -y/b
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B& b) {
        if constexpr (I == 0) return num<1>(y) / b;
        else return -y / b;
    }
};
struct neg_op {
    static constexpr char name[] = "neg";
    template <class A>
    static constexpr auto value(A a) { return -a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return num<-1>(y); }
};

}  // namespace etgrad
