/// @file name_of.hpp  An expression type's name as a compile-time string: the walk of
/// notation.hpp with writers that count and write characters in constant evaluation.
#pragma once
#include <cstddef>
#include <type_traits>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/fixed_string.hpp>
#include <etgrad/symbolic/notation.hpp>

namespace etgrad::detail {

/// Counts characters (run-time constants count as '#').
struct count_writer {
    static constexpr bool latex = false;
    std::size_t n = 0;
    constexpr void put(char) { ++n; }
    constexpr void put(const char* s) {
        while (*s++) ++n;
    }
    template <class V>
    constexpr void number(const V*) {
        ++n;
    }
};
/// Writes through a pointer: one writer type for every name length, so the printer is
/// instantiated once per expression type (a writer per length made names quadratic to compile).
struct pointer_writer {
    static constexpr bool latex = false;
    char* p;
    constexpr void put(char c) { *p++ = c; }
    constexpr void put(const char* s) {
        while (*s) *p++ = *s++;
    }
    template <class V>
    constexpr void number(const V*) {
        *p++ = '#';
    }
};

template <class E>
constexpr std::size_t name_length() {
    count_writer c;
    print(c, static_cast<const E*>(nullptr), 0);
    return c.n;
}
template <class E>
constexpr auto make_name() {
    fixed_string<name_length<E>() + 1> out{};
    pointer_writer w{out.data};
    print(w, static_cast<const E*>(nullptr), 0);
    return out;
}

template <class E>
struct has_runtime_constant : std::false_type {};
template <class V>
struct has_runtime_constant<constant<V>> : std::true_type {};
template <class Op, class... Cs>
struct has_runtime_constant<node<Op, Cs...>> : std::bool_constant<(has_runtime_constant<Cs>::value || ...)> {};

}  // namespace etgrad::detail

namespace etgrad {
/// The name of an expression type as a compile-time string: name_of<decltype(sin(x * x))>
/// is "sin(x*x)". Run-time constants, whose values are not part of the type, print as '#'.
template <class E>
inline constexpr auto name_of = detail::make_name<std::remove_cvref_t<E>>();
}  // namespace etgrad
