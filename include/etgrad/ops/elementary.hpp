/// @file elementary.hpp  exp, expm1, log, log1p, sqrt, pow, square.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/arithmetic.hpp>

namespace etgrad {

struct exp_op {
    static constexpr char name[] = "exp";
    static constexpr char latex[] = "\\exp";
    static constexpr exact_point exact[] = {{{0}, {1}}};
    static constexpr bool never_zero = true;
    template <class A>
    static constexpr auto value(A a) { return math::exp(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y; }  // exp' = exp, reusing the output
};
/// e^a
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto exp(A a) { return apply<exp_op>(std::move(a)); }

struct expm1_op {
    static constexpr char name[] = "expm1";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::expm1(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y + math::num<1>(y); }  // e^a = y + 1
};
/// e^a - 1, accurate for small a.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto expm1(A a) { return apply<expm1_op>(std::move(a)); }

struct log_op {
    static constexpr char name[] = "log";
    static constexpr char latex[] = "\\log";
    static constexpr exact_point exact[] = {{{1}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::log(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<1>(a) / a; }
};
/// The natural logarithm.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto log(A a) { return apply<log_op>(std::move(a)); }

struct log1p_op {
    static constexpr char name[] = "log1p";
    static constexpr char grad_fn[] = "Log1PBackward0";
    static constexpr exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) { return math::log1p(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<1>(a) / (math::num<1>(a) + a); }
};
/// log(1 + a), accurate for small a.
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto log1p(A a) { return apply<log1p_op>(std::move(a)); }

struct sqrt_op {
    static constexpr char name[] = "sqrt";
    static constexpr char latex[] = "\\sqrt{#1}";
    static constexpr exact_point exact[] = {{{0}, {0}}, {{1}, {1}}};
    template <class A>
    static constexpr auto value(A a) { return math::sqrt(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return math::num<1, 2>(y) / y; }  // 1/(2 sqrt a)
};
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto sqrt(A a) { return apply<sqrt_op>(std::move(a)); }

struct pow_op {
    static constexpr char name[] = "pow";
    static constexpr notation form = notation::power;
    static constexpr char infix[] = "^";
    /// PowBackward1 when the exponent is a tensor.
    template <class A, class B>
    static constexpr const char* grad_fn_for() { return arithmetic<B> ? "PowBackward0" : "PowBackward1"; }

    template <class A, class B>
    static constexpr auto value(A a, B b) {
        if constexpr (std::is_integral_v<B>)
            return math::ipow(a, b);
        else
            return math::pow(a, b);
    }
    // d a^b / da = b a^(b-1);  d a^b / db = a^b log a
    // On numbers: an integer exponent multiplies (pow(t, 2) on the tape must not call std::pow),
    // and PyTorch's pow_backward conventions hold: d a^0 / da = 0 even at a = 0 (not 0 * 0^-1 =
    // NaN), and d a^b / db = 0 at a = 0 for b >= 0 (not 0 * log 0 = NaN).
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A& a, const B& b) {
        if constexpr (I == 0 && detail::number_like<A> && detail::number_like<B>) {
            using R = decltype(value(a, b));
            if constexpr (std::is_integral_v<B>) {
                if (b == B(0)) return R(0);
                return R(R(b) * math::ipow(a, static_cast<long long>(b) - 1));
            } else {
                return math::select(b == B(0), R(0), R(b * math::pow(a, b - math::num<1>(b))));
            }
        } else if constexpr (I == 0) {
            return b * apply<pow_op>(a, b - math::num<1>(b));
        } else if constexpr (detail::number_like<A> && detail::number_like<B>) {  // PyTorch: 0 where a = 0 and b >= 0
            using R = decltype(value(a, b));
            return math::select((a == A(0)) && (b >= B(0)), R(0), R(y * math::log(a)));
        } else {
            return y * etgrad::log(a);
        }
    }
};
/// a^b: an integer exponent (int, c<2>, 2_c) is evaluated by multiplication.
template <class A, class B>
    requires operand<A> && operand<B>
[[gnu::always_inline]] constexpr auto pow(A a, B b) { return apply<pow_op>(std::move(a), std::move(b)); }

struct square_op {
    static constexpr char name[] = "square";
    static constexpr char grad_fn[] = "PowBackward0";  // torch.square is pow(a, 2)
    template <class A>
    static constexpr auto value(A a) { return a * a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return math::num<2>(a) * a; }
    template <class A>
    static constexpr auto rewrite(const A& a) { return apply<pow_op>(a, c<2>); }
};
/// a * a
template <class A>
    requires operand<A>
[[gnu::always_inline]] constexpr auto square(A a) { return apply<square_op>(std::move(a)); }

}  // namespace etgrad
