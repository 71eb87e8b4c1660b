/// @file notation.hpp  How expressions are written: infix with minimal parentheses, in one
/// constexpr printer shared by compile-time names (run-time constants print as '#') and
/// run-time printing (print.hpp supplies a writer that prints their values).
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <etgrad/core/expression.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>

namespace etgrad::detail {

// Precedence of what a subexpression displays as (higher binds tighter).
inline constexpr int p_sum = 2, p_neg = 3, p_product = 4, p_power = 8, p_atom = 10;

template <class E>
struct is_rational_t : std::false_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_rational_t<rational<N, D>> : std::true_type {};
template <class E>
inline constexpr bool is_rational_v = is_rational_t<E>::value;

template <class E>
struct is_constant_t : std::false_type {};
template <class V>
struct is_constant_t<constant<V>> : std::true_type {};
template <class E>
inline constexpr bool is_constant_v = is_constant_t<E>::value;

template <class E, class Op>
struct is_op_t : std::false_type {};
template <class Op, class... Cs>
struct is_op_t<node<Op, Cs...>, Op> : std::true_type {};
template <class E, class Op>
inline constexpr bool is_op_v = is_op_t<E, Op>::value;

template <class E>
using child0_t = std::remove_cvref_t<decltype(child<0>(std::declval<const E&>()))>;
template <class E>
using child1_t = std::remove_cvref_t<decltype(child<1>(std::declval<const E&>()))>;

template <class E>
constexpr bool negative_rational() {
    if constexpr (is_rational_v<E>) return E::num < 0;
    else return false;
}
/// mul(c<N, D>, M) with N < 0: a term displayed with a leading minus.
template <class E>
constexpr bool negative_term() {
    if constexpr (is_op_v<E, mul_op>) return negative_rational<child0_t<E>>();
    else return false;
}
/// pow(B, c<N, D>) with N < 0: displayed as 1/B^(-N/D).
template <class E>
constexpr bool negative_power() {
    if constexpr (is_op_v<E, pow_op>) return negative_rational<child1_t<E>>();
    else return false;
}
/// mul(A, pow(B, c<N, D>)) with N < 0: displayed as a quotient.
template <class E>
constexpr bool quotient_display() {
    if constexpr (is_op_v<E, mul_op> && !negative_term<E>()) {
        using R = child1_t<E>;
        if constexpr (is_op_v<R, pow_op>) return negative_rational<child1_t<R>>();
        else return false;
    } else {
        return false;
    }
}

/// A child of *e, or a null pointer of the child's type when printing a type alone.
template <std::size_t I, class E>
constexpr auto child_ptr(const E* e) {
    using C = std::remove_cvref_t<decltype(child<I>(*e))>;
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
        using Op = typename E::op;
        if constexpr (std::is_same_v<Op, add_op> || std::is_same_v<Op, sub_op>) return p_sum;
        else if constexpr (std::is_same_v<Op, mul_op>) return negative_term<E>() ? p_neg : p_product;
        else if constexpr (std::is_same_v<Op, div_op>) return p_product;
        else if constexpr (std::is_same_v<Op, neg_op>) return p_neg;
        else if constexpr (std::is_same_v<Op, pow_op>) return negative_rational<child1_t<E>>() ? p_product : p_power;
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

template <class W, class E>
constexpr void print(W& w, const E* e, int min_prec);

template <class W, class E>
constexpr void print_in(W& w, const E* e, int min_prec) {  // parenthesised when it binds looser than min_prec
    const bool parens = display_prec(e) < min_prec;
    if (parens) w.put('(');
    print(w, e, parens ? 0 : min_prec);
    if (parens) w.put(')');
}

/// `B^(r)` for a rational r > 0 (r == 1 prints B alone, as the right operand of '/').
template <class W, class B, std::intmax_t N, std::intmax_t D>
constexpr void print_power(W& w, const B* b, rational<N, D>) {
    if constexpr (N == 1 && D == 1) {
        print_in(w, b, p_product + 1);
    } else {
        print_in(w, b, p_power + 1);
        w.put('^');
        const rational<N, D> r{};
        print_in(w, &r, p_atom);
    }
}

template <class W, class E, std::size_t... I>
constexpr void print_call(W& w, const E* e, std::index_sequence<I...>) {
    w.put(E::op::name);
    w.put('(');
    bool first = true;
    ((first ? void(first = false) : w.put(','), print(w, child_ptr<I>(e), 0)), ...);
    w.put(')');
}

template <class W, class E>
constexpr void print(W& w, const E* e, int min_prec) {
    if constexpr (kind<E>::is_variable) {
        w.put(E::name.c_str());
    } else if constexpr (is_rational_v<E>) {
        put_int(w, E::num);
        if constexpr (E::den != 1) {
            w.put('/');
            put_int(w, E::den);
        }
    } else if constexpr (is_constant_v<E>) {
        w.number(e ? &e->value : nullptr);
    } else {
        using Op = typename E::op;
        if constexpr (std::is_same_v<Op, add_op>) {
            print(w, child_ptr<0>(e), p_sum);
            using R = child1_t<E>;
            if constexpr (negative_term<R>() || negative_rational<R>()) {
                w.put('-');
                print_negated(w, child_ptr<1>(e));
            } else {
                w.put('+');
                print_in(w, child_ptr<1>(e), p_sum);
            }
        } else if constexpr (std::is_same_v<Op, sub_op>) {
            print_in(w, child_ptr<0>(e), p_sum);
            w.put('-');
            print_in(w, child_ptr<1>(e), p_product);
        } else if constexpr (negative_term<E>()) {
            w.put('-');
            print_negated(w, e);
        } else if constexpr (quotient_display<E>()) {
            print_in(w, child_ptr<0>(e), p_neg);
            w.put('/');
            using R = child1_t<E>;
            using X = child1_t<R>;
            const auto* r = child_ptr<1>(e);
            print_power(w, r ? &child<0>(*r) : static_cast<const child0_t<R>*>(nullptr),
                        rational<-X::num, X::den>{});
        } else if constexpr (std::is_same_v<Op, mul_op> || std::is_same_v<Op, div_op>) {
            print_in(w, child_ptr<0>(e), p_neg);
            w.put(std::is_same_v<Op, mul_op> ? '*' : '/');
            print_in(w, child_ptr<1>(e), std::is_same_v<Op, mul_op> ? p_product : p_product + 1);
        } else if constexpr (std::is_same_v<Op, neg_op>) {
            w.put('-');
            print_in(w, child_ptr<0>(e), p_product);
        } else if constexpr (negative_power<E>()) {
            using X = child1_t<E>;
            w.put("1/");
            print_power(w, child_ptr<0>(e), rational<-X::num, X::den>{});
        } else if constexpr (std::is_same_v<Op, pow_op>) {
            print_in(w, child_ptr<0>(e), p_power + 1);
            w.put('^');
            print_in(w, child_ptr<1>(e), p_atom);
        } else {
            print_call(w, e, std::make_index_sequence<E::arity>{});
        }
    }
    (void)min_prec;
}

/// Prints -t for a negative rational or a negative term t = c<N, D> * M (N < 0).
template <class W, class T>
constexpr void print_negated(W& w, const T* t) {
    if constexpr (is_rational_v<T>) {
        const rational<-T::num, T::den> r{};
        print_in(w, &r, p_product);
    } else {
        using C = child0_t<T>;
        if constexpr (!(C::num == -1 && C::den == 1)) {
            const rational<-C::num, C::den> r{};
            print_in(w, &r, p_neg);
            w.put('*');
        }
        print_in(w, child_ptr<1>(t), p_product);
    }
}

/// Counts characters (run-time constants count as '#').
struct count_writer {
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
