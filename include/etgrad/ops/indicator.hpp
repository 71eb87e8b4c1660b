/// @file indicator.hpp  Indicator ops: the derivatives of ops with kinks (relu, abs, clamp,
/// min, max). Their own derivative is 0, so higher derivatives stay finite. Internal: they
/// appear in derivatives (step(x)) but are not part of the public namespace.
#pragma once
#include <cstddef>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/scalar.hpp>

namespace etgrad {
namespace detail {
/// Base of ops whose derivative is zero everywhere and whose value is exact on rationals.
struct indicator_rule {
    static constexpr bool exact_on_rationals = true;
    template <std::size_t I, class Y, class... A>
    static constexpr auto partial(const Y& y, const A&...) {
        return math::num<0>(y);
    }
};
}  // namespace detail

/// step(a): 1 where a > 0, else 0 (so relu'(0) = 0, as in PyTorch).
struct step_op : detail::indicator_rule {
    static constexpr char name[] = "step";
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        return math::select(a > A(0), R(1), R(0));
    }
};
/// sign(a): -1, 0 or 1 (so abs'(0) = 0, as in PyTorch).
struct sign_op : detail::indicator_rule {
    static constexpr char name[] = "sign";
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        return math::select(a > A(0), R(1), math::select(a < A(0), R(-1), R(0)));
    }
};
/// in_interval(x, lo, hi): 1 on the closed interval [lo, hi], else 0 (clamp's pass-through).
struct in_interval_op : detail::indicator_rule {
    static constexpr char name[] = "in_interval";
    template <class X, class L, class H>
    static constexpr auto value(X x, L lo, H hi) {
        using R = detail::real_t<X, L, H>;
        return math::select((R(lo) <= R(x)) && (R(x) <= R(hi)), R(1), R(0));
    }
};
/// tie_split(a, b): 1 where a > b, 1/2 where a == b, 0 where a < b, and 1 where either is NaN
/// (torch.maximum's gradient: where(a == b, 1/2, 1) masked to 0 where a < b).
struct tie_split_op : detail::indicator_rule {
    static constexpr char name[] = "tie_split";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using R = detail::real_t<A, B>;
        return math::select(R(a) == R(b), R(1) / R(2), math::select(R(a) < R(b), R(0), R(1)));
    }
};

namespace detail {
template <class A>
constexpr auto step(const A& a) {
    return apply<step_op>(a);
}
template <class A>
constexpr auto sign(const A& a) {
    return apply<sign_op>(a);
}
template <class X, class L, class H>
constexpr auto in_interval(const X& x, const L& lo, const H& hi) {
    return apply<in_interval_op>(x, lo, hi);
}
template <class A, class B>
constexpr auto tie_split(const A& a, const B& b) {
    return apply<tie_split_op>(a, b);
}
/// v where lo <= x <= hi, else 0: `in_interval(x, lo, hi) * v`, which on numbers is evaluated
/// as a select so the factor costs no multiply on the critical path (v must be finite).
template <class X, class L, class H, class V>
constexpr auto where_in_interval(const X& x, const L& lo, const H& hi, const V& v) {
    if constexpr (number_like<X> && number_like<L> && number_like<H> && number_like<V>)
        return math::select((lo <= x) && (x <= hi), v, V(0));
    else
        return in_interval(x, lo, hi) * v;
}
}  // namespace detail

}  // namespace etgrad
