/// @file arithmetic.hpp  + - * / and unary minus.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>

namespace etgrad {

// Each rule: value(args...) and partial<I>(y, args...) = d y / d arg_I, written with the
// output y where that is cheaper. The same rule serves numbers and expressions.
struct add_op {
    static constexpr char name[] = "add";
    static constexpr notation form = notation::sum;
    static constexpr char infix[] = "+";
    static constexpr char latex[] = " + ";
    static constexpr char grad_fn[] = "AddBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a + b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B&) { return math::num<1>(y); }
};
struct sub_op {
    static constexpr char name[] = "sub";
    static constexpr notation form = notation::difference;
    static constexpr char infix[] = "-";
    static constexpr char latex[] = " - ";
    static constexpr char grad_fn[] = "SubBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a - b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B&) {
        if constexpr (I == 0) return math::num<1>(y);
        else return math::num<-1>(y);
    }
};
struct mul_op {
    static constexpr char name[] = "mul";
    static constexpr notation form = notation::product;
    static constexpr char infix[] = "*";
    static constexpr char latex[] = " \\cdot ";
    static constexpr char grad_fn[] = "MulBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a * b; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return b;
        else return a;
    }
};
struct div_op {
    static constexpr char name[] = "div";
    static constexpr notation form = notation::quotient;
    static constexpr char infix[] = "/";
    static constexpr char grad_fn[] = "DivBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return a / b; }
    // d(a/b)/da = 1/b,  d(a/b)/db = -y/b
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A&, const B& b) {
        if constexpr (I == 0) return math::num<1>(y) / b;
        else return -y / b;
    }
};
struct neg_op {
    static constexpr char name[] = "neg";
    static constexpr notation form = notation::negation;
    static constexpr char infix[] = "-";
    static constexpr char grad_fn[] = "NegBackward0";
    template <class A>
    static constexpr auto value(A a) { return -a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return math::num<-1>(y); }
};

namespace detail {
/// Both operands are etgrad operands and at least one is not a plain number (or a SIMD pack, whose
/// own operators compute). The operators take
/// them as forwarding references, so that a temporary Tensor reaches the tape as one (see apply).
template <class A, class B>
concept mixed_operands = operand<A> && operand<B> && (!number_like<A> || !number_like<B>);
}  // namespace detail

template <class A, class B>
    requires detail::mixed_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
[[gnu::always_inline]] constexpr auto operator+(A&& a, B&& b) {
    return apply<add_op>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
    requires detail::mixed_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
[[gnu::always_inline]] constexpr auto operator-(A&& a, B&& b) {
    return apply<sub_op>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
    requires detail::mixed_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
[[gnu::always_inline]] constexpr auto operator*(A&& a, B&& b) {
    return apply<mul_op>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
    requires detail::mixed_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
[[gnu::always_inline]] constexpr auto operator/(A&& a, B&& b) {
    return apply<div_op>(std::forward<A>(a), std::forward<B>(b));
}
template <class A>
    requires(operand<std::remove_cvref_t<A>> && !detail::number_like<std::remove_cvref_t<A>>)
[[gnu::always_inline]] constexpr auto operator-(A&& a) {
    return apply<neg_op>(std::forward<A>(a));
}

}  // namespace etgrad
