/// @file gradient.hpp  value_and_grad and grad: the forward sweep, then a statically unrolled
/// reverse sweep that accumulates adjoints. No heap, no virtual call, no symbolic derivative:
/// each node computes its local partials once, from cached values, by its op's rule.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/errors.hpp>
#include <etgrad/core/expression.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/evaluate.hpp>

namespace etgrad {

/// Gradient of a scalar function, indexed by variable: `g[w]`.
template <class T, fixed_string... Names>
struct gradient {
    T values[sizeof...(Names) > 0 ? sizeof...(Names) : 1]{};

    static constexpr std::size_t size() noexcept { return sizeof...(Names); }

    template <fixed_string N>
    constexpr T& operator[](variable<N>) noexcept {
        return values[slot<N>()];
    }
    template <fixed_string N>
    constexpr const T& operator[](variable<N>) const noexcept {
        return values[slot<N>()];
    }

  private:
    template <fixed_string N>
    static constexpr std::size_t slot() noexcept {
        if constexpr (detail::count_name<N, Names...> == 0) {
            detail::report<detail::error::gradient_not_computed_for_variable<detail::chars_of<N>>>();
            return 0;
        } else {
            return detail::index_of_name<N, Names...>;
        }
    }
};

/// What value_and_grad returns: `r.value` and `r.grad[x]` (also `auto [v, g] = ...`).
template <class T, fixed_string... Names>
struct value_and_gradient {
    T value;
    gradient<T, Names...> grad;
};

namespace detail {

template <class T, class Names>
struct result_for;
template <class T, fixed_string... Names>
struct result_for<T, name_list<Names...>> {
    using type = value_and_gradient<T, Names...>;
};
template <class T, class Names>
using gradient_for_t = decltype(std::declval<typename result_for<T, Names>::type&>().grad);

template <class Active, class T, class E, class G>
[[gnu::always_inline]] constexpr void backward(const E& e, const cache<T, E>& c, T adj, G& g);

// One child's share: its adjoint is the node's adjoint times the local partial.
// Children that do not depend on an active variable cost nothing.
template <std::size_t I, class Active, class T, class Op, class... Cs, class G, std::size_t... J>
[[gnu::always_inline]] constexpr void backward_child(const node<Op, Cs...>& n, const cache<T, node<Op, Cs...>>& c,
                                                     T adj, G& g, std::index_sequence<J...>) {
    using C = std::remove_cvref_t<decltype(boost::hana::at_c<I>(n.args))>;
    if constexpr (depends_on<C, Active>::value) {
        const T p = static_cast<T>(Op::template partial<I>(c.v, kid<J>(c.k).v...));
        backward<Active>(boost::hana::at_c<I>(n.args), kid<I>(c.k), adj * p, g);
    }
}

template <class Active, class T, class Op, class... Cs, class G, std::size_t... I>
[[gnu::always_inline]] constexpr void backward_node(const node<Op, Cs...>& n, const cache<T, node<Op, Cs...>>& c,
                                                    T adj, G& g, std::index_sequence<I...> is) {
    (backward_child<I, Active>(n, c, adj, g, is), ...);
}

template <class Active, class T, class E, class G>
[[gnu::always_inline]] constexpr void backward(const E& e, const cache<T, E>& c, T adj, G& g) {
    if constexpr (kind<E>::is_variable) {
        if constexpr (depends_on<E, Active>::value) g[e] += adj;
    } else if constexpr (kind<E>::is_node) {
        backward_node<Active>(e, c, adj, g, std::make_index_sequence<E::arity>{});
    }
}

/// Which of the active variables F uses, by position.
template <class F, fixed_string... A>
constexpr auto used_mask(name_list<A...>) noexcept {
    struct mask {
        bool used[sizeof...(A) > 0 ? sizeof...(A) : 1];
    };
    return mask{{depends_on<F, name_list<A>>::value...}};
}

/// The gradient of f in T with respect to Active into g, from f's forward cache c.
template <class Active, class T, class F, class C, class G>
[[gnu::always_inline]] constexpr void reverse_sweep(const F& f, const C& c, G& g) {
    if constexpr (Active::size > 0) {
        // Adjoints start at -0.0, the identity of IEEE addition (+0.0 is not: -0.0 + +0.0 is
        // +0.0), so the first `g += a` folds to `g = a` without fast-math. Variables the
        // expression does not use are compile-time known and get +0.0.
        const auto used = used_mask<F>(Active{});
        for (std::size_t i = 0; i < Active::size; ++i) g.values[i] = used.used[i] ? -T(0) : T(0);
        backward<Active>(f, c, T(1), g);
    }
}

/// The value and gradient of f in T, its variables' values given by env.template get<Name>().
template <class Active, class T, class F, class Env>
[[gnu::always_inline]] constexpr auto sweep_in(const F& f, const Env& env) {
    const auto c = forward<T>(f, env);
    typename result_for<T, Active>::type r{static_cast<T>(c.v), {}};
    reverse_sweep<Active, T>(f, c, r.grad);
    return r;
}

template <class Active, class F, class... B>
[[gnu::always_inline]] constexpr auto sweep(const F& f, const B&... b) {
    const environment<B...> env{boost::hana::basic_tuple<B...>(b...)};
    return sweep_in<Active, value_type_of<B...>>(f, env);
}

template <fixed_string... W>
inline constexpr bool wrt_valid = ((count_name<W, W...> == 1) && ...);
template <fixed_string... W>
constexpr bool check_wrt() {
    constexpr bool unique = ((count_name<W, W...> == 1) && ...);
    if constexpr (!unique) (report_if_twice<W, W...>(), ...);
    return unique;
}

}  // namespace detail

/// Value and gradient with respect to every bound variable:
/// `auto r = value_and_grad(f, x = 3.0); r.value; r.grad[x];`
template <expression F, class... B>
constexpr auto value_and_grad(const F& f, const B&... b) {
    if constexpr ((detail::holds_array<B>::value || ...)) {
        detail::check_no_arrays<B...>();
        return detail::invalid_call{};
    } else if constexpr (!detail::bindings_valid<F, B...>()) {
        detail::check_bindings<F, B...>();
        return detail::invalid_call{};
    } else
        return detail::sweep<detail::name_list<B::name...>>(f, b...);
}

/// Value and gradient with respect to the listed variables only; the others are data and
/// no work is spent on them: `value_and_grad(loss, wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0)`.
template <expression F, fixed_string... W, class... B>
constexpr auto value_and_grad(const F& f, wrt_list<W...>, const B&... b) {
    if constexpr ((detail::holds_array<B>::value || ...)) {
        detail::check_no_arrays<B...>();
        return detail::invalid_call{};
    } else if constexpr (!detail::wrt_valid<W...> || !detail::bindings_valid<F, B...>()) {
        detail::check_wrt<W...>();
        detail::check_bindings<F, B...>();
        return detail::invalid_call{};
    } else
        return detail::sweep<detail::name_list<W...>>(f, b...);
}

/// The gradient alone: `grad(f, x = 3.0)[x]`.
template <expression F, class... B>
constexpr auto grad(const F& f, const B&... b) {
    return value_and_grad(f, b...).grad;
}

}  // namespace etgrad
