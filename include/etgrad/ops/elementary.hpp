/// @file elementary.hpp  exp, log, log1p, sqrt, square, pow.
#pragma once
#include <type_traits>

#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/math.hpp>
#include <etgrad/ops/arithmetic.hpp>

namespace etgrad {

struct exp_op;
struct log_op;
struct log1p_op;
struct sqrt_op;
struct square_op;
struct pow_op;

template <operand A>
constexpr auto exp(const A& a) { return apply<exp_op>(a); }
template <operand A>
constexpr auto log(const A& a) { return apply<log_op>(a); }
template <operand A>
constexpr auto log1p(const A& a) { return apply<log1p_op>(a); }
template <operand A>
constexpr auto sqrt(const A& a) { return apply<sqrt_op>(a); }
template <operand A>
constexpr auto square(const A& a) { return apply<square_op>(a); }
/// pow(a, b): an integer exponent (int, c<2>, 2_c) is evaluated by multiplication.
template <operand A, operand B>
constexpr auto pow(const A& a, const B& b) { return apply<pow_op>(a, b); }

struct exp_op {
    static constexpr char name[] = "exp";
    template <class A>
    static constexpr auto value(A a) { return math::exp(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return y; }  // exp' = exp, reusing the output
};
struct log_op {
    static constexpr char name[] = "log";
    template <class A>
    static constexpr auto value(A a) { return math::log(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return num<1>(a) / a; }
};
struct log1p_op {
    static constexpr char name[] = "log1p";
    template <class A>
    static constexpr auto value(A a) { return math::log1p(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return num<1>(a) / (num<1>(a) + a); }
};
struct sqrt_op {
    static constexpr char name[] = "sqrt";
    template <class A>
    static constexpr auto value(A a) { return math::sqrt(a); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A&) { return num<1, 2>(y) / y; }  // 1/(2 sqrt a)
};
struct square_op {
    static constexpr char name[] = "square";
    template <class A>
    static constexpr auto value(A a) { return a * a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return num<2>(a) * a; }
};
struct pow_op {
    static constexpr char name[] = "pow";
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
        if constexpr (I == 0 && arithmetic<A> && arithmetic<B>) {
            using R = decltype(value(a, b));
            if (b == B(0)) return R(0);
            if constexpr (std::is_integral_v<B>) return R(R(b) * math::ipow(a, b - 1));
            else return R(b * math::pow(a, b - num<1>(b)));
        } else if constexpr (I == 0) {
            return b * pow(a, b - num<1>(b));
        } else if constexpr (arithmetic<A> && arithmetic<B>) {  // PyTorch: 0 where a = 0 and b >= 0
            using R = decltype(value(a, b));
            return (a == A(0) && b >= B(0)) ? R(0) : R(y * log(a));
        } else {
            return y * log(a);
        }
    }
};

}  // namespace etgrad
