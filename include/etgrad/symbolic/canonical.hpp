/// @file canonical.hpp  simplify(e): a canonical form computed at compile time, so that equal
/// formulas get equal types. A sum is a left-nested chain of terms sorted by their monomial's
/// name; a term is `coefficient * monomial` (coefficient first, omitted when 1); a monomial is a
/// left-nested product of factors `base` or `base^r` (r a compile-time rational) sorted by the
/// base's name. Like terms and like factors are merged, compile-time rationals fold, a
/// coefficient distributes over a sum, and every other op is an atom with canonical operands.
///
/// Run-time constants are coefficients: their values combine at run time (2.5*x + 3.5*x is a
/// term with coefficient 6.0). Atoms that contain run-time constants are never merged with
/// each other, since their types do not tell whether their values agree.
/// `e/e` cancels only where e cannot be zero (exp, sigmoid, nonzero constants); `x/x` stays.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/evaluate.hpp>
#include <etgrad/numeric/math.hpp>
#include <etgrad/ops/activation.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/clamp.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/indicator.hpp>
#include <etgrad/ops/trig.hpp>
#include <etgrad/symbolic/notation.hpp>

namespace etgrad::detail::canon {
namespace hana = boost::hana;

template <class... X>
using list = hana::basic_tuple<X...>;

template <class L>
struct list_size;
template <class... X>
struct list_size<list<X...>> : std::integral_constant<std::size_t, sizeof...(X)> {};

template <class... A, class... B, std::size_t... I, std::size_t... J>
constexpr auto concat_impl(const list<A...>& a, const list<B...>& b, std::index_sequence<I...>, std::index_sequence<J...>) {
    return list<A..., B...>(hana::at_c<I>(a)..., hana::at_c<J>(b)...);
}
template <class... A, class... B>
constexpr auto concat(const list<A...>& a, const list<B...>& b) {
    return concat_impl(a, b, std::index_sequence_for<A...>{}, std::index_sequence_for<B...>{});
}
constexpr auto concat_all() { return list<>{}; }
template <class L, class... Ls>
constexpr auto concat_all(const L& l, const Ls&... ls) {
    if constexpr (sizeof...(Ls) == 0) return l;
    else return concat(l, concat_all(ls...));
}

// ---- classification ----
template <class E>
inline constexpr bool is_coef = is_rational_v<E> || is_constant_v<E>;
template <class E>
inline constexpr bool is_zero = std::is_same_v<E, rational<0, 1>>;
template <class E>
inline constexpr bool is_one = std::is_same_v<E, rational<1, 1>>;
template <class E>
inline constexpr bool is_add = is_op_v<E, add_op>;
template <class E>
constexpr bool is_rpow() {
    if constexpr (is_op_v<E, pow_op>) return is_rational_v<child1_t<E>>;
    else return false;
}
template <class E>
constexpr bool is_term_product() {  // coefficient * monomial
    if constexpr (is_op_v<E, mul_op>) return is_coef<child0_t<E>>;
    else return false;
}
/// Bases whose every power is safe to cancel: they cannot be zero.
template <class B>
constexpr bool nonzero_known() {
    if constexpr (is_rational_v<B>) return B::num != 0;
    else return is_op_v<B, exp_op> || is_op_v<B, sigmoid_op>;
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
    using type = typename promote_real<V>::type;
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
    if constexpr (is_rpow<F>()) return child1_t<F>{};
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
    if constexpr (is_add<E>) return concat(terms_of(child<0>(e)), terms_of(child<1>(e)));
    else if constexpr (is_zero<E>) return list<>{};
    else return list<E>(e);
}
template <class M>
constexpr auto factors_of(const M& m) {
    if constexpr (is_op_v<M, mul_op>) return concat(factors_of(child<0>(m)), factors_of(child<1>(m)));
    else if constexpr (is_one<M>) return list<>{};
    else return list<M>(m);
}

template <template <class, class> class Op, std::size_t I, class Acc, class... X>
constexpr auto fold_left(const Acc& acc, const list<X...>& l) {
    if constexpr (I == sizeof...(X)) {
        return acc;
    } else {
        using Xi = std::remove_cvref_t<decltype(hana::at_c<I>(l))>;
        return fold_left<Op, I + 1>(Op<Acc, Xi>(acc, hana::at_c<I>(l)), l);
    }
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

// ---- sorting by name and merging like items ----
constexpr int compare(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

template <std::size_t N>
struct plan_data {
    std::size_t perm[N + 1]{};
    std::size_t begin[N + 2]{};
    std::size_t groups = 0;
};

/// The stable sort of items by the name of Key<item>, and the groups of equal mergeable keys.
template <template <class> class Key, class... X>
struct plan {
    static constexpr std::size_t n = sizeof...(X);
    static constexpr plan_data<n> make() {
        const char* keys[n + 1] = {name_of<Key<X>>.c_str()..., ""};
        const bool mergeable[n + 1] = {!has_runtime_constant<Key<X>>::value..., false};
        plan_data<n> d{};
        for (std::size_t i = 0; i < n; ++i) d.perm[i] = i;
        for (std::size_t i = 1; i < n; ++i)  // insertion sort: stable
            for (std::size_t j = i; j > 0 && compare(keys[d.perm[j - 1]], keys[d.perm[j]]) > 0; --j) {
                std::size_t t = d.perm[j];
                d.perm[j] = d.perm[j - 1];
                d.perm[j - 1] = t;
            }
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t p = d.perm[i];
            const bool same = i > 0 && mergeable[p] && mergeable[d.perm[i - 1]] && compare(keys[p], keys[d.perm[i - 1]]) == 0;
            if (!same) d.begin[d.groups++] = i;
        }
        d.begin[d.groups] = n;
        return d;
    }
    static constexpr plan_data<n> data = make();
};

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

template <template <class> class Key, class Merge, class... X, std::size_t... G>
constexpr auto merge_impl(const list<X...>& l, std::index_sequence<G...>) {
    using P = plan<Key, X...>;
    return concat_all(list<>{}, Merge::template group<P::data.begin[G], P::data.begin[G + 1], P>(
                                    l, std::make_index_sequence<P::data.begin[G + 1] - P::data.begin[G]>{})...);
}
template <template <class> class Key, class Merge, class... X>
constexpr auto merge(const list<X...>& l) {
    return merge_impl<Key, Merge>(l, std::make_index_sequence<plan<Key, X...>::data.groups>{});
}


// ---- the canonical constructors: canonical operands in, canonical result out ----
template <class A, class B>
constexpr auto add_c(const A& a, const B& b);
template <class A, class B>
constexpr auto mul_c(const A& a, const B& b);
template <class A, std::intmax_t N, std::intmax_t D>
constexpr auto pow_c(const A& a, rational<N, D> r);

template <class T>
constexpr auto as_list(const T& t) {
    if constexpr (is_zero<T>) return list<>{};
    else return list<T>(t);
}

template <class K, class L, std::size_t... I>
constexpr auto scale_terms(const K& k, const L& l, std::index_sequence<I...>) {
    return concat_all(list<>{}, as_list(term_merge::make_term(coef_mul(k, coef_of(hana::at_c<I>(l))), mono_of(hana::at_c<I>(l))))...);
}
template <class K, class S>
constexpr auto scale_sum(const K& k, const S& s) {
    return sum_from(scale_terms(k, terms_of(s), std::make_index_sequence<list_size<decltype(terms_of(s))>::value>{}));
}
/// coefficient * monomial, distributing the coefficient when the monomial is a sum.
template <class C, class M>
constexpr auto term_c(const C& coef, const M& mono) {
    if constexpr (is_add<M> && !is_one<C>) return scale_sum(coef, mono);
    else return term_merge::make_term(coef, mono);
}

template <class A, class B>
constexpr auto add_c(const A& a, const B& b) {
    if constexpr (is_zero<A>) return b;
    else if constexpr (is_zero<B>) return a;
    else if constexpr (is_rational_v<A> && is_rational_v<B>) return coef_add(a, b);
    else return sum_from(merge<mono_t, term_merge>(concat(terms_of(a), terms_of(b))));
}

template <class A, class B>
constexpr auto mul_c(const A& a, const B& b) {
    if constexpr (is_zero<A> || is_zero<B>) {
        return c<0>;
    } else if constexpr (is_one<A>) {
        return b;
    } else if constexpr (is_one<B>) {
        return a;
    } else if constexpr (is_coef<A> && is_coef<B>) {
        return coef_mul(a, b);
    } else if constexpr (is_coef<A> && is_add<B>) {
        return scale_sum(a, b);
    } else if constexpr (is_coef<B> && is_add<A>) {
        return scale_sum(b, a);
    } else {
        const auto coef = coef_mul(coef_of(a), coef_of(b));
        const auto factors = merge<base_t, factor_merge>(concat(factors_of(mono_of(a)), factors_of(mono_of(b))));
        return term_c(coef, product_from(factors));
    }
}

template <std::intmax_t N, std::intmax_t D, class L, std::size_t... I>
constexpr auto raise_factors(const L& l, std::index_sequence<I...>) {
    return list<decltype(make_factor(base_of(hana::at_c<I>(l)), coef_mul(exp_of(hana::at_c<I>(l)), c<N, D>)))...>(
        make_factor(base_of(hana::at_c<I>(l)), coef_mul(exp_of(hana::at_c<I>(l)), c<N, D>))...);
}

template <class A, std::intmax_t N, std::intmax_t D>
constexpr auto pow_c(const A& a, rational<N, D> r) {
    if constexpr (N == 0) {
        return c<1>;
    } else if constexpr (N == 1 && D == 1) {
        return a;
    } else if constexpr (D == 1 && is_coef<A> && !(is_zero<A> && N < 0)) {
        return coef_pow<N>(a);
    } else if constexpr (D == 1 && !is_add<A> && !is_coef<A>) {
        // (k * f1^e1 * f2^e2)^n = k^n * f1^(n e1) * f2^(n e2) for an integer n
        const auto fs = factors_of(mono_of(a));
        const auto raised = raise_factors<N, D>(fs, std::make_index_sequence<list_size<std::remove_cvref_t<decltype(fs)>>::value>{});
        return term_c(coef_pow<N>(coef_of(a)), product_from(raised));
    } else {
        return make_factor(a, r);
    }
}

// ---- folding ops whose operands are all compile-time rationals ----
template <class A, class B>
constexpr bool r_less() {
    return A::num * B::den < B::num * A::den;
}
template <class A, class B>
constexpr bool r_equal() {
    return std::is_same_v<A, B>;
}
template <class Op, class X>
constexpr auto fold_unary(const node<Op, X>& n) {
    using Z = rational<0, 1>;
    using One = rational<1, 1>;
    if constexpr (!is_rational_v<X>) return n;
    else if constexpr (std::is_same_v<Op, step_op>) return std::conditional_t<r_less<Z, X>(), One, Z>{};
    else if constexpr (std::is_same_v<Op, sign_op>)
        return std::conditional_t<r_less<Z, X>(), One, std::conditional_t<r_less<X, Z>(), rational<-1, 1>, Z>>{};
    else if constexpr (std::is_same_v<Op, relu_op>) return std::conditional_t<r_less<Z, X>(), X, Z>{};
    else if constexpr (std::is_same_v<Op, abs_op>) return rational<(X::num < 0 ? -X::num : X::num), X::den>{};
    else if constexpr (std::is_same_v<X, Z> && (std::is_same_v<Op, sin_op> || std::is_same_v<Op, tan_op> ||
                                                std::is_same_v<Op, tanh_op> || std::is_same_v<Op, sqrt_op> ||
                                                std::is_same_v<Op, log1p_op>))
        return Z{};
    else if constexpr (std::is_same_v<X, Z> && (std::is_same_v<Op, cos_op> || std::is_same_v<Op, exp_op>)) return One{};
    else if constexpr (std::is_same_v<X, Z> && std::is_same_v<Op, sigmoid_op>) return rational<1, 2>{};
    else if constexpr (std::is_same_v<X, One> && (std::is_same_v<Op, sqrt_op>)) return One{};
    else if constexpr (std::is_same_v<X, One> && (std::is_same_v<Op, log_op>)) return Z{};
    else return n;
}
template <class Op, class A, class B>
constexpr auto fold_binary(const node<Op, A, B>& n) {
    if constexpr (!(is_rational_v<A> && is_rational_v<B>)) return n;
    else if constexpr (std::is_same_v<Op, tie_split_op>)
        return std::conditional_t<r_less<B, A>(), rational<1, 1>,
                                  std::conditional_t<r_equal<A, B>(), rational<1, 2>, rational<0, 1>>>{};
    else if constexpr (std::is_same_v<Op, min_op>) return std::conditional_t<r_less<B, A>(), B, A>{};
    else if constexpr (std::is_same_v<Op, max_op>) return std::conditional_t<r_less<A, B>(), B, A>{};
    else return n;
}
template <class Op, class X, class L, class H>
constexpr auto fold_ternary(const node<Op, X, L, H>& n) {
    if constexpr (!(is_rational_v<X> && is_rational_v<L> && is_rational_v<H>)) return n;
    else if constexpr (std::is_same_v<Op, in_interval_op>)
        return std::conditional_t<!r_less<X, L>() && !r_less<H, X>(), rational<1, 1>, rational<0, 1>>{};
    else if constexpr (std::is_same_v<Op, clamp_op>)
        return std::conditional_t<r_less<X, L>(), L, std::conditional_t<r_less<H, X>(), H, X>>{};
    else return n;
}
template <class N>
constexpr auto fold_atom(const N& n) {
    if constexpr (N::arity == 1) return fold_unary(n);
    else if constexpr (N::arity == 2) return fold_binary(n);
    else return fold_ternary(n);
}

template <class E>
constexpr auto canon(const E& e);

template <class Op, class... Cs, std::size_t... I>
constexpr auto canon_atom(const node<Op, Cs...>& e, std::index_sequence<I...>) {
    return fold_atom(node<Op, std::remove_cvref_t<decltype(canon(child<I>(e)))>...>(canon(child<I>(e))...));
}

template <class E>
constexpr auto canon(const E& e) {
    if constexpr (!kind<E>::is_node) {
        return e;
    } else {
        using Op = typename E::op;
        if constexpr (std::is_same_v<Op, add_op>) {
            return add_c(canon(child<0>(e)), canon(child<1>(e)));
        } else if constexpr (std::is_same_v<Op, sub_op>) {
            return add_c(canon(child<0>(e)), mul_c(c<-1>, canon(child<1>(e))));
        } else if constexpr (std::is_same_v<Op, neg_op>) {
            return mul_c(c<-1>, canon(child<0>(e)));
        } else if constexpr (std::is_same_v<Op, mul_op>) {
            return mul_c(canon(child<0>(e)), canon(child<1>(e)));
        } else if constexpr (std::is_same_v<Op, div_op>) {
            return mul_c(canon(child<0>(e)), pow_c(canon(child<1>(e)), c<-1>));
        } else if constexpr (std::is_same_v<Op, square_op>) {
            return pow_c(canon(child<0>(e)), c<2>);
        } else if constexpr (std::is_same_v<Op, pow_op>) {
            const auto b = canon(child<0>(e));
            const auto k = canon(child<1>(e));
            using K = std::remove_cvref_t<decltype(k)>;
            if constexpr (is_rational_v<K>) return pow_c(b, k);
            else return node<pow_op, std::remove_cvref_t<decltype(b)>, K>(b, k);
        } else {
            return canon_atom(e, std::make_index_sequence<E::arity>{});
        }
    }
}

}  // namespace etgrad::detail::canon
