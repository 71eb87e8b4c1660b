/// @file fixed_string.hpp  A string usable as a template argument (var<"x">), and its char-pack twin for error messages.
#pragma once
#include <cstddef>
#include <utility>

namespace etgrad {

/// A string literal held by value, so it can be a non-type template argument: var<"x">.
template <std::size_t N>
struct fixed_string {
    char data[N]{};  // includes the terminating '\0'

    constexpr fixed_string() noexcept = default;
    constexpr fixed_string(const char (&s)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
    }
    static constexpr std::size_t size() noexcept { return N - 1; }
    constexpr const char* c_str() const noexcept { return data; }

    template <std::size_t M>
    constexpr bool operator==(const fixed_string<M>& o) const noexcept {
        if constexpr (M != N) {
            return false;
        } else {
            for (std::size_t i = 0; i < N; ++i)
                if (data[i] != o.data[i]) return false;
            return true;
        }
    }
};

namespace detail {
/// A variable's name as a pack of characters. Compilers print it readably ('x', 'y')
/// in diagnostics, where clang 14 prints a fixed_string as {{120, 0}}.
template <char... Cs>
struct chars {};

template <fixed_string S, std::size_t... I>
chars<S.data[I]...> to_chars(std::index_sequence<I...>);
template <fixed_string S>
using chars_of = decltype(to_chars<S>(std::make_index_sequence<S.size()>{}));
}  // namespace detail

}  // namespace etgrad
