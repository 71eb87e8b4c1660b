/// @file traits.hpp  What kind of expression a type is, its children, and the real type that
/// values compute in (integers promote to double). Every engine asks these; none redefines them.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>

#include <etgrad/core/fixed_string.hpp>

namespace etgrad {

template <fixed_string Name>
struct variable;
template <class V>
struct constant;
template <std::intmax_t N, std::intmax_t D>
struct rational;
template <class Op, class... Cs>
struct node;

namespace detail {

/// Whether T is a SIMD pack of numbers (specialised for vec_pack by <etgrad/math/pack.hpp>):
/// op rules then compute lane by lane, with selects for their kinks.
template <class T>
struct is_pack : std::false_type {};
/// The SIMD functions on pack type P (exp, log, select, ...), defined by <etgrad/simd.hpp>.
template <class P>
struct pack_math;

/// The first pack type among T..., or void.
template <class... T>
struct first_pack {
    using type = void;
};
template <class T, class... Ts>
struct first_pack<T, Ts...> {
    using type = std::conditional_t<is_pack<T>::value, T, typename first_pack<Ts...>::type>;
};

/// The type values of types T... compute in: their common type, integers promoted to double; a
/// pack when any of them is one (its lanes' numbers broadcast).
template <class... T>
struct real_type {
    using pack = typename first_pack<T...>::type;
    using common =
        typename std::conditional_t<std::is_void_v<pack>, std::common_type<T...>, std::type_identity<pack>>::type;
    using type = std::conditional_t<std::is_integral_v<common>, double, common>;
};
template <>
struct real_type<> {
    using type = double;
};
template <class... T>
using real_t = typename real_type<std::remove_cvref_t<T>...>::type;

/// What kind of expression E is (variables and nodes; the rest are constants).
template <class E>
struct kind {
    static constexpr bool is_variable = false, is_node = false;
};
template <fixed_string N>
struct kind<variable<N>> {
    static constexpr bool is_variable = true, is_node = false;
};
template <class Op, class... Cs>
struct kind<node<Op, Cs...>> {
    static constexpr bool is_variable = false, is_node = true;
};

template <class E>
struct is_rational_t : std::false_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_rational_t<rational<N, D>> : std::true_type {};
/// A compile-time rational constant (c<1, 2>, 2_c).
template <class E>
inline constexpr bool is_rational_v = is_rational_t<E>::value;

template <class E>
struct is_constant_t : std::false_type {};
template <class V>
struct is_constant_t<constant<V>> : std::true_type {};
/// A run-time constant (a plain number inside an expression).
template <class E>
inline constexpr bool is_constant_v = is_constant_t<E>::value;

/// The op of a node (void for anything else).
template <class E>
struct op_of {
    using type = void;
};
template <class Op, class... Cs>
struct op_of<node<Op, Cs...>> {
    using type = Op;
};
template <class E>
using op_t = typename op_of<E>::type;

/// The I-th type of a pack.
template <std::size_t I, class T, class... Ts>
struct nth_type {
    using type = typename nth_type<I - 1, Ts...>::type;
};
template <class T, class... Ts>
struct nth_type<0, T, Ts...> {
    using type = T;
};
/// The type of child I of node type E.
template <std::size_t I, class E>
struct child_type;
template <std::size_t I, class Op, class... Cs>
struct child_type<I, node<Op, Cs...>> {
    using type = typename nth_type<I, Cs...>::type;
};
template <std::size_t I, class E>
using child_t = typename child_type<I, E>::type;

}  // namespace detail
}  // namespace etgrad
