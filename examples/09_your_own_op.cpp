// Your own op, in your own code: one struct with its name, value and partials (and whatever facts
// it wants to state), plus a one-line function. It then works in every engine: the static
// gradient, d() with simplification and printing, and the tape with PyTorch's grad_fn name.
#include <cmath>
#include <cstddef>
#include <iostream>

#include <etgrad/etgrad.hpp>

#include "side_by_side.hpp"

namespace my {

/// silu(a) = a sigmoid(a) (PyTorch's SiLU); its derivative s (1 + a - y), s = sigmoid(a), uses its output.
struct silu_op {
    static constexpr char name[] = "silu";                                     // grad_fn: SiluBackward0
    static constexpr char latex[] = "\\operatorname{SiLU}\\left(#1\\right)";  // #1: the operand
    static constexpr etgrad::exact_point exact[] = {{{0}, {0}}};               // silu(0) = 0
    template <class A>
    static constexpr auto value(A a) { return a / (1 + etgrad::math::exp(-a)); }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y& y, const A& a) {
        return etgrad::sigmoid(a) * (etgrad::math::num<1>(a) + a - y);
    }
};
template <class A>
    requires etgrad::operand<A>
constexpr auto silu(A a) { return etgrad::apply<silu_op>(a); }

/// The smooth maximum log(e^a + e^b): its partials are the softmax weights, written with its output.
struct logaddexp_op {
    static constexpr char name[] = "logaddexp";  // PyTorch: torch.logaddexp, LogaddexpBackward0
    static constexpr char grad_fn[] = "LogaddexpBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        using etgrad::math::exp, etgrad::math::log1p;
        const auto m = etgrad::math::select(a > b, a, b), n = etgrad::math::select(a > b, b, a);  // lane-wise on packs
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
    using my::logaddexp, my::silu;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;

    std::printf("static gradient\n");
    const auto r = value_and_grad(silu(x * y) + logaddexp(x, y), x = 0.5, y = -1.5);
    const double z = -0.75, sig = 1 / (1 + std::exp(-z));  // x*y and sigmoid(x*y) at the point
    const double dsilu = sig * (1 + z * (1 - sig));         // silu'(z)
    const double wx = std::exp(0.5) / (std::exp(0.5) + std::exp(-1.5));
    example::compare("value", z * sig + std::log(std::exp(0.5) + std::exp(-1.5)), r.value);
    example::compare("d/dx", dsilu * -1.5 + wx, r.grad[x]);
    example::compare("d/dy", dsilu * 0.5 + (1 - wx), r.grad[y]);

    std::printf("symbolic\n");
    std::cout << "  d/dx silu(x*y) = " << d(silu(x * y), x) << "\n";
    std::cout << "  d/dx logaddexp(x, y) = " << d(logaddexp(x, y), x) << "\n";
    std::cout << "  LaTeX: " << to_latex(silu(x * y)) << "\n";
    static_assert(simplify(silu(0_c)) == 0_c);  // its exact value
    static_assert(d(silu(x), x) == sigmoid(x) * (1_c + x - silu(x)));
    const double s3 = 1 / (1 + std::exp(-0.3));
    example::compare("d2/dx2 silu at 0.3", s3 * (1 - s3) * (2 + 0.3 * (1 - 2 * s3)), d(d(silu(x), x), x)(x = 0.3));

    std::printf("tape\n");
    Tensor a = tensor({-1.0, 0.0, 30.0}, requires_grad);
    Tensor s = silu(a);
    std::cout << "  " << s << "\n";
    sum(s).backward();
    std::cout << "  grad " << a.grad() << "\n";
    for (int k = 0; k < 3; ++k) {
        const double v = a.to_vector()[std::size_t(k)];
        const double sv = 1 / (1 + std::exp(-v));
        example::compare("  silu' = s (1 + a (1 - s))", sv * (1 + v * (1 - sv)), a.grad().to_vector()[std::size_t(k)]);
    }
    Tensor p = tensor(1.0, requires_grad), q = tensor(2.0, requires_grad);
    Tensor m = logaddexp(p, q);
    std::cout << "  " << m << "\n";
    m.backward();
    example::compare("  d/dp + d/dq = 1", 1.0, p.grad().item() + q.grad().item());
    return example::done();
}
