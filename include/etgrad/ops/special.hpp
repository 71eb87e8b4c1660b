/// @file special.hpp  erf.
#pragma once
#include <cstddef>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>

namespace etgrad {

struct erf_op {
    static constexpr char name[] = "erf";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::erf(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) {  // 2/sqrt(pi) e^{-a^2}
        return math::constant_like(1.12837916709551257389615890312154517L, a) * etgrad::exp(-(a * a));
    }
};
/// The error function 2/sqrt(pi) integral_0^a e^{-t^2} dt.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto erf(A a) { return apply<erf_op>(std::move(a)); }

}  // namespace etgrad
