/// @file print.hpp  Printing expressions: `std::cout << e`, to_string(e) (readable infix with
/// minimal parentheses, numbers in shortest round-trip form) and to_latex(e).
#pragma once
#include <charconv>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>

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

struct string_writer {
    std::string s;
    void put(char c) { s += c; }
    void put(const char* p) { s += p; }
    template <class V>
    void number(const V* v) {
        if (v) append_number(s, *v);
        else s += '#';
    }
};

// ---- LaTeX ----
template <class E>
void latex(std::string& s, const E& e, int min_prec);

template <class E>
void latex_in(std::string& s, const E& e, int min_prec) {
    const bool parens = display_prec(&e) < min_prec;
    if (parens) s += "\\left(";
    latex(s, e, parens ? 0 : min_prec);
    if (parens) s += "\\right)";
}
template <std::intmax_t N, std::intmax_t D>
void latex_rational(std::string& s) {
    if constexpr (N < 0) s += '-';
    constexpr std::intmax_t a = N < 0 ? -N : N;
    if constexpr (D == 1) {
        append_number(s, a);
    } else {
        s += "\\frac{";
        append_number(s, a);
        s += "}{";
        append_number(s, D);
        s += '}';
    }
}
inline const char* latex_function(const char* name) {
    for (const char* known : {"sin", "cos", "tan", "tanh", "exp", "log"})
        if (std::strcmp(name, known) == 0) return known;
    return nullptr;
}
/// -t for a negative rational or a negative term c<N, D> * M.
template <class T>
void latex_negated(std::string& s, const T& t) {
    if constexpr (is_rational_v<T>) {
        latex_rational<-T::num, T::den>(s);
    } else {
        using C = child0_t<T>;
        if constexpr (!(C::num == -1 && C::den == 1)) {
            latex_rational<-C::num, C::den>(s);
            s += " \\cdot ";
        }
        latex_in(s, child<1>(t), p_product);
    }
}
template <class B, std::intmax_t N, std::intmax_t D>
void latex_power(std::string& s, const B& b) {
    if constexpr (N == 1 && D == 1) {
        latex(s, b, 0);
    } else {
        latex_in(s, b, p_power + 1);
        s += "^{";
        latex_rational<N, D>(s);
        s += '}';
    }
}

template <class E>
void latex(std::string& s, const E& e, int min_prec) {
    (void)min_prec;
    if constexpr (kind<E>::is_variable) {
        s += E::name.c_str();
    } else if constexpr (is_rational_v<E>) {
        latex_rational<E::num, E::den>(s);
    } else if constexpr (is_constant_v<E>) {
        append_number(s, e.value);
    } else {
        using Op = typename E::op;
        if constexpr (std::is_same_v<Op, add_op>) {
            latex(s, child<0>(e), p_sum);
            using R = child1_t<E>;
            if constexpr (negative_term<R>() || negative_rational<R>()) {
                s += " - ";
                latex_negated(s, child<1>(e));
            } else {
                s += " + ";
                latex_in(s, child<1>(e), p_sum);
            }
        } else if constexpr (std::is_same_v<Op, sub_op>) {
            latex_in(s, child<0>(e), p_sum);
            s += " - ";
            latex_in(s, child<1>(e), p_product);
        } else if constexpr (negative_term<E>()) {
            s += '-';
            latex_negated(s, e);
        } else if constexpr (quotient_display<E>()) {
            using X = child1_t<child1_t<E>>;
            s += "\\frac{";
            latex(s, child<0>(e), 0);
            s += "}{";
            latex_power<child0_t<child1_t<E>>, -X::num, X::den>(s, child<0>(child<1>(e)));
            s += '}';
        } else if constexpr (std::is_same_v<Op, div_op>) {
            s += "\\frac{";
            latex(s, child<0>(e), 0);
            s += "}{";
            latex(s, child<1>(e), 0);
            s += '}';
        } else if constexpr (std::is_same_v<Op, mul_op>) {
            latex_in(s, child<0>(e), p_neg);
            s += " \\cdot ";
            latex_in(s, child<1>(e), p_product);
        } else if constexpr (std::is_same_v<Op, neg_op>) {
            s += '-';
            latex_in(s, child<0>(e), p_product);
        } else if constexpr (std::is_same_v<Op, pow_op>) {
            latex_in(s, child<0>(e), p_power + 1);
            s += "^{";
            latex(s, child<1>(e), 0);
            s += '}';
        } else if constexpr (std::is_same_v<Op, sqrt_op>) {
            s += "\\sqrt{";
            latex(s, child<0>(e), 0);
            s += '}';
        } else {
            if (const char* f = latex_function(Op::name)) {
                s += '\\';
                s += f;
            } else {
                s += "\\operatorname{";
                s += Op::name;
                s += '}';
            }
            s += "\\left(";
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                bool first = true;
                ((first ? void(first = false) : void(s += ", "), latex(s, child<I>(e), 0)), ...);
            }(std::make_index_sequence<E::arity>{});
            s += "\\right)";
        }
    }
}

}  // namespace detail

/// Readable infix: `to_string(d(sin(x * x), x))` is "2*cos(x^2)*x".
template <expression E>
std::string to_string(const E& e) {
    detail::string_writer w;
    detail::print(w, &e, 0);
    return w.s;
}

/// The same expression as LaTeX: `\frac{1}{2} \cdot x^{2}`.
template <expression E>
std::string to_latex(const E& e) {
    std::string s;
    detail::latex(s, e, 0);
    return s;
}

template <expression E>
std::ostream& operator<<(std::ostream& os, const E& e) {
    return os << to_string(e);
}

}  // namespace etgrad
