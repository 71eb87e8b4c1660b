/// @file errors.hpp  Compile-time diagnostics: each misuse is a class whose name reads as the
/// problem and whose static_assert gives the fix. Variable names appear as etgrad::detail::chars<'x'>.
#pragma once

namespace etgrad {
namespace detail {
template <class...>
inline constexpr bool always_false = false;

/// Instantiates the diagnostic class, firing its static_assert.
template <class Error>
constexpr void report() noexcept {
    (void)sizeof(Error);
}

namespace error {
template <class Name, class Value>
struct a_variable_can_only_be_bound_to_a_number_or_a_tensor {
    static_assert(detail::always_false<Name, Value>,
                  "etgrad: a variable can only be bound to an arithmetic value or a Tensor "
                  "(x = 3.0), not to an expression or another type; the variable is the etgrad::detail::chars<...> "
                  "argument of this class");
};
template <class Name>
struct no_value_is_bound_for_variable {
    static_assert(detail::always_false<Name>,
                  "etgrad: the expression uses a variable that has no binding; bind it by name, "
                  "e.g. f(x = 1.0); the variable is the etgrad::detail::chars<...> argument of this class");
};
template <class Name>
struct the_same_variable_is_bound_twice {
    static_assert(detail::always_false<Name>,
                  "etgrad: the same variable is bound twice; bind each variable once; the variable is "
                  "the etgrad::detail::chars<...> argument of this class");
};
template <class Name>
struct gradient_not_computed_for_variable {
    static_assert(detail::always_false<Name>,
                  "etgrad: r.grad[v] indexes a variable that was not differentiated; list it in wrt(...) "
                  "or bind it; the variable is the etgrad::detail::chars<...> argument of this class");
};
template <class Arg>
struct arguments_after_the_expression_must_be_bindings {
    static_assert(detail::always_false<Arg>,
                  "etgrad: after the expression (and an optional wrt(...)), pass bindings such as x = 3.0; "
                  "the offending argument type is the argument of this class");
};
template <class Name>
struct wrt_lists_the_same_variable_twice {
    static_assert(detail::always_false<Name>,
                  "etgrad: wrt(...) lists the same variable twice; the variable is the etgrad::detail::chars<...> "
                  "argument of this class");
};
template <class NameA, class SizeA, class NameB, class SizeB>
struct arrays_of_fixed_sizes_that_differ_do_not_broadcast {
    static_assert(detail::always_false<NameA, SizeA, NameB, SizeB>,
                  "etgrad: two variables are bound to arrays whose sizes are fixed at compile time "
                  "(std::array, std::span<T, N>) and differ, so their elementwise expression cannot be "
                  "evaluated; the variables and their sizes are the arguments of this class");
};
}  // namespace error
}  // namespace detail
}  // namespace etgrad
