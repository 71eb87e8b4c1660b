// Your own op, in your own code: one struct with its name, value and partials (and whatever facts
// it wants to state), plus a one-line function. It then works in every engine: the static
// gradient, d() with simplification and printing, and the tape with PyTorch's grad_fn name.
#include <cmath>
#include <cstddef>
#include <iostream>

#include <etgrad/etgrad.hpp>

#include "side_by_side.hpp"

namespace my {

/// softplus(a) = log(1 + e^a), without overflow for large a; softplus' = sigmoid.
struct softplus_op {
    static constexpr char name[] = "softplus";                        // grad_fn: SoftplusBackward0
    static constexpr char latex[] = "\\log\\left(1 + e^{#1}\\right)";  // #1: the operand
    static constexpr bool never_zero = true;                          // so e/e simplifies to 1
    template <class A>
    static constexpr auto value(A a) {
        using etgrad::math::exp, etgrad::math::log1p;
        return a > A(0) ? a + log1p(exp(-a)) : log1p(exp(a));
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) { return etgrad::sigmoid(a); }
};
template <class A>
    requires etgrad::operand<A>
constexpr auto softplus(A a) { return etgrad::apply<softplus_op>(a); }

/// The smooth maximum log(e^a + e^b): its partials are the softmax weights, written with its output.
struct logaddexp_op {
    static constexpr char name[] = "logaddexp";  // PyTorch: torch.logaddexp, LogaddexpBackward0
    static constexpr char grad_fn[] = "LogaddexpBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using etgrad::math::exp, etgrad::math::log1p;
        const auto m = a > b ? a : b, n = a > b ? b : a;
        return m + log1p(exp(n - m));
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A& a, const B& b) {
        if constexpr (I == 0) return etgrad::exp(a - y);
        else return etgrad::exp(b - y);
    }
};
template <class A, class B>
    requires etgrad::operand<A> && etgrad::operand<B>
constexpr auto logaddexp(A a, B b) { return etgrad::apply<logaddexp_op>(a, b); }

}  // namespace my

int main() {
    using namespace etgrad;
    using my::logaddexp, my::softplus;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;

    std::printf("static gradient\n");
    const auto r = value_and_grad(softplus(x * y) + logaddexp(x, y), x = 0.5, y = -1.5);
    const double sig = 1 / (1 + std::exp(0.75));  // sigmoid(x*y) at the point
    const double wx = std::exp(0.5) / (std::exp(0.5) + std::exp(-1.5));
    example::compare("value", std::log1p(std::exp(-0.75)) + std::log(std::exp(0.5) + std::exp(-1.5)), r.value);
    example::compare("d/dx", sig * -1.5 + wx, r.grad[x]);
    example::compare("d/dy", sig * 0.5 + (1 - wx), r.grad[y]);

    std::printf("symbolic\n");
    std::cout << "  d/dx softplus(x*y) = " << d(softplus(x * y), x) << "\n";
    std::cout << "  d/dx logaddexp(x, y) = " << d(logaddexp(x, y), x) << "\n";
    std::cout << "  LaTeX: " << to_latex(softplus(x * y)) << "\n";
    static_assert(d(softplus(x), x) == sigmoid(x));
    static_assert(simplify(softplus(x) / softplus(x)) == 1_c);
    example::compare("d2/dx2 softplus at 0.3", 1 / (1 + std::exp(-0.3)) * (1 - 1 / (1 + std::exp(-0.3))),
                     d(d(softplus(x), x), x)(x = 0.3));

    std::printf("tape\n");
    Tensor a = tensor({-1.0, 0.0, 30.0}, requires_grad);
    Tensor s = softplus(a);
    std::cout << "  " << s << "\n";
    sum(s).backward();
    std::cout << "  grad " << a.grad() << "\n";
    for (int k = 0; k < 3; ++k) {
        const double v = a.to_vector()[std::size_t(k)];
        example::compare("  softplus' = sigmoid", 1 / (1 + std::exp(-v)), a.grad().to_vector()[std::size_t(k)]);
    }
    Tensor p = tensor(1.0, requires_grad), q = tensor(2.0, requires_grad);
    Tensor m = logaddexp(p, q);
    std::cout << "  " << m << "\n";
    m.backward();
    example::compare("  d/dp + d/dq = 1", 1.0, p.grad().item() + q.grad().item());
    return example::done();
}
