/// @file expression.hpp  What an expression is: variables, constants, generic op nodes, bindings.
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/array_types.hpp>
#include <etgrad/core/errors.hpp>
#include <etgrad/core/fixed_string.hpp>
#include <etgrad/core/traits.hpp>

namespace etgrad {

template <class Derived>
struct expr_base;
template <fixed_string Name, class V>
struct binding;

namespace detail {
template <class T>
struct is_expression : std::false_type {};
template <fixed_string N>
struct is_expression<variable<N>> : std::true_type {};
template <class V>
struct is_expression<constant<V>> : std::true_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_expression<rational<N, D>> : std::true_type {};
template <class Op, class... Cs>
struct is_expression<node<Op, Cs...>> : std::true_type {};

/// Specialised by the tape engine for its Tensor handle.
template <class T>
struct is_tensor : std::false_type {};
/// Specialised by the tape engine for an op applied to Tensors, before it becomes a Tensor.
template <class T>
struct is_tensor_expression : std::false_type {};

template <class T>
struct is_binding : std::false_type {};
template <fixed_string N, class V>
struct is_binding<binding<N, V>> : std::true_type {};
}  // namespace detail

/// An etgrad expression: a variable, a constant or an op node.
template <class T>
concept expression = detail::is_expression<std::remove_cvref_t<T>>::value;


template <class T>
concept tensor_like = detail::is_tensor<std::remove_cvref_t<T>>::value;
/// A Tensor, or ops applied to Tensors that become one Tensor when assigned (tape/expression.hpp).
template <class T>
concept tensor_operand = tensor_like<T> || detail::is_tensor_expression<std::remove_cvref_t<T>>::value;

namespace detail {
/// What a variable can be bound to.
template <class T>
concept bindable_value = arithmetic<T> || tensor_operand<T> || array_value<T>;
}  // namespace detail

namespace detail {
/// A number or a SIMD pack of numbers: what op rules compute on.
template <class T>
concept number_like = arithmetic<T> || is_pack<std::remove_cvref_t<T>>::value;
}  // namespace detail

/// What an op accepts: expressions, numbers (run-time constants), tape tensors (and, inside the
/// array engine's sweep, SIMD packs).
template <class T>
concept operand = expression<T> || detail::number_like<T> || tensor_operand<T>;

/// The result of `x = value`: a value tagged with the variable's name.
template <fixed_string Name, class V>
struct binding {
    using value_type = V;
    static constexpr auto name = Name;
    V value;
};

/// Shared by every expression: evaluation at bindings, `f(x = 3.0, y = 1.0)`.
template <class Derived>
struct expr_base {
    template <class... B>
    constexpr auto operator()(const B&... b) const;  // static/evaluate.hpp
};

/// A variable named at compile time: `constexpr auto x = var<"x">;`. An empty literal type.
template <fixed_string Name>
struct variable : expr_base<variable<Name>> {
    static constexpr auto name = Name;

    /// `x = 3.0` binds a value to the variable (a const member, usable in constant expressions);
    /// `x = values` binds a vector or a matrix: a view of an lvalue, a temporary moved in.
    template <class V>
        requires detail::bindable_value<V>
    constexpr auto operator=(V&& v) const {
        if constexpr (detail::array_value<V> && std::is_lvalue_reference_v<V>) {
            // built in place: a copy of a view made one field at a time is read back whole, a
            // store-forwarding stall that costs more than a small array's whole gradient
            return binding<Name, std::remove_cvref_t<decltype(detail::view_of(v))>>{detail::view_of(v)};
        } else if constexpr (tensor_like<V> && std::is_lvalue_reference_v<V>) {
            // a Tensor lvalue is read where it is (no count taken), as an array lvalue is viewed
            return binding<Name, const std::remove_cvref_t<V>&>{v};
        } else if constexpr (tensor_operand<V> && !tensor_like<V>) {
            // ops of Tensors become the Tensor they make (an lvalue of them is refused there)
            return binding<Name, typename std::remove_cvref_t<V>::tensor_type>{static_cast<V&&>(v)};
        } else {
            return binding<Name, std::remove_cvref_t<V>>{static_cast<V&&>(v)};
        }
    }
    template <class V>
        requires(!detail::bindable_value<V>)
    constexpr void operator=(V&&) const {
        detail::report<detail::error::a_variable_can_only_be_bound_to_a_number_or_a_tensor<detail::chars_of<Name>,
                                                                                   std::remove_cvref_t<V>>>();
    }
};

template <fixed_string Name>
inline constexpr variable<Name> var{};

/// A run-time constant: a plain number inside an expression (`2.0 * x`), cast to the value type.
template <class V>
struct constant : expr_base<constant<V>> {
    V value;
    constexpr explicit constant(V v) noexcept : value(v) {}
};

/// A compile-time rational constant N/D in lowest terms, D > 0: `c<2>`, `c<1, 2>`, `2_c`.
template <std::intmax_t N, std::intmax_t D = 1>
struct rational : expr_base<rational<N, D>> {
    static_assert(D > 0, "etgrad::rational<N, D>: the denominator must be positive (use c<N, D>, which normalises)");
    static constexpr std::intmax_t num = N;
    static constexpr std::intmax_t den = D;
};

namespace detail {
constexpr std::intmax_t gcd(std::intmax_t a, std::intmax_t b) noexcept {
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b != 0) {
        std::intmax_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}
template <std::intmax_t N, std::intmax_t D>
constexpr auto make_rational() noexcept {
    static_assert(D != 0, "etgrad::c<N, D>: the denominator must not be zero");
    constexpr std::intmax_t g = gcd(N, D) == 0 ? 1 : gcd(N, D);
    constexpr std::intmax_t s = D < 0 ? -1 : 1;
    return rational<s * N / g, s * D / g>{};
}
}  // namespace detail

/// The compile-time constant N/D.
template <std::intmax_t N, std::intmax_t D = 1>
inline constexpr auto c = detail::make_rational<N, D>();

/// A generic op node: the op's rule type and its children, held by value so that an
/// expression built from temporaries (`auto e = sin(x * x);`) never dangles.
template <class Op, class... Cs>
struct node : expr_base<node<Op, Cs...>> {
    using op = Op;
    static constexpr std::size_t arity = sizeof...(Cs);
    boost::hana::basic_tuple<Cs...> args;
    // an expression of variables and compile-time constants is determined by its type alone
    constexpr node()
        requires(std::is_default_constructible_v<Cs> && ...)
    = default;
    constexpr explicit node(const Cs&... cs) : args(cs...) {}
};

/// The child I of a node.
template <std::size_t I, class Op, class... Cs>
constexpr const auto& child(const node<Op, Cs...>& n) noexcept {
    return boost::hana::at_c<I>(n.args);
}

namespace detail {
/// A number becomes a run-time constant; an expression stays itself.
template <class A>
constexpr auto as_expr(const A& a) {
    if constexpr (expression<A>)
        return a;
    else
        return constant<A>{a};
}
template <class A>
using expr_t = decltype(as_expr(std::declval<const A&>()));

struct tape_tag;
/// tape_tag, named through a dependent type so a later specialisation is still seen.
template <class>
struct tape_tag_for {
    using type = tape_tag;
};
/// Applying an op to tape tensors; <etgrad/tape.hpp> specialises tensor_apply<Op, tape_tag>.
template <class Op, class Tag = tape_tag>
struct tensor_apply {
    template <class... A>
    static constexpr auto call(A&&...) {
        static_assert(always_false<A...>, "etgrad: an op applied to a Tensor needs #include <etgrad/tape.hpp>");
    }
};
/// Evaluating a static expression with Tensor bindings (one tape node); specialised likewise.
template <class Tag = tape_tag>
struct tensor_evaluate {
    template <class F, class... B>
    static constexpr auto call(const F&, const B&...) {
        static_assert(always_false<F, B...>,
                      "etgrad: an expression evaluated on Tensors needs #include <etgrad/tape.hpp>");
    }
};
struct array_tag;
template <class>
struct array_tag_for {
    using type = array_tag;
};
/// Evaluating an expression at arrays (elementwise: an array of values); <etgrad/array.hpp>
/// specialises array_evaluate<array_tag>.
template <class Tag = array_tag>
struct array_evaluate {
    template <class F, class... B>
    static constexpr auto call(const F&, const B&...) {
        static_assert(always_false<F, B...>,
                      "etgrad: an expression evaluated at arrays needs #include <etgrad/array.hpp>");
    }
};
}  // namespace detail

/// Apply an op: to numbers it computes the value, to tensors it records on the tape, and to
/// expressions it builds a node.
/// An op function passes its own by-value operands on as rvalues (`apply<f_op>(std::move(a))`):
/// the tape may then fold a temporary Tensor into the op's statement. An lvalue is never folded.
template <class Op, class... A>
[[gnu::always_inline]] constexpr auto apply(A&&... a) {
    if constexpr ((detail::number_like<std::remove_cvref_t<A>> && ...))
        return Op::value(a...);
    else if constexpr ((tensor_operand<A> || ...))
        return detail::tensor_apply<Op>::call(std::forward<A>(a)...);
    else
        return node<Op, detail::expr_t<std::remove_cvref_t<A>>...>(detail::as_expr(a)...);
}

/// `wrt(w, b)`: the variables to differentiate with respect to.
template <fixed_string... Names>
struct wrt_list {};
template <fixed_string... Names>
constexpr wrt_list<Names...> wrt(variable<Names>...) noexcept {
    return {};
}

namespace detail {
struct parsed_literal {
    std::intmax_t n;
    std::intmax_t d;
};
template <char... Cs>
constexpr parsed_literal parse_literal() {
    constexpr char s[] = {Cs...};
    std::intmax_t n = 0, d = 1;
    bool frac = false;
    for (char ch : s) {
        if (ch == '\'') continue;
        if (ch == '.') {
            frac = true;
            continue;
        }
        if (ch < '0' || ch > '9') throw "etgrad: _c takes a decimal literal such as 2_c or 0.5_c";
        n = n * 10 + (ch - '0');
        if (frac) d *= 10;
    }
    return {n, d};
}
}  // namespace detail

inline namespace literals {
/// `2_c`, `0.5_c`: compile-time rational constants.
template <char... Cs>
constexpr auto operator""_c() {
    constexpr auto p = detail::parse_literal<Cs...>();
    return c<p.n, p.d>;
}
}  // namespace literals

}  // namespace etgrad
