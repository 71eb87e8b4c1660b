/// @file clamp.hpp  clamp, min, max.
#pragma once
#include <cstddef>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct clamp_op {
    static constexpr char name[] = "clamp";
    static constexpr bool exact_on_rationals = true;
    /// ClampBackward1 with number bounds, ClampBackward0 with tensor bounds.
    template <class X, class L, class H>
    static constexpr const char* grad_fn_for() {
        return (arithmetic<L> && arithmetic<H>) ? "ClampBackward1" : "ClampBackward0";
    }
    // min(max(x, lo), hi) with NaN propagated from x and from either bound, as torch.clamp
    template <class X, class L, class H>
    static constexpr auto value(X x, L lo, H hi) {
        using R = detail::real_t<X, L, H>;
        const R v = math::select(R(lo) != R(lo), R(lo), math::select(R(x) < R(lo), R(lo), R(x)));
        return math::select(R(hi) != R(hi), R(hi), math::select(v > R(hi), R(hi), v));
    }
    template <std::size_t I, class Y, class X, class L, class H>
    static constexpr auto partial(const Y&, const X& x, const L& lo, const H& hi) {
        if constexpr (I == 0) return detail::in_interval(x, lo, hi);
        else if constexpr (I == 1) return detail::step(lo - x);  // below the interval the output is lo
        else return detail::step(x - hi);                        // above it the output is hi
    }
};
/// clamp(x, lo, hi) = min(max(x, lo), hi); the gradient passes on the closed interval [lo, hi].
template <class X, class L, class H>
    requires operand<X> && operand<L> && operand<H>
[[gnu::always_inline]] constexpr auto clamp(X x, L lo, H hi) {
    return apply<clamp_op>(std::move(x), std::move(lo), std::move(hi));
}

struct min_op {
    static constexpr char name[] = "min";
    static constexpr char grad_fn[] = "MinimumBackward0";
    static constexpr bool exact_on_rationals = true;
    template <class A, class B>
    static constexpr auto value(A a, B b) {  // NaN in either operand gives NaN, as torch.minimum
        using R = detail::real_t<A, B>;
        return math::select(R(b) != R(b), R(b), math::select(R(b) < R(a), R(b), R(a)));
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return detail::tie_split(b, a);  // ties split the gradient 1/2-1/2
        else return detail::tie_split(a, b);
    }
};
/// The smaller of a and b (torch.minimum); at a tie each gets half the gradient.
template <class A, class B>
    requires detail::mixed_operands<A, B>
constexpr auto min(const A& a, const B& b) { return apply<min_op>(a, b); }

struct max_op {
    static constexpr char name[] = "max";
    static constexpr char grad_fn[] = "MaximumBackward0";
    static constexpr bool exact_on_rationals = true;
    template <class A, class B>
    static constexpr auto value(A a, B b) {  // NaN in either operand gives NaN, as torch.maximum
        using R = detail::real_t<A, B>;
        return math::select(R(b) != R(b), R(b), math::select(R(a) < R(b), R(b), R(a)));
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return detail::tie_split(a, b);
        else return detail::tie_split(b, a);
    }
};
/// The larger of a and b (torch.maximum); at a tie each gets half the gradient.
template <class A, class B>
    requires detail::mixed_operands<A, B>
constexpr auto max(const A& a, const B& b) { return apply<max_op>(a, b); }

}  // namespace etgrad
