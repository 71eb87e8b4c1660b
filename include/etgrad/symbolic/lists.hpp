/// @file lists.hpp  Lists of expressions and their stable sort: the machinery behind the
/// canonical form (terms of a sum, factors of a product).
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/expression.hpp>
#include <etgrad/symbolic/name_of.hpp>

namespace etgrad::detail {
namespace hana = boost::hana;

template <class... X>
using list = hana::basic_tuple<X...>;

template <class L>
struct list_size;
template <class... X>
struct list_size<list<X...>> : std::integral_constant<std::size_t, sizeof...(X)> {};

template <class... A, class... B, std::size_t... I, std::size_t... J>
constexpr auto concat_lists_impl(const list<A...>& a, const list<B...>& b, std::index_sequence<I...>, std::index_sequence<J...>) {
    return list<A..., B...>(hana::at_c<I>(a)..., hana::at_c<J>(b)...);
}
template <class... A, class... B>
constexpr auto concat_lists(const list<A...>& a, const list<B...>& b) {
    return concat_lists_impl(a, b, std::index_sequence_for<A...>{}, std::index_sequence_for<B...>{});
}
constexpr auto concat_all() { return list<>{}; }
template <class L, class... Ls>
constexpr auto concat_all(const L& l, const Ls&... ls) {
    if constexpr (sizeof...(Ls) == 0) return l;
    else return concat_lists(l, concat_all(ls...));
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
constexpr int compare(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/// The number of nodes, variables and constants in an expression type, counted as a tree
/// (memoised per type; saturates instead of wrapping).
template <class E>
inline constexpr std::size_t weight = 1;
constexpr std::size_t weight_sum(std::initializer_list<std::size_t> ws) {
    std::size_t s = 1;
    for (std::size_t w : ws) s = w > SIZE_MAX - s ? SIZE_MAX : s + w;
    return s;
}
template <class Op, class... Cs>
inline constexpr std::size_t weight<node<Op, Cs...>> = weight_sum({weight<Cs>...});

/// The canonical order of expressions: lighter first (so a formula's deeper parts come after its
/// shallower ones, and a chain-rule factor is usually appended, not inserted), then by name.
template <class A, class B>
constexpr int order() {
    if constexpr (weight<A> != weight<B>) return weight<A> < weight<B> ? -1 : 1;
    else return compare(name_of<A>.c_str(), name_of<B>.c_str());
}

template <std::size_t N>
struct plan_data {
    std::size_t perm[N + 1]{};
    std::size_t begin[N + 2]{};
    std::size_t groups = 0;
};

/// The stable sort of items by the order of Key<item> (see order()), and the groups of equal
/// mergeable keys.
template <template <class> class Key, class... X>
struct plan {
    static constexpr std::size_t n = sizeof...(X);
    static constexpr plan_data<n> make() {
        const char* keys[n + 1] = {name_of<Key<X>>.c_str()..., ""};
        const std::size_t weights[n + 1] = {weight<Key<X>>..., 0};
        const auto before = [&](std::size_t a, std::size_t b) {
            return weights[a] != weights[b] ? weights[a] < weights[b] : compare(keys[a], keys[b]) < 0;
        };
        const bool mergeable[n + 1] = {!has_runtime_constant<Key<X>>::value..., false};
        plan_data<n> d{};
        for (std::size_t i = 0; i < n; ++i) d.perm[i] = i;
        for (std::size_t i = 1; i < n; ++i)  // insertion sort: stable
            for (std::size_t j = i; j > 0 && before(d.perm[j], d.perm[j - 1]); --j) {
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

}  // namespace etgrad::detail
