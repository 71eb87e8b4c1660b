// Ops of Tensors as expressions: recorded when they become a Tensor, as one statement for scalar
// operands (with the gradient op by op gives), op by op for tensors and float32, never dangling.
#include <cmath>
#include <type_traits>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
/// Statements recorded on this thread's tape so far (leaves count when first used).
std::uint32_t statements() { return detail::state().count; }

/// x added to itself K + 1 times, as one expression of K + 1 Tensors.
template <int K>
auto repeated_sum(const Tensor& x) {
    if constexpr (K == 0) return x * 1.0;
    else return repeated_sum<K - 1>(x) + x;
}

/// The same function written once as one expression and once op by op, each intermediate a
/// named Tensor: values and gradients must agree.
template <class F, class G>
void agrees_with_op_by_op(F fused, G stepwise, std::vector<double> at) {
    std::vector<Tensor> a, b;
    for (double v : at) {
        a.push_back(tensor(v, requires_grad));
        b.push_back(tensor(v, requires_grad));
    }
    Tensor y = fused(a);
    Tensor z = stepwise(b);
    CHECK_THAT(y.item(), WithinRel(z.item(), 1e-15));
    y.backward();
    z.backward();
    for (std::size_t i = 0; i < at.size(); ++i) {
        const bool has = b[i].grad().defined();
        REQUIRE(a[i].grad().defined() == has);
        if (has) CHECK_THAT(a[i].grad().item(), WithinRel(b[i].grad().item(), 1e-14) || WithinAbs(b[i].grad().item(), 1e-300));
    }
}
}  // namespace

TEST_CASE("an expression of scalar Tensors is one statement named by its outermost op", "[tape][expression]") {
    Tensor x = tensor(0.7, requires_grad), w = tensor(-1.3, requires_grad);
    Tensor warm = x * w;  // registers both leaves
    const std::uint32_t before = statements();
    Tensor y = x + w * sin(x);
    CHECK(statements() == before + 1);
    CHECK(y.grad_fn() == "AddBackward0");
    y.backward();
    CHECK_THAT(x.grad().item(), WithinRel(1.0 + -1.3 * std::cos(0.7), 1e-15));
    CHECK_THAT(w.grad().item(), WithinRel(std::sin(0.7), 1e-15));
    Tensor l = bce(sigmoid(w * 6.7 + x), tensor(0.0));
    CHECK(l.grad_fn() == "BinaryCrossEntropyBackward0");
    static_assert(std::is_same_v<decltype(bce(sigmoid(w * 6.7 + x), tensor(0.0))), Tensor>,
                  "a loss is recorded when it is applied");
    static_assert(!std::is_same_v<decltype(x * w), Tensor>, "an op of Tensors is an expression");
}

TEST_CASE("an expression's gradient is the op-by-op gradient", "[tape][expression]") {
    agrees_with_op_by_op([](const std::vector<Tensor>& v) -> Tensor { return v[0] + v[1] * sin(v[0]); },
                         [](const std::vector<Tensor>& v) {
                             Tensor s = sin(v[0]);
                             Tensor p = v[1] * s;
                             return Tensor(v[0] + p);
                         },
                         {0.4, 2.5});
    // an input used many times, numbers, an integer power, kinks at their PyTorch conventions
    agrees_with_op_by_op(
        [](const std::vector<Tensor>& v) -> Tensor {
            return pow(v[0], 3) * v[1] - relu(v[2]) * v[0] + clamp(v[1], 0.0, 2.0) / (1.0 + exp(-v[0]));
        },
        [](const std::vector<Tensor>& v) {
            Tensor p = pow(v[0], 3);
            Tensor a = p * v[1];
            Tensor r = relu(v[2]);
            Tensor b = r * v[0];
            Tensor c = clamp(v[1], 0.0, 2.0);
            Tensor e = exp(-v[0]);
            Tensor d = 1.0 + e;
            Tensor q = c / d;
            Tensor m = a - b;
            return Tensor(m + q);
        },
        {1.5, 2.0, 0.0});  // relu'(0) = 0; clamp passes the gradient at its bound 2
    // a result that does not require grad in the middle of one
    agrees_with_op_by_op([](const std::vector<Tensor>& v) -> Tensor { return tanh(v[0] * v[1].detach()) * v[0]; },
                         [](const std::vector<Tensor>& v) {
                             Tensor d = v[1].detach();
                             Tensor p = v[0] * d;
                             Tensor t = tanh(p);
                             return Tensor(t * v[0]);
                         },
                         {0.3, -0.8});
}

TEST_CASE("an expression of more Tensors than one statement takes is recorded in parts", "[tape][expression]") {
    Tensor x = tensor(0.5, requires_grad);
    Tensor y = repeated_sum<40>(x);  // 41 Tensors: past the 32 operands of one statement
    CHECK(y.item() == 41 * 0.5);
    y.backward();
    CHECK(x.grad().item() == 41.0);
}

TEST_CASE("an expression with tensors or float32 records op by op, as PyTorch does", "[tape][expression]") {
    Tensor v = tensor({1.0, 2.0, 3.0}, requires_grad);
    Tensor s = tensor(2.0, requires_grad);
    Tensor y = sin(v) * s + s;
    CHECK(y.grad_fn() == "AddBackward0");
    sum(y).backward();
    const auto g = v.grad().to_vector();
    for (std::size_t i = 0; i < 3; ++i) CHECK_THAT(g[i], WithinRel(2.0 * std::cos(double(i + 1)), 1e-15));
    CHECK_THAT(s.grad().item(), WithinRel(std::sin(1.0) + std::sin(2.0) + std::sin(3.0) + 3.0, 1e-15));

    Tensor f = tensor(1.5f, requires_grad);
    Tensor z = f * f + 1.0;
    CHECK(z.dtype() == float32);
    z.backward();
    CHECK(f.grad().item() == 3.0);

    Tensor a = tensor({1.0, 2.0}), b = tensor({1.0, 2.0, 3.0});
    CHECK_THROWS_AS(Tensor(sin(a) + b), shape_error);
    Tensor after = s * s + 1.0;  // the tape goes on after a refused op
    CHECK(after.item() == 5.0);
}

TEST_CASE("an expression holds its Tensors, so it outlives the handles it was made from", "[tape][expression]") {
    Tensor x = tensor(1.25, requires_grad);
    // the parameter and the local die before the expression becomes a Tensor
    auto square_plus = [](Tensor a) {
        Tensor local = a * 2.0;
        return local * a + 1.0;
    };
    Tensor y = square_plus(x);
    CHECK(y.item() == 2.0 * 1.25 * 1.25 + 1.0);
    y.backward();
    CHECK(x.grad().item() == 4.0 * 1.25);
    // an expression kept as a variable becomes a Tensor when moved
    auto e = x * x;
    Tensor z = std::move(e);
    CHECK(z.item() == 1.25 * 1.25);
}

TEST_CASE("an expression is recorded where it becomes a Tensor", "[tape][expression]") {
    Tensor x = tensor(3.0, requires_grad);
    Tensor y;
    {
        no_grad_guard guard;
        y = x * x + 1.0;
    }
    CHECK_FALSE(y.requires_grad());
    CHECK(y.item() == 10.0);
    // a temporary expression reads as its Tensor would
    CHECK((x * x).item() == 9.0);
    CHECK((x * x).grad_fn() == "MulBackward0");
    CHECK((sin(x) < 2.0));
    (x * x).backward();
    CHECK(x.grad().item() == 6.0);
    // refused on a leaf that requires grad, as in PyTorch, whatever the operand
    CHECK_THROWS_AS(x += 0.0 * x, autograd_error);
    CHECK(x.item() == 3.0);
}
