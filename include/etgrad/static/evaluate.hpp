/// @file evaluate.hpp  The forward sweep: evaluates an expression at bindings, caching every
/// node's value in a statically shaped structure that mirrors the expression's type.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/expression.hpp>
#include <etgrad/static/bindings.hpp>

namespace etgrad {
namespace detail {

/// The cached value of a node: of the value type T, except integer constants, which stay
/// integers so that pow(x, 2) multiplies instead of calling std::pow.
template <class T, class E>
struct cache {
    T v;
};
template <class T, class V>
    requires std::is_integral_v<V>
struct cache<T, constant<V>> {
    V v;
};
template <class T, std::intmax_t N>
struct cache<T, rational<N, 1>> {
    std::intmax_t v;
};
/// The cached children of a node: plain members (ops have at most three operands), which the
/// optimiser scalarises into registers; a generic tuple here measurably defeated that.
template <class... K>
struct kids;
template <class K0>
struct kids<K0> {
    K0 k0;
};
template <class K0, class K1>
struct kids<K0, K1> {
    K0 k0;
    K1 k1;
};
template <class K0, class K1, class K2>
struct kids<K0, K1, K2> {
    K0 k0;
    K1 k1;
    K2 k2;
};
template <std::size_t I, class K>
[[gnu::always_inline]] constexpr const auto& kid(const K& k) noexcept {
    if constexpr (I == 0) return k.k0;
    else if constexpr (I == 1) return k.k1;
    else return k.k2;
}

template <class T, class Op, class... Cs>
struct cache<T, node<Op, Cs...>> {
    static_assert(sizeof...(Cs) >= 1 && sizeof...(Cs) <= 3, "etgrad: ops take one to three operands");
    T v;
    kids<cache<T, Cs>...> k;
};

/// Op::value on cached child values, computed in T unless a mix of T and integers.
template <class T, class Op, class... V>
[[gnu::always_inline]] constexpr T op_value(const V&... v) {
    if constexpr ((std::is_integral_v<V> && ...))
        return static_cast<T>(Op::value(static_cast<T>(v)...));
    else
        return static_cast<T>(Op::value(v...));
}

template <class T, class E, class Env>
[[gnu::always_inline]] constexpr cache<T, E> forward(const E& e, const Env& env);

template <class T, class Op, class... Cs, class Env, std::size_t... I>
[[gnu::always_inline]] constexpr cache<T, node<Op, Cs...>> forward_node(const node<Op, Cs...>& n, const Env& env,
                                                                       std::index_sequence<I...>) {
    cache<T, node<Op, Cs...>> c{T{}, {forward<T>(boost::hana::at_c<I>(n.args), env)...}};
    c.v = op_value<T, Op>(kid<I>(c.k).v...);
    return c;
}

template <class T, class E, class Env>
[[gnu::always_inline]] constexpr cache<T, E> forward(const E& e, const Env& env) {
    if constexpr (kind<E>::is_variable) {
        return {static_cast<T>(env.template get<E::name>())};
    } else if constexpr (kind<E>::is_node) {
        return forward_node<T>(e, env, std::make_index_sequence<E::arity>{});
    } else if constexpr (requires { e.value; }) {  // run-time constant
        return {static_cast<decltype(cache<T, E>::v)>(e.value)};
    } else {  // compile-time rational
        if constexpr (E::den == 1)
            return {E::num};
        else
            return {static_cast<T>(E::num) / static_cast<T>(E::den)};
    }
}

/// The result of an ill-formed call, after its error has been reported: it reads as any value,
/// gradient or result, so that the reported error is the only one.
struct invalid_call {
    struct any_gradient {
        template <class V>
        constexpr double operator[](const V&) const noexcept {
            return 0;
        }
    };
    double value = 0;
    any_gradient grad{};
    template <class T>
    constexpr operator T() const noexcept {  // NOLINT: absorbs `double v = f(...)`
        return T{};
    }
};

}  // namespace detail

/// The value of f at the bindings: `f(x = 3.0)`, equivalently `evaluate(f, x = 3.0)`; at arrays
/// (<etgrad/array.hpp>) the array of its values, element by element.
template <expression F, class... B>
constexpr auto evaluate(const F& f, const B&... b) {
    if constexpr (!detail::bindings_valid<F, B...>()) {
        detail::check_bindings<F, B...>();
        return detail::invalid_call{};
    } else if constexpr ((detail::holds_array<B>::value || ...)) {
        return detail::array_evaluate<typename detail::array_tag_for<F>::type>::call(f, b...);  // <etgrad/array.hpp>
    } else if constexpr ((tensor_like<typename B::value_type> || ...)) {
        return detail::tensor_evaluate<typename detail::tape_tag_for<F>::type>::call(f, b...);  // one tape node (tape.hpp)
    } else {
        using T = detail::value_type_of<B...>;
        const detail::environment<B...> env{boost::hana::basic_tuple<B...>(b...)};
        return static_cast<T>(detail::forward<T>(f, env).v);
    }
}

template <class Derived>
template <class... B>
constexpr auto expr_base<Derived>::operator()(const B&... b) const {
    return evaluate(static_cast<const Derived&>(*this), b...);
}

}  // namespace etgrad
