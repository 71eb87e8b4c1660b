/// @file op.hpp  What an op is: one struct carrying every fact the engines ask of it, and the
/// traits that read those facts (with their defaults, so a new op states only what it needs).
///
/// Required:
///   static constexpr char name[]                 "sin": its name, printed as sin(x)
///   template <class... A> static auto value(A...)                 its value on numbers
///   template <std::size_t I, class Y, class... A>
///   static auto partial(const Y& y, const A&... a)                d y / d a_I (y is the output)
/// Optional (defaults in brackets):
///   form            its notation, which says how it is written and simplified: call, sum,
///                   difference, product, quotient, negation or power         [notation::call]
///   infix           the operator of an infix notation ("+")                      [name]
///   latex           a LaTeX command ("\\sin") or a pattern with #1, #2 ("\\sqrt{#1}")
///                                                                  [\operatorname{name}]
///   grad_fn         PyTorch's grad_fn name ("SinBackward0"), or a function template
///                   grad_fn_for<A...>() choosing it by operand types
///                                                  [the name in CamelCase + "Backward0"]
///   exact           exact values at rational points, {{at}, {value}}: sin(0) = 0  [none]
///   exact_on_rationals  true when value() computes exactly on rationals (kinks,
///                   clamps): constant operands then fold                          [false]
///   never_zero      true when the op cannot be zero (exp, sigmoid), so e/e cancels [false]
///   reduces_to_mean true when on tensors the op returns the mean over elements (losses)
///                                                                                   [false]
///   rewrite(a...)   an equal expression in other ops, which the canonical form uses
///                   instead of the op (square(a) is pow(a, 2_c))                   [none]
///   constant_partials  true when the partials do not depend on the operands' values (the
///                   tape's backward then reads no saved value, and an in-place change of an
///                   operand does not refuse it)       [true for the forms sum, difference and
///                                                                    negation, else false]
///   packs           false when value() and partial() do not compile on SIMD packs (they
///                   branch on values instead of math::select): tensors and arrays are
///                   then computed element by element                              [true]
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <etgrad/core/fixed_string.hpp>
#include <etgrad/core/traits.hpp>

namespace etgrad {

template <class Op, class... Cs>
struct node;

/// How an op is written and how the canonical form treats it.
enum class notation : unsigned char { call, sum, difference, product, quotient, negation, power };

/// An exact value of a one-operand op at a rational point: `{{0}, {1, 2}}` is sigmoid(0) = 1/2.
struct exact_point {
    struct fraction {
        std::intmax_t num;
        std::intmax_t den = 1;
    };
    fraction at;
    fraction value;
};

namespace detail {

template <class Op>
constexpr notation notation_of() noexcept {
    if constexpr (requires { Op::form; }) return Op::form;
    else return notation::call;
}

template <class Op>
inline constexpr bool never_zero_v = [] {
    if constexpr (requires { Op::never_zero; }) return bool(Op::never_zero);
    else return false;
}();

template <class Op>
inline constexpr bool reduces_to_mean_v = [] {
    if constexpr (requires { Op::reduces_to_mean; }) return bool(Op::reduces_to_mean);
    else return false;
}();

template <class Op>
inline constexpr bool constant_partials_v = [] {
    if constexpr (requires { Op::constant_partials; }) {
        return bool(Op::constant_partials);
    } else {
        constexpr notation f = notation_of<Op>();
        return f == notation::sum || f == notation::difference || f == notation::negation;
    }
}();

template <class Op>
inline constexpr bool packs_v = [] {
    if constexpr (requires { Op::packs; }) return bool(Op::packs);
    else return true;
}();

/// Whether every op of expression E computes on packs (variables and constants do).
template <class E>
struct expression_packs : std::true_type {};
template <class Op, class... Cs>
struct expression_packs<node<Op, Cs...>> : std::bool_constant<packs_v<Op> && (expression_packs<Cs>::value && ...)> {};
template <class E>
inline constexpr bool expression_packs_v = expression_packs<E>::value;

template <class Op>
inline constexpr bool exact_on_rationals_v = [] {
    if constexpr (requires { Op::exact_on_rationals; }) return bool(Op::exact_on_rationals);
    else return false;
}();

/// Whether expression type E is a node whose op is written in notation N.
template <class E, notation N>
constexpr bool written_as() noexcept {
    if constexpr (kind<E>::is_node) return notation_of<op_t<E>>() == N;
    else return false;
}

/// The infix operator of an op written in infix notation.
template <class Op>
constexpr const char* infix_of() noexcept {
    if constexpr (requires { Op::infix; }) return Op::infix;
    else return Op::name;
}

/// The op's LaTeX: a command such as "\\sin", or a pattern with #1, #2 such as "\\sqrt{#1}";
/// by default \operatorname{name}, or the infix operator of an infix op.
template <class Op>
constexpr const char* latex_of() noexcept {
    if constexpr (requires { Op::latex; }) return Op::latex;
    else if constexpr (notation_of<Op>() != notation::call) return infix_of<Op>();
    else return nullptr;
}

/// The op's name in CamelCase followed by "Backward0", as PyTorch names most grad_fns.
template <class Op>
constexpr auto make_default_grad_fn() noexcept {
    constexpr char suffix[] = "Backward0";
    constexpr std::size_t n = sizeof(Op::name) - 1;
    fixed_string<n + sizeof(suffix)> out{};
    std::size_t k = 0;
    bool upper = true;
    for (std::size_t i = 0; i < n; ++i) {
        const char ch = Op::name[i];
        if (ch == '_') {
            upper = true;
            continue;
        }
        out.data[k++] = (upper && ch >= 'a' && ch <= 'z') ? char(ch - 'a' + 'A') : ch;
        upper = false;
    }
    for (char ch : suffix) out.data[k++] = ch;
    return out;
}
template <class Op>
inline constexpr auto default_grad_fn = make_default_grad_fn<Op>();

/// PyTorch's grad_fn name of the op applied to operands of types A... (tensors or numbers).
template <class Op, class... A>
constexpr const char* grad_fn_of() noexcept {
    if constexpr (requires { Op::template grad_fn_for<A...>(); }) return Op::template grad_fn_for<A...>();
    else if constexpr (requires { Op::grad_fn; }) return Op::grad_fn;
    else return default_grad_fn<Op>.c_str();
}

/// The op's exact value at the rational N/D, if it states one.
struct exact_lookup {
    bool found = false;
    exact_point point{};
};
template <class Op, std::intmax_t N, std::intmax_t D>
constexpr exact_lookup exact_value_at() noexcept {
    if constexpr (requires { Op::exact; }) {
        for (const exact_point& p : Op::exact)
            if (p.at.num * D == N * p.at.den) return {true, p};
    }
    return {};
}

}  // namespace detail
}  // namespace etgrad
