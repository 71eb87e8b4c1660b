/// @file canonical.hpp  simplify(e): a canonical form computed at compile time, so that equal
/// formulas get equal types. Expressions order lighter first (fewer nodes), then by name. A sum
/// is a left-nested chain of terms sorted by their monomials; a term is `coefficient * monomial`
/// (coefficient first, omitted when 1); a monomial is a left-nested product of factors `base` or
/// `base^r` (r a compile-time rational) sorted by their bases. Like terms and like factors are
/// merged, compile-time rationals fold, a coefficient distributes over a sum, and every other op
/// is an atom with canonical operands.
/// Each op's notation says which it is (sum, difference, product, ...); an op may also give a
/// rewrite into other ops (square(a) is pow(a, 2_c)).
///
/// Run-time constants are coefficients: their values combine at run time (2.5*x + 3.5*x is a
/// term with coefficient 6.0). Atoms that contain run-time constants are never merged with
/// each other, since their types do not tell whether their values agree.
/// `e/e` cancels only where e cannot be zero (ops that say never_zero, nonzero constants).
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>


#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/symbolic/fold.hpp>
#include <etgrad/symbolic/lists.hpp>
#include <etgrad/symbolic/terms.hpp>

namespace etgrad::detail {

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

// ---- the common case without a sort: every item of one side orders before the other's ----
/// The first and last item of a left-nested chain of Op (a sum's terms, a product's factors).
template <notation N, class E>
struct chain_ends {
    using first = E;
    using last = E;
};
template <notation N, class Op, class L, class R>
    requires(notation_of<Op>() == N)
struct chain_ends<N, node<Op, L, R>> {
    using first = typename chain_ends<N, L>::first;
    using last = R;
};
/// True when the key of A's last item orders strictly before the key of B's first item: then
/// the sorted, merged list of both is A's items followed by B's, and nothing merges.
template <template <class> class Key, notation N, class A, class B>
constexpr bool orders_before() {
    using KA = Key<typename chain_ends<N, A>::last>;
    using KB = Key<typename chain_ends<N, B>::first>;
    return order<KA, KB>() < 0;
}
/// a's chain with b's items appended one by one (b's chain rebuilt on top of a).
template <notation N, template <class, class> class Node, class A, class B>
constexpr auto append_chain(const A& a, const B& b) {
    if constexpr (written_as<B, N>()) {
        const auto front = append_chain<N, Node>(a, child<0>(b));
        return Node<std::remove_cvref_t<decltype(front)>, child_t<1, B>>(front, child<1>(b));
    } else {
        return Node<A, B>(a, b);
    }
}

template <class A, class B>
constexpr auto add_c(const A& a, const B& b) {
    if constexpr (is_zero<A>) return b;
    else if constexpr (is_zero<B>) return a;
    else if constexpr (is_rational_v<A> && is_rational_v<B>) return coef_add(a, b);
    else if constexpr (!is_coef<A> && !is_coef<B> && orders_before<mono_t, notation::sum, A, B>())
        return append_chain<notation::sum, add_node>(a, b);
    else if constexpr (!is_coef<A> && !is_coef<B> && orders_before<mono_t, notation::sum, B, A>())
        return append_chain<notation::sum, add_node>(b, a);
    else return sum_from(merge<mono_t, term_merge>(concat_lists(terms_of(a), terms_of(b))));
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
    } else if constexpr (!is_one<mono_t<A>> && !is_one<mono_t<B>> &&
                         orders_before<base_t, notation::product, mono_t<A>, mono_t<B>>()) {
        return term_c(coef_mul(coef_of(a), coef_of(b)),
                      append_chain<notation::product, mul_node>(mono_of(a), mono_of(b)));
    } else if constexpr (!is_one<mono_t<A>> && !is_one<mono_t<B>> &&
                         orders_before<base_t, notation::product, mono_t<B>, mono_t<A>>()) {
        return term_c(coef_mul(coef_of(a), coef_of(b)),
                      append_chain<notation::product, mul_node>(mono_of(b), mono_of(a)));
    } else {
        const auto coef = coef_mul(coef_of(a), coef_of(b));
        const auto factors = merge<base_t, factor_merge>(concat_lists(factors_of(mono_of(a)), factors_of(mono_of(b))));
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

template <class E>
constexpr auto canon(const E& e);

template <class Op, class... Cs, std::size_t... I>
constexpr auto canon_atom(const node<Op, Cs...>& e, std::index_sequence<I...>) {
    return fold_constants(node<Op, std::remove_cvref_t<decltype(canon(child<I>(e)))>...>(canon(child<I>(e))...));
}

template <class Op, class... Cs, std::size_t... I>
constexpr auto rewrite_of(const node<Op, Cs...>& e, std::index_sequence<I...>) -> decltype(Op::rewrite(child<I>(e)...)) {
    return Op::rewrite(child<I>(e)...);
}
template <class E>
inline constexpr bool has_rewrite = requires(const E& e) { rewrite_of(e, std::make_index_sequence<E::arity>{}); };

template <class E>
constexpr auto canon(const E& e) {
    if constexpr (!kind<E>::is_node) {
        return e;
    } else {
        constexpr notation n = notation_of<op_t<E>>();
        if constexpr (n == notation::sum) {
            return add_c(canon(child<0>(e)), canon(child<1>(e)));
        } else if constexpr (n == notation::difference) {
            return add_c(canon(child<0>(e)), mul_c(c<-1>, canon(child<1>(e))));
        } else if constexpr (n == notation::negation) {
            return mul_c(c<-1>, canon(child<0>(e)));
        } else if constexpr (n == notation::product) {
            return mul_c(canon(child<0>(e)), canon(child<1>(e)));
        } else if constexpr (n == notation::quotient) {
            return mul_c(canon(child<0>(e)), pow_c(canon(child<1>(e)), c<-1>));
        } else if constexpr (n == notation::power) {
            const auto b = canon(child<0>(e));
            const auto k = canon(child<1>(e));
            using K = std::remove_cvref_t<decltype(k)>;
            if constexpr (is_rational_v<K>) return pow_c(b, k);
            else return node<op_t<E>, std::remove_cvref_t<decltype(b)>, K>(b, k);
        } else if constexpr (has_rewrite<E>) {
            return canon(rewrite_of(e, std::make_index_sequence<E::arity>{}));
        } else {
            return canon_atom(e, std::make_index_sequence<E::arity>{});
        }
    }
}

}  // namespace etgrad::detail
