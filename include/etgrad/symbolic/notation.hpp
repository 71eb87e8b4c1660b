/// @file notation.hpp  How expressions are written: one constexpr walk that decides structure
/// (minimal parentheses, signs, quotients, powers) from each op's notation, for writers that
/// spell it: name_of.hpp's compile-time writers (run-time constants print as '#'), and
/// print.hpp's run-time infix and LaTeX writers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>

namespace etgrad::detail {

// Precedence of what a subexpression displays as (higher binds tighter).
inline constexpr int p_sum = 2, p_neg = 3, p_product = 4, p_power = 8, p_atom = 10;

template <class E>
constexpr bool negative_rational() {
    if constexpr (is_rational_v<E>) return E::num < 0;
    else return false;
}
/// A product c<N, D> * M with N < 0: a term displayed with a leading minus.
template <class E>
constexpr bool negative_term() {
    if constexpr (written_as<E, notation::product>()) return negative_rational<child_t<0, E>>();
    else return false;
}
/// A power B^c<N, D> with N < 0: displayed as 1/B^(-N/D).
template <class E>
constexpr bool negative_power() {
    if constexpr (written_as<E, notation::power>()) return negative_rational<child_t<1, E>>();
    else return false;
}
/// A product A * B^c<N, D> with N < 0: displayed as a quotient.
template <class E>
constexpr bool quotient_display() {
    if constexpr (written_as<E, notation::product>() && !negative_term<E>()) return negative_power<child_t<1, E>>();
    else return false;
}

/// A child of *e, or a null pointer of the child's type when printing a type alone.
template <std::size_t I, class E>
constexpr auto child_ptr(const E* e) {
    using C = child_t<I, E>;
    return e ? &child<I>(*e) : static_cast<const C*>(nullptr);
}

template <class E>
constexpr int display_prec(const E* e) {
    if constexpr (is_rational_v<E>) {
        if constexpr (E::num < 0) return p_neg;
        else if constexpr (E::den != 1) return p_product;
        else return p_atom;
    } else if constexpr (is_constant_v<E>) {
        return (e && e->value < 0) ? p_neg : p_atom;
    } else if constexpr (kind<E>::is_node) {
        constexpr notation n = notation_of<op_t<E>>();
        if constexpr (n == notation::sum || n == notation::difference) return p_sum;
        else if constexpr (n == notation::product) return negative_term<E>() ? p_neg : p_product;
        else if constexpr (n == notation::quotient) return p_product;
        else if constexpr (n == notation::negation) return p_neg;
        else if constexpr (n == notation::power) return negative_power<E>() ? p_product : p_power;
        else return p_atom;
    } else {
        return p_atom;
    }
}

template <class W>
constexpr void put_int(W& w, std::intmax_t v) {
    if (v < 0) {
        w.put('-');
        v = -v;
    }
    char buf[24]{};
    int n = 0;
    do {
        buf[n++] = char('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) w.put(buf[--n]);
}

/// The operator of an infix op as this writer spells it.
template <class Op, class W>
constexpr const char* symbol() {
    if constexpr (W::latex) return latex_of<Op>();
    else return infix_of<Op>();
}

template <class W>
constexpr void open_paren(W& w) {
    if constexpr (W::latex) w.put("\\left(");
    else w.put('(');
}
template <class W>
constexpr void close_paren(W& w) {
    if constexpr (W::latex) w.put("\\right)");
    else w.put(')');
}

template <class W, class E>
constexpr void print(W& w, const E* e, int min_prec);

template <class W, class E>
constexpr void print_in(W& w, const E* e, int min_prec) {  // parenthesised when it binds looser than min_prec
    const bool parens = display_prec(e) < min_prec;
    if (parens) open_paren(w);
    print(w, e, parens ? 0 : min_prec);
    if (parens) close_paren(w);
}

template <class W, std::intmax_t N, std::intmax_t D>
constexpr void print_rational(W& w) {
    if constexpr (W::latex && D != 1) {
        if constexpr (N < 0) w.put('-');
        w.put("\\frac{");
        put_int(w, N < 0 ? -N : N);
        w.put("}{");
        put_int(w, D);
        w.put('}');
    } else {
        put_int(w, N);
        if constexpr (D != 1) {
            w.put('/');
            put_int(w, D);
        }
    }
}

/// `B^(r)` for a rational r > 0, as the denominator of a quotient (r == 1 prints B alone).
template <class W, class B, std::intmax_t N, std::intmax_t D>
constexpr void print_denominator(W& w, const B* b, rational<N, D>) {
    if constexpr (N == 1 && D == 1) {
        print_in(w, b, W::latex ? 0 : p_product + 1);
    } else {
        print_in(w, b, p_power + 1);
        w.put('^');
        const rational<N, D> r{};
        if constexpr (W::latex) {
            w.put('{');
            print(w, &r, 0);
            w.put('}');
        } else {
            print_in(w, &r, p_atom);
        }
    }
}

/// numerator / denominator: infix `n/d`, LaTeX `\frac{n}{d}`.
template <class W, class Num, class Den>
constexpr void print_fraction(W& w, Num numerator, Den denominator) {
    if constexpr (W::latex) {
        w.put("\\frac{");
        numerator(0);
        w.put("}{");
        denominator();
        w.put('}');
    } else {
        numerator(p_neg);
        w.put('/');
        denominator();
    }
}

template <class W, class E, std::size_t... I>
constexpr void print_call(W& w, const E* e, std::index_sequence<I...>) {
    using Op = op_t<E>;
    if constexpr (W::latex && (requires { Op::latex; })) {
        constexpr const char* latex = Op::latex;
        bool pattern = false;
        for (const char* p = latex; *p; ++p) pattern = pattern || *p == '#';
        if (pattern) {  // "\\sqrt{#1}": each #k is operand k
            for (const char* p = latex; *p; ++p) {
                if (*p == '#' && p[1] >= '1' && p[1] <= '9') {
                    const std::size_t k = std::size_t(p[1] - '1');
                    ((k == I ? print(w, child_ptr<I>(e), 0) : void()), ...);
                    ++p;
                } else {
                    w.put(*p);
                }
            }
            return;
        }
        w.put(latex);
    } else if constexpr (W::latex) {
        w.put("\\operatorname{");
        w.put(Op::name);
        w.put('}');
    } else {
        w.put(Op::name);
    }
    open_paren(w);
    bool first = true;
    ((first ? void(first = false) : w.put(W::latex ? ", " : ","), print(w, child_ptr<I>(e), 0)), ...);
    close_paren(w);
}

/// Prints -t for a negative rational or a negative term t = c<N, D> * M (N < 0).
template <class W, class T>
constexpr void print_negated(W& w, const T* t) {
    if constexpr (is_rational_v<T>) {
        const rational<-T::num, T::den> r{};
        print_in(w, &r, p_product);
    } else {
        using C = child_t<0, T>;
        if constexpr (!(C::num == -1 && C::den == 1)) {
            const rational<-C::num, C::den> r{};
            print_in(w, &r, p_neg);
            w.put(symbol<op_t<T>, W>());
        }
        print_in(w, child_ptr<1>(t), p_product);
    }
}

/// A power whose exponent is a run-time constant.
template <class E>
constexpr bool runtime_exponent() {
    if constexpr (written_as<E, notation::power>()) return is_constant_v<child_t<1, E>>;
    else return false;
}
/// A term whose coefficient is a run-time constant (`#*x`), or a run-time constant itself: its
/// sign is known only from its value.
template <class E>
constexpr bool runtime_coefficient() {
    if constexpr (is_constant_v<E>) return true;
    else if constexpr (written_as<E, notation::product>()) return is_constant_v<child_t<0, E>>;
    else return false;
}
template <class E>
constexpr bool negative_value(const E* e) {
    if constexpr (is_constant_v<E>) return e && e->value < 0;
    else return e && child<0>(*e).value < 0;
}
/// Prints -t for a run-time constant t < 0, or a term t = k * M with a run-time k < 0.
template <class W, class T>
constexpr void print_negated_value(W& w, const T* t) {
    if constexpr (is_constant_v<T>) {
        const auto v = -t->value;
        w.number(&v);
    } else {
        const auto k = -child<0>(*t).value;
        if (k != 1) {
            w.number(&k);
            w.put(symbol<op_t<T>, W>());
        }
        print_in(w, child_ptr<1>(t), p_product);
    }
}

template <class W, class E>
constexpr void print(W& w, const E* e, int min_prec) {
    (void)min_prec;
    if constexpr (kind<E>::is_variable) {
        w.put(E::name.c_str());
    } else if constexpr (is_rational_v<E>) {
        print_rational<W, E::num, E::den>(w);
    } else if constexpr (is_constant_v<E>) {
        w.number(e ? &e->value : nullptr);
    } else {
        using Op = op_t<E>;
        constexpr notation n = notation_of<Op>();
        if constexpr (n == notation::sum) {
            print(w, child_ptr<0>(e), p_sum);
            using R = child_t<1, E>;
            if constexpr (negative_term<R>() || negative_rational<R>()) {
                w.put(W::latex ? " - " : "-");
                print_negated(w, child_ptr<1>(e));
            } else {
                bool negative = false;  // a run-time coefficient below 0 prints as "x-3*y", not "x+-3*y"
                if constexpr (runtime_coefficient<R>()) negative = negative_value(child_ptr<1>(e));
                if (negative) {
                    w.put(W::latex ? " - " : "-");
                    if constexpr (runtime_coefficient<R>()) print_negated_value(w, child_ptr<1>(e));
                } else {
                    w.put(symbol<Op, W>());
                    print_in(w, child_ptr<1>(e), p_sum);
                }
            }
        } else if constexpr (n == notation::difference) {
            print_in(w, child_ptr<0>(e), p_sum);
            w.put(symbol<Op, W>());
            print_in(w, child_ptr<1>(e), p_product);
        } else if constexpr (negative_term<E>()) {
            w.put('-');
            print_negated(w, e);
        } else if constexpr (quotient_display<E>()) {  // A * B^(-r) as A / B^r
            using P = child_t<1, E>;
            using X = child_t<1, P>;
            const auto* p = child_ptr<1>(e);
            print_fraction(
                w, [&](int prec) { print_in(w, child_ptr<0>(e), prec); },
                [&] { print_denominator(w, child_ptr<0>(p), rational<-X::num, X::den>{}); });
        } else if constexpr (n == notation::product) {
            print_in(w, child_ptr<0>(e), p_neg);
            w.put(symbol<Op, W>());
            print_in(w, child_ptr<1>(e), p_product);
        } else if constexpr (n == notation::quotient) {
            print_fraction(
                w, [&](int prec) { print_in(w, child_ptr<0>(e), prec); },
                [&] { print_in(w, child_ptr<1>(e), W::latex ? 0 : p_product + 1); });
        } else if constexpr (n == notation::negation) {
            w.put(infix_of<Op>());
            print_in(w, child_ptr<0>(e), p_product);
        } else if constexpr (negative_power<E>()) {  // B^(-r) as 1 / B^r
            using X = child_t<1, E>;
            print_fraction(
                w, [&](int) { w.put('1'); },
                [&] { print_denominator(w, child_ptr<0>(e), rational<-X::num, X::den>{}); });
        } else if constexpr (runtime_exponent<E>()) {
            if (e && child<1>(*e).value == 1) {  // a run-time exponent of 1 (pow(x, 2) differentiated)
                print_in(w, child_ptr<0>(e), min_prec);
            } else {
                print_in(w, child_ptr<0>(e), p_power + 1);
                w.put(infix_of<Op>());
                print_in(w, child_ptr<1>(e), W::latex ? 0 : p_atom);
            }
        } else if constexpr (n == notation::power) {
            print_in(w, child_ptr<0>(e), p_power + 1);
            w.put(infix_of<Op>());
            if constexpr (W::latex) {
                w.put('{');
                print(w, child_ptr<1>(e), 0);
                w.put('}');
            } else {
                print_in(w, child_ptr<1>(e), p_atom);
            }
        } else {
            print_call(w, e, std::make_index_sequence<E::arity>{});
        }
    }
}

}  // namespace etgrad::detail
