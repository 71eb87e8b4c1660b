/// @file print.hpp  Printing expressions at run time: `std::cout << e` and to_string(e)
/// (readable infix with minimal parentheses, numbers in shortest round-trip form) and
/// to_latex(e). Both are writers over the one walk of notation.hpp.
#pragma once
#include <charconv>
#include <ostream>
#include <string>

#include <etgrad/core/expression.hpp>
#include <etgrad/symbolic/notation.hpp>

namespace etgrad {
namespace detail {

template <class V>
void append_number(std::string& s, V v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip for floating point
    s.append(buf, r.ptr);
}

template <bool Latex>
struct string_writer {
    static constexpr bool latex = Latex;
    std::string s;
    void put(char c) { s += c; }
    void put(const char* p) { s += p; }
    template <class V>
    void number(const V* v) {
        if (v) append_number(s, *v);
        else s += '#';
    }
};

}  // namespace detail

/// Readable infix: `to_string(d(sin(x * x), x))` is "2*x*cos(x^2)".
template <expression E>
std::string to_string(const E& e) {
    detail::string_writer<false> w;
    detail::print(w, &e, 0);
    return w.s;
}

/// The same expression as LaTeX: `\frac{1}{2} \cdot x^{2}`.
template <expression E>
std::string to_latex(const E& e) {
    detail::string_writer<true> w;
    detail::print(w, &e, 0);
    return w.s;
}

template <expression E>
std::ostream& operator<<(std::ostream& os, const E& e) {
    return os << to_string(e);
}

}  // namespace etgrad
