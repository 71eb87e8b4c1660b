/// @file derivative.hpp  Symbolic derivatives: d(f, x) is an expression, derived by the chain
/// rule from the op rules in ops/ (the same partials the numeric sweep evaluates), then kept in
/// canonical form. Also simplify, structural ==, d(f, x, y...), hessian.
#pragma once
#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/evaluate.hpp>
#include <etgrad/symbolic/canonical.hpp>
#include <etgrad/symbolic/name_of.hpp>

#ifndef ETGRAD_SYMBOLIC_NODE_BUDGET
/// The largest symbolic derivative (in expression nodes, counted as a tree) d() builds before it
/// stops with a compile error naming the expression. The second derivative of 30 nested sin
/// has about 7,300 nodes and compiles in about 8 s with g++ -O2.
#define ETGRAD_SYMBOLIC_NODE_BUDGET 20000
#endif

namespace etgrad {

/// The canonical form of e (see canonical.hpp): equal formulas get equal types.
template <expression E>
constexpr auto simplify(const E& e) {
    return detail::canon(e);
}

namespace detail {

template <fixed_string N, class E>
constexpr auto derive(const E& e);

template <fixed_string N, std::size_t I, class Op, class... Cs, std::size_t... J>
constexpr auto derive_child(const node<Op, Cs...>& e, std::index_sequence<J...>) {
    using C = std::remove_cvref_t<decltype(child<I>(e))>;
    if constexpr (!depends_on<C, name_list<N>>::value) {
        return c<0>;
    } else {
        // chain rule: (local partial from the op's rule) * (derivative of the operand)
        const auto partial = canon(Op::template partial<I>(e, child<J>(e)...));
        return mul_c(partial, derive<N>(child<I>(e)));
    }
}
template <class A>
constexpr auto sum_canonical(const A& a) {
    return a;
}
template <class A, class B, class... R>
constexpr auto sum_canonical(const A& a, const B& b, const R&... r) {
    return sum_canonical(add_c(a, b), r...);
}
template <fixed_string N, class E, std::size_t... I>
constexpr auto derive_node(const E& e, std::index_sequence<I...> is) {
    return sum_canonical(derive_child<N, I>(e, is)...);
}

template <fixed_string N, class E>
using raw_derivative_t =
    decltype(derive_node<N>(std::declval<const E&>(), std::make_index_sequence<E::arity>{}));

/// d e / d N for a canonical e; the result is canonical. A derivative that outgrows
/// ETGRAD_SYMBOLIC_NODE_BUDGET is cut to 0 (d() then refuses it, see symbolic_budget).
template <fixed_string N, class E>
constexpr auto derive(const E& e) {
    if constexpr (!depends_on<E, name_list<N>>::value) return c<0>;
    else if constexpr (kind<E>::is_variable) return c<1>;
    else if constexpr (weight<raw_derivative_t<N, E>> <= ETGRAD_SYMBOLIC_NODE_BUDGET)
        return derive_node<N>(e, std::make_index_sequence<E::arity>{});
    else return c<0>;  // nothing above this grows further
}

/// Whether derive<N> cut the derivative of e or of a part of it.
template <fixed_string N, class E>
constexpr bool derivative_cut() {
    if constexpr (!depends_on<E, name_list<N>>::value || !kind<E>::is_node) {
        return false;
    } else {
        return weight<raw_derivative_t<N, E>> > ETGRAD_SYMBOLIC_NODE_BUDGET ||
               []<std::size_t... I>(std::index_sequence<I...>) {
                   return (derivative_cut<N, child_t<I, E>>() || ...);
               }(std::make_index_sequence<E::arity>{});
    }
}

/// Fails to compile, naming the expression and the variable, when its symbolic derivative
/// outgrew the budget.
template <fixed_string Expression, fixed_string Variable, bool WithinBudget>
struct symbolic_budget {
    static_assert(WithinBudget,
                  "etgrad::d(): the symbolic derivative of the expression named in this template's "
                  "arguments grows past ETGRAD_SYMBOLIC_NODE_BUDGET nodes (20000 unless defined "
                  "before including etgrad). Derivatives of deep compositions grow quickly and "
                  "compile slowly; value_and_grad() gives the gradient at a cost linear in the "
                  "expression, or define a larger budget.");
};

/// Same type and equal run-time constants.
template <class A, class B>
constexpr bool same_structure(const A& a, const B& b) {
    if constexpr (!std::is_same_v<A, B>) {
        return false;
    } else if constexpr (is_constant_v<A>) {
        return a.value == b.value;
    } else if constexpr (kind<A>::is_node) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return (same_structure(child<I>(a), child<I>(b)) && ...);
        }(std::make_index_sequence<A::arity>{});
    } else {
        return true;
    }
}

}  // namespace detail

/// The derivative of f with respect to x, as a canonical expression: d(x * x, x) == 2_c * x.
template <expression F, fixed_string N>
constexpr auto d(const F& f, variable<N>) {
    using R = decltype(detail::derive<N>(simplify(f)));
    static_assert(
        sizeof(detail::symbolic_budget<name_of<F>, N, !detail::derivative_cut<N, decltype(simplify(f))>()>) != 0);
    if constexpr (!detail::has_runtime_constant<F>::value && std::is_default_constructible_v<R>)
        return R{};  // the type is the whole answer: no code runs (or is generated) to build it
    else
        return detail::derive<N>(simplify(f));
}

/// A fixed-size tuple of expressions (what d(f, x, y, ...) returns): structured bindings,
/// and evaluation at bindings to a std::array.
template <class... E>
struct expression_tuple : std::tuple<E...> {
    using std::tuple<E...>::tuple;
    template <class... B>
    constexpr auto operator()(const B&... b) const {
        return std::apply([&](const auto&... e) { return std::array{e(b...)...}; },
                          static_cast<const std::tuple<E...>&>(*this));
    }
};

/// One derivative per variable: `auto [dw, db] = d(loss, w, b);`
template <expression F, fixed_string N1, fixed_string N2, fixed_string... Ns>
constexpr auto d(const F& f, variable<N1> x1, variable<N2> x2, variable<Ns>... xs) {
    const auto s = simplify(f);
    return expression_tuple<decltype(d(s, x1)), decltype(d(s, x2)), decltype(d(s, xs))...>(d(s, x1), d(s, x2),
                                                                                            d(s, xs)...);
}

/// The Hessian as a tuple of tuples of expressions; evaluated at bindings it gives nested
/// std::arrays: `hessian(loss, w, b)(w = 1.0, ...)[0][1]`.
template <expression F, fixed_string... Ns>
constexpr auto hessian(const F& f, variable<Ns>... xs) {
    static_assert(sizeof...(Ns) >= 1, "etgrad::hessian(f, x, ...): name at least one variable");
    const auto s = simplify(f);
    return expression_tuple<decltype(d(d(s, xs), xs...))...>(d(d(s, xs), xs...)...);
}

namespace detail {
/// Named so that the compiler's diagnostic reads as the explanation: called (it is not
/// constexpr) when == on formulas holding plain numbers is false in a constant expression.
inline void plain_numbers_in_a_formula_are_run_time_constants_so_compare_with_compile_time_constants_such_as_2_c() {}
}  // namespace detail

/// Structural equality of canonical forms (run-time constant values included), usable in
/// static_assert: `static_assert(d(x * x, x) == 2_c * x);`. In a constant expression, a false
/// comparison of formulas that hold plain numbers (`200.0 * x`, `pow(x, 2)`) is a compile error
/// that says to use compile-time constants (`200_c`, `2_c`): plain numbers are run-time
/// constants, which never merge with compile-time ones, so such formulas rarely compare equal.
template <expression A, expression B>
constexpr bool operator==(const A& a, const B& b) {
    if constexpr (std::is_same_v<A, B> && !detail::has_runtime_constant<A>::value) {
        return true;  // one type without run-time constants is one formula: no need to simplify
    } else {
        const bool same = detail::same_structure(simplify(a), simplify(b));
        if (std::is_constant_evaluated() && !same &&
            (detail::has_runtime_constant<A>::value || detail::has_runtime_constant<B>::value))
            detail::plain_numbers_in_a_formula_are_run_time_constants_so_compare_with_compile_time_constants_such_as_2_c();
        return same;
    }
}

}  // namespace etgrad

template <class... E>
struct std::tuple_size<etgrad::expression_tuple<E...>> : std::integral_constant<std::size_t, sizeof...(E)> {};
template <std::size_t I, class... E>
struct std::tuple_element<I, etgrad::expression_tuple<E...>> : std::tuple_element<I, std::tuple<E...>> {};
