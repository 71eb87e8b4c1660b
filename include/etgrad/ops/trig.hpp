/// @file trig.hpp  sin, cos, tan and their inverses asin, acos, atan, atan2.
#pragma once
#include <cstddef>
#include <limits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>

namespace etgrad {

struct cos_op;  // sin' = cos and cos' = -sin: one of the two names the other ahead

struct sin_op {
    static constexpr char name[] = "sin";
    static constexpr char latex[] = "\\sin";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::sin(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return apply<cos_op>(a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto sin(A a) { return apply<sin_op>(std::move(a)); }

struct cos_op {
    static constexpr char name[] = "cos";
    static constexpr char latex[] = "\\cos";
    static constexpr exact_point exact[] = {{{0}, {1}}};
    template <class A>
    static constexpr auto value(A a) { return math::cos(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return -etgrad::sin(a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto cos(A a) { return apply<cos_op>(std::move(a)); }

struct tan_op {
    static constexpr char name[] = "tan";
    static constexpr char latex[] = "\\tan";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::tan(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return math::num<1>(y) + y * y; }  // 1 + tan^2
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto tan(A a) { return apply<tan_op>(std::move(a)); }

struct asin_op {
    static constexpr char name[] = "asin";
    static constexpr char latex[] = "\\arcsin";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::asin(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<1>(a) / etgrad::sqrt(math::num<1>(a) - a * a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto asin(A a) { return apply<asin_op>(std::move(a)); }

struct acos_op {
    static constexpr char name[] = "acos";
    static constexpr char latex[] = "\\arccos";
    static constexpr exact_point exact[] = {{{1}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::acos(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<-1>(a) / etgrad::sqrt(math::num<1>(a) - a * a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto acos(A a) { return apply<acos_op>(std::move(a)); }

struct atan_op {
    static constexpr char name[] = "atan";
    static constexpr char latex[] = "\\arctan";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::atan(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<1>(a) / (math::num<1>(a) + a * a); }
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto atan(A a) { return apply<atan_op>(std::move(a)); }

struct atan2_op {
    static constexpr char name[] = "atan2";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return math::atan2(a, b); }
    // the angle of the point (b, a): d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2); on
    // numbers scaled by s = max(|a|, |b|) first, so that a^2 + b^2 neither overflows (past
    // 1e154 the partials would be 0) nor underflows
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (arithmetic<A> && arithmetic<B>) {
            using R = detail::real_t<A, B>;
            const R ar = R(a), br = R(b);
            const auto magnitude = [](R v) { return v < R(0) ? -v : v; };
            const R s = magnitude(ar) > magnitude(br) ? magnitude(ar) : magnitude(br);
            if (!(s > R(0)) || s == std::numeric_limits<R>::infinity())  // 0, NaN, inf: the formula's own result
                return I == 0 ? br / (ar * ar + br * br) : -ar / (ar * ar + br * br);
            const R as = ar / s, bs = br / s;
            return (I == 0 ? bs : -as) / (as * as + bs * bs) / s;
        } else if constexpr (I == 0) {
            return b / (a * a + b * b);
        } else {
            return -a / (a * a + b * b);
        }
    }
};
/// The angle of the point (b, a) in [-pi, pi], as torch.atan2(a, b).
template <class A, class B>
    requires operand<A> && operand<B>
[[gnu::always_inline]] constexpr auto atan2(A a, B b) { return apply<atan2_op>(std::move(a), std::move(b)); }

}  // namespace etgrad
