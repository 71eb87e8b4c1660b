// Tensor as T in generic numerical code: a Newton iteration and an Euler loop written once for
// double and Tensor, whose tape gradients match finite differences of the double version.
#include <cmath>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
/// sqrt(a) by Newton's iteration, stopping on a run-time test: a graph known only at run time.
template <class T>
T newton_sqrt(const T& a) {
    T x = 1.0;
    for (int i = 0; i < 50; ++i) {
        x -= (x * x - a) / (2.0 * x);
        if (abs(x * x - a) < 1e-14) break;
    }
    return x;
}
/// y' = -k y from y(0) = 1, n explicit Euler steps of h.
template <class T>
T euler(const T& k, int n, double h) {
    T y = 1.0;
    for (int i = 0; i < n; ++i) y += h * (-k * y);
    return y;
}
template <class F>
double central_difference(F f, double v) {
    const double h = 1e-6;
    return (f(v + h) - f(v - h)) / (2 * h);
}
}  // namespace

TEST_CASE("a templated Newton iteration runs on Tensors and its gradient is right", "[tape][generic]") {
    Tensor a = tensor(2.0, requires_grad);
    Tensor r = newton_sqrt(a);
    CHECK_THAT(r.item(), WithinRel(std::sqrt(2.0), 1e-15));
    CHECK(r.item() == newton_sqrt(2.0));
    r.backward();
    CHECK_THAT(a.grad().item(), WithinRel(central_difference([](double v) { return newton_sqrt(v); }, 2.0), 1e-8));
    CHECK_THAT(a.grad().item(), WithinRel(0.5 / std::sqrt(2.0), 1e-12));
}

TEST_CASE("a templated Euler loop runs on Tensors and its gradient is right", "[tape][generic]") {
    Tensor k = tensor(0.7, requires_grad);
    Tensor y = euler(k, 100, 0.01);
    CHECK_THAT(y.item(), WithinRel(euler(0.7, 100, 0.01), 1e-15));
    y.backward();
    CHECK_THAT(k.grad().item(), WithinRel(central_difference([](double v) { return euler(v, 100, 0.01); }, 0.7), 1e-8));
}

TEST_CASE("Tensors compare with numbers and Tensors like their one value", "[tape][generic]") {
    Tensor t = tensor(1.5, requires_grad);
    CHECK(t < 2.0);
    CHECK(2.0 > t);
    CHECK(t >= 1.5);
    CHECK(t == 1.5);
    CHECK(t != 2);
    CHECK(t < tensor(3.0));
    CHECK_FALSE(t > t);
    const double nan = std::nan("");
    CHECK_FALSE(t < nan);
    CHECK_FALSE(t >= nan);
    CHECK_THROWS_AS(tensor({1.0, 2.0}) < 3.0, shape_error);
    Tensor n = 3;  // construction from a number: a leaf without grad
    CHECK(n.item() == 3.0);
    CHECK_FALSE(n.requires_grad());
    n = 4.5;
    CHECK(n == 4.5);
}

TEST_CASE("compound assignment records, updates in place without grad, and refuses a leaf that requires grad",
          "[tape][generic]") {
    Tensor w = tensor(1.0, requires_grad);
    CHECK_THROWS_AS(w += 1.0, autograd_error);
    Tensor alias = w;
    {
        no_grad_guard guard;
        w -= 0.25;  // an optimizer's update: in place, every handle sees it
        w *= 2.0;
    }
    CHECK(w.item() == 1.5);
    CHECK(alias.item() == 1.5);
    CHECK(w.is_leaf());
    CHECK(w.requires_grad());
    Tensor h = w * 2.0;
    h += w;  // recorded like h = h + w
    CHECK(h.grad_fn() == "AddBackward0");
    h /= 3.0;
    h.backward();
    CHECK(w.grad().item() == 1.0);  // (2w + w) / 3
    Tensor v = tensor({1.0, 2.0});
    v += tensor({10.0, 20.0});
    CHECK(v.to_vector() == std::vector<double>{11.0, 22.0});
    CHECK_THROWS_AS(v += tensor({{1.0, 2.0}, {3.0, 4.0}}), shape_error);  // would broadcast to [2, 2]
}
