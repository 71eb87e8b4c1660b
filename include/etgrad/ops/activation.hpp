/// @file activation.hpp  sigmoid, relu, abs, softplus, gelu.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/indicator.hpp>
#include <etgrad/ops/special.hpp>

namespace etgrad {

struct sigmoid_op {
    static constexpr char name[] = "sigmoid";
    static constexpr exact_point exact[] = {{{0}, {1, 2}}};
    static constexpr bool never_zero = true;
    // 1/(1 + e^-a): for a << 0, e^-a overflows to inf and the result is the correct limit 0.
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        return R(1) / (R(1) + math::exp(-R(a)));
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y * (math::num<1>(y) - y); }  // s(1-s)
};
/// 1 / (1 + e^-a)
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto sigmoid(A a) { return apply<sigmoid_op>(std::move(a)); }

struct relu_op {
    static constexpr char name[] = "relu";
    static constexpr bool exact_on_rationals = true;
    template <class A>
    static constexpr auto value(A a) { return math::select(a <= A(0), A(0), a); }  // NaN stays NaN, as in PyTorch
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return detail::step(a); }  // relu'(0) = relu'(NaN) = 0
};
/// max(a, 0); relu'(0) = 0 as in PyTorch.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto relu(A a) { return apply<relu_op>(std::move(a)); }

struct abs_op {
    static constexpr char name[] = "abs";
    static constexpr bool exact_on_rationals = true;
    template <class A>
    static constexpr auto value(A a) { return math::select(a < A(0), -a, a + A(0)); }  // abs(-0.0) = +0.0
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return detail::sign(a); }  // abs'(0) = 0
};
/// |a|; abs'(0) = 0 as in PyTorch.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto abs(A a) { return apply<abs_op>(std::move(a)); }

struct softplus_op {
    static constexpr char name[] = "softplus";
    static constexpr bool never_zero = true;
    // log(1 + e^a) = a + log(1 + e^-a) for a > 0: no overflow, and no loss of the small tail
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        const R x = R(a);
        const R t = math::log1p(math::exp(math::select(x > R(0), -x, x)));
        return math::select(x > R(0), x + t, t);
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return etgrad::sigmoid(a); }
};
/// log(1 + e^a), computed without overflow (PyTorch's softplus with beta = 1; PyTorch returns
/// a itself past a > 20, where the two differ by less than 2e-9).
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto softplus(A a) { return apply<softplus_op>(std::move(a)); }

struct gelu_op {
    static constexpr char name[] = "gelu";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    // in float, computed in double: 1 + erf(a / sqrt 2) cancels for a < -4, and the value must not
    // round to 0 where it is 1e-10 (its gradient would then divide 0 by 0 downstream)
    template <class A>
    static constexpr auto value(A a) {
        using R = detail::real_t<A>;
        using W = std::conditional_t<std::is_same_v<R, float>, double, R>;
        const W x = W(a);
        return R(x * (W(1) + math::erf(x * W(0.707106781186547524400844362104849039L))) / W(2));
    }
    // Phi(a) + a phi(a): Phi(a) = (1 + erf(a / sqrt 2)) / 2, phi(a) = e^{-a^2/2} / sqrt(2 pi)
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) {
        const auto phi = etgrad::exp(math::num<-1, 2>(a) * (a * a)) * math::constant_like(0.398942280401432677939946059934381868L, a);
        return math::num<1, 2>(a) * (math::num<1>(a) + etgrad::erf(a * math::constant_like(0.707106781186547524400844362104849039L, a))) +
               a * phi;
    }
};
/// a Phi(a), Phi the standard normal distribution function (PyTorch's gelu, approximate='none').
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto gelu(A a) { return apply<gelu_op>(std::move(a)); }

}  // namespace etgrad
