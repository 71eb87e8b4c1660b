/// @file terms.hpp  The canonical form's vocabulary: coefficients (compile-time rationals fold,
/// run-time constants combine at run time), terms `coefficient * monomial`, factors
/// `base^exponent`, and how like terms and like factors merge.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/symbolic/lists.hpp>

namespace etgrad::detail {

template <class E>
inline constexpr bool is_coef = is_rational_v<E> || is_constant_v<E>;
template <class E>
inline constexpr bool is_zero = std::is_same_v<E, rational<0, 1>>;
template <class E>
inline constexpr bool is_one = std::is_same_v<E, rational<1, 1>>;
template <class E>
inline constexpr bool is_add = written_as<E, notation::sum>();
template <class E>
constexpr bool is_rpow() {
    if constexpr (written_as<E, notation::power>()) return is_rational_v<child_t<1, E>>;
    else return false;
}
template <class E>
constexpr bool is_term_product() {  // coefficient * monomial
    if constexpr (written_as<E, notation::product>()) return is_coef<child_t<0, E>>;
    else return false;
}
/// Bases whose every power is safe to cancel: they cannot be zero.
template <class B>
constexpr bool nonzero_known() {
    if constexpr (is_rational_v<B>) return B::num != 0;
    else if constexpr (kind<B>::is_node) return never_zero_v<op_t<B>>;
    else return false;
}

// ---- coefficients: compile-time rationals fold; run-time constants combine at run time ----
template <class R, class V>
constexpr auto as_value(const R& r) {
    if constexpr (is_rational_v<R>) return static_cast<V>(R::num) / static_cast<V>(R::den);
    else return static_cast<V>(r.value);
}
template <class C>
struct coef_type {
    using type = double;
};
template <class V>
struct coef_type<constant<V>> {
    using type = real_t<V>;
};
template <class A, class B>
using common_coef_t = std::common_type_t<typename coef_type<A>::type, typename coef_type<B>::type>;

template <class A, class B>
constexpr auto coef_mul(const A& a, const B& b) {
    if constexpr (is_rational_v<A> && is_rational_v<B>) {
        return c<A::num * B::num, A::den * B::den>;
    } else if constexpr (is_zero<A> || is_zero<B>) {
        return c<0>;
    } else if constexpr (is_one<A>) {
        return b;
    } else if constexpr (is_one<B>) {
        return a;
    } else {
        using V = common_coef_t<A, B>;
        return constant<V>(as_value<A, V>(a) * as_value<B, V>(b));
    }
}
template <class A, class B>
constexpr auto coef_add(const A& a, const B& b) {
    if constexpr (is_rational_v<A> && is_rational_v<B>) {
        return c<A::num * B::den + B::num * A::den, A::den * B::den>;
    } else if constexpr (is_zero<A>) {
        return b;
    } else if constexpr (is_zero<B>) {
        return a;
    } else {
        using V = common_coef_t<A, B>;
        return constant<V>(as_value<A, V>(a) + as_value<B, V>(b));
    }
}
constexpr std::intmax_t ipow_int(std::intmax_t b, std::intmax_t n) {
    std::intmax_t r = 1;
    while (n-- > 0) r *= b;
    return r;
}
template <std::intmax_t N, class C>
constexpr auto coef_pow(const C& k) {
    if constexpr (is_rational_v<C>) {
        if constexpr (N >= 0) {
            return c<ipow_int(C::num, N), ipow_int(C::den, N)>;
        } else {
            static_assert(C::num != 0, "etgrad::simplify: 0 raised to a negative power");
            return c<ipow_int(C::den, -N), ipow_int(C::num, -N)>;
        }
    } else {
        using V = typename coef_type<C>::type;
        return constant<V>(math::ipow(static_cast<V>(k.value), N));
    }
}

// ---- terms and factors ----
template <class T>
constexpr auto coef_of(const T& t) {
    if constexpr (is_coef<T>) return t;
    else if constexpr (is_term_product<T>()) return child<0>(t);
    else return c<1>;
}
template <class T>
constexpr auto mono_of(const T& t) {
    if constexpr (is_coef<T>) return c<1>;
    else if constexpr (is_term_product<T>()) return child<1>(t);
    else return t;
}
template <class F>
constexpr auto base_of(const F& f) {
    if constexpr (is_rpow<F>()) return child<0>(f);
    else return f;
}
template <class F>
constexpr auto exp_of(const F&) {
    if constexpr (is_rpow<F>()) return child_t<1, F>{};
    else return c<1>;
}
template <class B, class R>
constexpr auto make_factor(const B& b, R) {
    if constexpr (is_zero<R>) return c<1>;
    else if constexpr (is_one<R>) return b;
    else return node<pow_op, B, R>(b, R{});
}

template <class E>
constexpr auto terms_of(const E& e) {
    if constexpr (is_add<E>) return concat_lists(terms_of(child<0>(e)), terms_of(child<1>(e)));
    else if constexpr (is_zero<E>) return list<>{};
    else return list<E>(e);
}
template <class M>
constexpr auto factors_of(const M& m) {
    if constexpr (written_as<M, notation::product>()) return concat_lists(factors_of(child<0>(m)), factors_of(child<1>(m)));
    else if constexpr (is_one<M>) return list<>{};
    else return list<M>(m);
}

template <class A, class B>
using add_node = node<add_op, A, B>;
template <class A, class B>
using mul_node = node<mul_op, A, B>;

template <class... X>
constexpr auto sum_from(const list<X...>& l) {
    if constexpr (sizeof...(X) == 0) return c<0>;
    else return fold_left<add_node, 1>(hana::at_c<0>(l), l);
}
template <class... X>
constexpr auto product_from(const list<X...>& l) {
    if constexpr (sizeof...(X) == 0) return c<1>;
    else return fold_left<mul_node, 1>(hana::at_c<0>(l), l);
}

template <class T>
using mono_t = std::remove_cvref_t<decltype(mono_of(std::declval<const T&>()))>;
template <class F>
using base_t = std::remove_cvref_t<decltype(base_of(std::declval<const F&>()))>;

struct term_merge {
    template <std::size_t B, std::size_t E, class P, class L, std::size_t... K>
    static constexpr auto group(const L& l, std::index_sequence<K...>) {
        auto coef = sum_coefs(coef_of(hana::at_c<P::data.perm[B + K]>(l))...);
        if constexpr (is_zero<decltype(coef)>) return list<>{};
        else {
            auto t = make_term(coef, mono_of(hana::at_c<P::data.perm[B]>(l)));
            return list<decltype(t)>(t);
        }
    }
    template <class A, class... R>
    static constexpr auto sum_coefs(const A& a, const R&... r) {
        if constexpr (sizeof...(R) == 0) return a;
        else return coef_add(a, sum_coefs(r...));
    }
    template <class C, class M>
    static constexpr auto make_term(const C& coef, const M& mono) {
        if constexpr (is_zero<C>) return c<0>;
        else if constexpr (is_one<M>) return coef;
        else if constexpr (is_one<C>) return mono;
        else return node<mul_op, C, M>(coef, mono);
    }
};

struct factor_merge {
    template <std::size_t B, std::size_t E, class P, class L, std::size_t... K>
    static constexpr auto group(const L& l, std::index_sequence<K...>) {
        using R = decltype(term_merge::sum_coefs(exp_of(hana::at_c<P::data.perm[B + K]>(l))...));
        const auto base = base_of(hana::at_c<P::data.perm[B]>(l));
        if constexpr (is_zero<R> && !nonzero_known<std::remove_cvref_t<decltype(base)>>())
            return list<std::remove_cvref_t<decltype(hana::at_c<P::data.perm[B + K]>(l))>...>(
                hana::at_c<P::data.perm[B + K]>(l)...);  // x * x^-1 stays: x may be 0
        else if constexpr (is_zero<R>)
            return list<>{};
        else {
            auto f = make_factor(base, R{});
            return list<decltype(f)>(f);
        }
    }
};

}  // namespace etgrad::detail
