/// @file bindings.hpp  Looking up bound values by name, checking the bindings of a call, and
/// the value type they imply.
#pragma once
#include <cstddef>
#include <type_traits>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/errors.hpp>
#include <etgrad/core/expression.hpp>
#include <etgrad/core/traits.hpp>

namespace etgrad::detail {

template <fixed_string... Names>
struct name_list {
    static constexpr std::size_t size = sizeof...(Names);
};

/// How many of Names equal Name.
template <fixed_string Name, fixed_string... Names>
inline constexpr std::size_t count_name = (std::size_t{0} + ... + std::size_t(Names == Name));

/// Position of Name among Names (sizeof...(Names) when absent).
template <fixed_string Name, fixed_string... Names>
inline constexpr std::size_t index_of_name = [] {
    constexpr bool hit[] = {(Names == Name)..., false};
    std::size_t i = 0;
    while (i < sizeof...(Names) && !hit[i]) ++i;
    return i;
}();

template <class L, class R>
struct concat;
template <fixed_string... A, fixed_string... B>
struct concat<name_list<A...>, name_list<B...>> {
    using type = name_list<A..., B...>;
};

/// The variables an expression uses (with repetitions).
template <class E>
struct vars_of {
    using type = name_list<>;
};
template <fixed_string N>
struct vars_of<variable<N>> {
    using type = name_list<N>;
};
template <class Op>
struct vars_of<node<Op>> {
    using type = name_list<>;
};
template <class Op, class C, class... Cs>
struct vars_of<node<Op, C, Cs...>> {
    using type = typename concat<typename vars_of<C>::type, typename vars_of<node<Op, Cs...>>::type>::type;
};

/// Does expression E use any of the variables in the name_list Active?
template <class E, class Active>
struct depends_on : std::false_type {};
template <fixed_string N, fixed_string... A>
struct depends_on<variable<N>, name_list<A...>> : std::bool_constant<(count_name<N, A...> > 0)> {};
template <class Op, class... Cs, class Active>
struct depends_on<node<Op, Cs...>, Active> : std::bool_constant<(depends_on<Cs, Active>::value || ...)> {};

/// The bindings of one call, stored by value, looked up by name at compile time.
template <class... B>
struct environment {
    boost::hana::basic_tuple<B...> bound;
    using names = name_list<B::name...>;

    template <fixed_string Name>
    constexpr const auto& get() const noexcept {
        return boost::hana::at_c<index_of_name<Name, B::name...>>(bound).value;
    }
};

/// The value type of a call: the real type of the bound values (integers promote to double).
template <class... B>
using value_type_of = real_t<typename B::value_type...>;

template <class Names, class... B>
struct missing_checker;
template <fixed_string... Used, class... B>
struct missing_checker<name_list<Used...>, B...> {
    static constexpr bool ok = ((count_name<Used, B::name...> > 0) && ...);
    static constexpr void report() {
        (report_if<(count_name<Used, B::name...> == 0), error::no_value_is_bound_for_variable<chars_of<Used>>>(), ...);
    }
    template <bool Fire, class Error>
    static constexpr void report_if() {
        if constexpr (Fire) detail::report<Error>();
    }
};

template <class B>
inline constexpr bool is_binding_v = is_binding<B>::value;

/// Whether B binds a variable to an array.
template <class B>
struct holds_array : std::false_type {};
template <fixed_string N, class V>
struct holds_array<binding<N, V>> : std::bool_constant<array_value<V>> {};
/// A gradient with arrays bound is that of a reduction (sum or mean, <etgrad/array.hpp>), not of
/// an unreduced expression.
template <class... B>
constexpr void check_no_arrays() {
    static_assert(!(holds_array<B>::value || ...),
                  "etgrad: a variable is bound to an array: differentiate a reduction of the "
                  "expression, value_and_grad(sum(f), ...) or value_and_grad(mean(f), ...) "
                  "(#include <etgrad/array.hpp>)");
}

template <class B>
constexpr void report_if_not_binding() {
    if constexpr (!is_binding_v<B>) report<error::arguments_after_the_expression_must_be_bindings<B>>();
}
template <fixed_string Name, fixed_string... All>
constexpr void report_if_twice() {
    if constexpr (count_name<Name, All...> > 1) report<error::the_same_variable_is_bound_twice<chars_of<Name>>>();
}

/// Whether the bindings of a call of expression E are valid: all bindings, each variable bound
/// once, every variable of E bound.
template <class E, class... B>
constexpr bool bindings_valid() {
    if constexpr (!(is_binding_v<B> && ...)) return false;
    else if constexpr (!((count_name<B::name, B::name...> == 1) && ...)) return false;
    else return missing_checker<typename vars_of<E>::type, B...>::ok;
}

/// Checks the bindings of a call of expression E; reports each problem as a compile error
/// naming the variable. Callers call it where bindings_valid is false, then stop, so that the
/// error that names the fix is the only one.
template <class E, class... B>
constexpr bool check_bindings() {
    if constexpr (!(is_binding_v<B> && ...)) {
        (report_if_not_binding<B>(), ...);
        return false;
    } else {
        constexpr bool unique = ((count_name<B::name, B::name...> == 1) && ...);
        if constexpr (!unique) {
            (report_if_twice<B::name, B::name...>(), ...);
            return false;
        } else {
            using checker = missing_checker<typename vars_of<E>::type, B...>;
            if constexpr (!checker::ok) {
                checker::report();
                return false;
            } else {
                return true;
            }
        }
    }
}
}  // namespace etgrad::detail
