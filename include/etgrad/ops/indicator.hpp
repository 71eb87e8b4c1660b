/// @file indicator.hpp  Indicator ops: the derivatives of ops with kinks (relu, abs, clamp,
/// min, max). Their own derivative is 0, so higher derivatives stay finite.
#pragma once
#include <type_traits>

#include <etgrad/core/expression.hpp>

namespace etgrad {

struct step_op;
struct sign_op;
struct in_interval_op;
struct tie_split_op;

/// step(a): 1 where a > 0, else 0 (so relu'(0) = 0, as in PyTorch).
template <operand A>
constexpr auto step(const A& a) {
    return apply<step_op>(a);
}
/// sign(a): -1, 0 or 1 (so abs'(0) = 0, as in PyTorch).
template <operand A>
constexpr auto sign(const A& a) {
    return apply<sign_op>(a);
}
/// in_interval(x, lo, hi): 1 on the closed interval [lo, hi], else 0 (clamp's pass-through).
template <operand X, operand L, operand H>
constexpr auto in_interval(const X& x, const L& lo, const H& hi) {
    return apply<in_interval_op>(x, lo, hi);
}
/// tie_split(a, b): 1 where a > b, 1/2 where a == b, 0 where a < b (torch.maximum's split).
template <operand A, operand B>
constexpr auto tie_split(const A& a, const B& b) {
    return apply<tie_split_op>(a, b);
}

/// v where lo <= x <= hi, else 0: `in_interval(x, lo, hi) * v`, which on numbers is evaluated
/// as a select so the factor costs no multiply on the critical path (v must be finite).
template <class X, class L, class H, class V>
constexpr auto where_in_interval(const X& x, const L& lo, const H& hi, const V& v) {
    if constexpr (arithmetic<X> && arithmetic<L> && arithmetic<H> && arithmetic<V>)
        return (lo <= x && x <= hi) ? v : V(0);
    else
        return in_interval(x, lo, hi) * v;
}

namespace detail {
template <class... A>
using real_common_t = std::conditional_t<std::is_integral_v<std::common_type_t<A...>>, double, std::common_type_t<A...>>;

/// Base of ops whose derivative is zero everywhere.
struct zero_partials {
    template <std::size_t I, class Y, class... A>
    static constexpr auto partial(const Y& y, const A&...) {
        return num<0>(y);
    }
};
}  // namespace detail

struct step_op : detail::zero_partials {
    static constexpr char name[] = "step";
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_common_t<A>;
        return a > A(0) ? R(1) : R(0);
    }
};
struct sign_op : detail::zero_partials {
    static constexpr char name[] = "sign";
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_common_t<A>;
        return a > A(0) ? R(1) : (a < A(0) ? R(-1) : R(0));
    }
};
struct in_interval_op : detail::zero_partials {
    static constexpr char name[] = "in_interval";
    template <class X, class L, class H>
    static constexpr auto value(X x, L lo, H hi) {
        using R = detail::real_common_t<X, L, H>;
        return (R(lo) <= R(x) && R(x) <= R(hi)) ? R(1) : R(0);
    }
};
struct tie_split_op : detail::zero_partials {
    static constexpr char name[] = "tie_split";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using R = detail::real_common_t<A, B>;
        return R(a) > R(b) ? R(1) : (R(a) == R(b) ? R(0.5) : R(0));
    }
};

}  // namespace etgrad
