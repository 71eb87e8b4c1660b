// Shapes, indexing and classification ops on the tape: values, grad_fn names and messages as in
// PyTorch (values printed by PyTorch 1.13 in float64), gradients against central differences.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
using op_fn = std::function<Tensor(const Tensor&)>;

std::vector<double> values(const Tensor& t) {
    const Tensor flat = flatten(t.detach());
    return std::vector<double>(flat.data(), flat.data() + flat.numel());
}

/// d/dx of sum(f(x) * w) for fixed weights w, by backward and by central differences.
void check_gradient(const op_fn& f, std::vector<double> x, const std::vector<std::int64_t>& shape) {
    Tensor leaf = from_vector(x, shape).requires_grad_();
    Tensor out = f(leaf);
    std::vector<double> w(std::size_t(out.numel()));
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = 0.5 + 0.37 * double(k % 7) - 0.11 * double(k % 3);
    const Tensor weights = from_vector(w, out.shape());
    sum(out * weights).backward();
    const std::vector<double> g = values(leaf.grad());
    auto loss = [&](const std::vector<double>& at) {
        no_grad_guard guard;
        return sum(f(from_vector(at, shape)) * weights).item();
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double h = 1e-6 * (1 + std::fabs(x[i])), xi = x[i];
        x[i] = xi + h;
        const double up = loss(x);
        x[i] = xi - h;
        const double down = loss(x);
        x[i] = xi;
        INFO("element " << i);
        CHECK_THAT(g[i], WithinAbs((up - down) / (2 * h), 1e-7 * (1 + std::fabs(g[i]))));
    }
}

const std::vector<double> x23 = {1, 2, 3, 3, 0.5, -1};
}  // namespace

TEST_CASE("reshape, flatten, unsqueeze, squeeze keep the elements in order", "[tape][shape]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    CHECK(reshape(a, {3, -1}).shape() == std::vector<std::int64_t>{3, 2});
    CHECK(values(reshape(a, {3, 2})) == x23);
    CHECK(reshape(a, {6}).grad_fn() == "ViewBackward0");
    CHECK(flatten(a).shape() == std::vector<std::int64_t>{6});
    CHECK(unsqueeze(a[0], 0).shape() == std::vector<std::int64_t>{1, 3});
    CHECK(unsqueeze(a[0], -1).shape() == std::vector<std::int64_t>{3, 1});
    CHECK(unsqueeze(a[0], 1).grad_fn() == "UnsqueezeBackward0");
    CHECK(squeeze(unsqueeze(a[0], 0)).shape() == std::vector<std::int64_t>{3});
    CHECK(squeeze(from_vector({2.0}, {1, 1})).dim() == 0);
    CHECK(squeeze(a, 0).shape() == std::vector<std::int64_t>{2, 3});  // size 2: unchanged
    CHECK_THROWS_WITH(reshape(a, {4, -1}), etgrad_test::contains("shape '[4, -1]' is invalid for input of size 6"));
    CHECK_THROWS_WITH(reshape(a, {-1, -1}), etgrad_test::contains("only one dimension can be inferred"));
    CHECK_THROWS_AS(unsqueeze(a, 0), shape_error);  // at most 2 dimensions
    check_gradient([](const Tensor& t) { return reshape(t, {3, 2}); }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return squeeze(unsqueeze(flatten(t), 1), 1); }, x23, {2, 3});
}

TEST_CASE("transpose, t[i], select, narrow and index_select pick the elements PyTorch picks", "[tape][shape]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    CHECK(values(transpose(a)) == std::vector<double>{1, 3, 2, 0.5, 3, -1});
    CHECK(transpose(a).grad_fn() == "TransposeBackward0");
    CHECK(values(a[1]) == std::vector<double>{3, 0.5, -1});
    CHECK(a[-1][0].item() == 3.0);
    CHECK(a[0][2].grad_fn() == "SelectBackward0");
    CHECK(values(select(a, 1, 2)) == std::vector<double>{3, -1});
    CHECK(values(narrow(a, 1, 1, 2)) == std::vector<double>{2, 3, 0.5, -1});
    CHECK(narrow(a, 0, 1, 1).grad_fn() == "SliceBackward0");
    CHECK(values(index_select(a, 0, {1, 0, 1})) == std::vector<double>{3, 0.5, -1, 1, 2, 3, 3, 0.5, -1});
    CHECK(values(index_select(a, 1, {2})) == std::vector<double>{3, -1});
    CHECK_THROWS_WITH(a[2], etgrad_test::contains("index 2 is out of bounds for dimension 0 with size 2"));
    CHECK_THROWS_WITH(select(a, 2, 0), etgrad_test::contains("dimension out of range"));
    CHECK_THROWS_WITH(narrow(a, 1, 2, 2), etgrad_test::contains("exceeds dimension size (3)"));
    CHECK_THROWS_WITH(index_select(a, 0, {2}), etgrad_test::contains("index 2 is out of bounds"));
    check_gradient([](const Tensor& t) { return transpose(t); }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return t[1] * t[0]; }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return narrow(t, 1, 1, 2); }, x23, {2, 3});
    // a row picked twice gets both gradients
    check_gradient([](const Tensor& t) { return index_select(t, 0, {1, 0, 1}); }, x23, {2, 3});
}

TEST_CASE("cat and stack join tensors; mini-batches by slicing", "[tape][shape]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    const Tensor b = from_vector({7, 8, 9}, {1, 3});
    CHECK(values(cat({a, b})) == std::vector<double>{1, 2, 3, 3, 0.5, -1, 7, 8, 9});
    CHECK(values(cat({a, a}, 1)) == std::vector<double>{1, 2, 3, 1, 2, 3, 3, 0.5, -1, 3, 0.5, -1});
    CHECK(cat({a, b}).grad_fn() == "CatBackward0");
    CHECK(values(stack({a[0], a[1]}, 1)) == std::vector<double>{1, 3, 2, 0.5, 3, -1});
    CHECK(stack({a[0], a[1]}).grad_fn() == "StackBackward0");
    CHECK_THROWS_WITH(cat({a, from_vector({1.0, 2.0}, {1, 2})}), etgrad_test::contains("sizes of tensors must match"));
    CHECK_THROWS_WITH(stack({a[0], b}), etgrad_test::contains("stack expects each tensor to be equal size"));
    check_gradient([&](const Tensor& t) { return cat({t, b, t}); }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return stack({t[1], t[0]}, 1); }, x23, {2, 3});
    // 300 pieces: more than one node's inputs
    std::vector<double> many(300);
    for (std::size_t i = 0; i < many.size(); ++i) many[i] = double(i);
    const Tensor v = from_vector(many, {300}).requires_grad_();
    std::vector<Tensor> parts;
    for (std::int64_t i = 0; i < 300; ++i) parts.push_back(narrow(v, 0, i, 1));
    Tensor joined = cat(parts);
    CHECK(values(joined) == many);
    sum(joined * joined).backward();
    CHECK(v.grad()[299].item() == 2.0 * 299);
}

TEST_CASE("sum and mean keep a dimension with keepdim", "[tape][shape]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    CHECK(sum(a, 1, true).shape() == std::vector<std::int64_t>{2, 1});
    CHECK(mean(a, 0, true).shape() == std::vector<std::int64_t>{1, 3});
    CHECK(sum(a, -1, true).grad_fn() == "SumBackward1");
    CHECK(values(a - mean(a, 1, true)) ==
          std::vector<double>{-1, 0, 1, 2.1666666666666665, -0.33333333333333337, -1.8333333333333335});
    check_gradient([](const Tensor& t) { return t / sum(t * t, 1, true); }, x23, {2, 3});
}

TEST_CASE("amax, amin, argmax and argmin along a dimension", "[tape][classify]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    CHECK(values(amax(a, 1)) == std::vector<double>{3, 3});
    CHECK(values(amin(a, 0)) == std::vector<double>{1, 0.5, -1});
    CHECK(amax(a, 1).grad_fn() == "AmaxBackward0");
    CHECK(values(argmax(a, 1)) == std::vector<double>{2, 0});
    CHECK(values(argmin(a, 0)) == std::vector<double>{0, 1, 1});
    CHECK(amax(a, 1, true).shape() == std::vector<std::int64_t>{2, 1});
    const Tensor y = from_vector({1, 3, 3}, {3}).requires_grad_();
    amax(y, 0).backward();
    CHECK(values(y.grad()) == std::vector<double>{0, 0.5, 0.5});  // ties share it, as torch.amax
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(std::isnan(amax(from_vector({1, nan, 3}, {3}), 0).item()));  // NaN propagates
    CHECK(argmax(from_vector({1, nan, 3}, {3}), 0).item() == 1.0);
    check_gradient([](const Tensor& t) { return amax(t, 1) * amin(t, 0)[1]; }, x23, {2, 3});
}

TEST_CASE("logsumexp, softmax and log_softmax match PyTorch and stay finite", "[tape][classify]") {
    const Tensor a = from_vector(x23, {2, 3}).requires_grad_();
    const std::vector<double> lse = values(logsumexp(a, 1));
    CHECK_THAT(lse[0], WithinRel(3.4076059644443806, 1e-15));
    CHECK_THAT(lse[1], WithinRel(3.0956743294143823, 1e-15));
    CHECK(logsumexp(a, 1).grad_fn() == "LogsumexpBackward0");
    const std::vector<double> sm = values(softmax(a, 1));
    CHECK_THAT(sm[0], WithinRel(0.09003057317038045, 1e-14));
    CHECK_THAT(sm[3], WithinRel(0.9087599242585133, 1e-14));
    CHECK_THAT(sm[0] + sm[1] + sm[2], WithinRel(1.0, 1e-15));
    CHECK(softmax(a, 1).grad_fn() == "SoftmaxBackward0");
    CHECK(log_softmax(a, 0).grad_fn() == "LogSoftmaxBackward0");
    // shifted by the maximum: no overflow at 1000, and a row of -inf stays -inf
    const double inf = std::numeric_limits<double>::infinity();
    CHECK_THAT(logsumexp(from_vector({1000, 1000}, {2}), 0).item(), WithinRel(1000 + std::log(2.0), 1e-15));
    CHECK(logsumexp(from_vector({-inf, -inf}, {2}), 0).item() == -inf);
    check_gradient([](const Tensor& t) { return logsumexp(t, 1); }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return softmax(t, 0); }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return log_softmax(t, 1); }, x23, {2, 3});
}

TEST_CASE("cross_entropy and nll_loss match PyTorch", "[tape][classify]") {
    const Tensor logits = from_vector(x23, {2, 3}).requires_grad_();
    Tensor l = cross_entropy(logits, {2, 0});
    CHECK(l.grad_fn() == "NllLossBackward0");
    CHECK_THAT(l.item(), WithinRel(0.25164014692938136, 1e-14));
    l.backward();
    const std::vector<double> g = values(logits.grad());  // (softmax - onehot) / N
    CHECK_THAT(g[0], WithinRel(0.04501528658519022, 1e-13));
    CHECK_THAT(g[2], WithinRel(-0.1673795221125891, 1e-13));
    CHECK_THAT(g[3], WithinRel(-0.04562003787074337, 1e-13));
    CHECK_THAT(nll_loss(log_softmax(logits, 1), {2, 0}).item(), WithinRel(l.item(), 1e-15));
    CHECK_THROWS_WITH(cross_entropy(logits, {3, 0}), etgrad_test::contains("Target 3 is out of bounds."));
    CHECK_THROWS_WITH(cross_entropy(logits, {0}), etgrad_test::contains("to match target batch_size (1)"));
    check_gradient([](const Tensor& t) { return cross_entropy(t, {1, 2}); }, x23, {2, 3});
}

TEST_CASE("norm: the 2-norm without overflow, gradient t / norm and 0 at zero, as PyTorch", "[tape][classify]") {
    Tensor v = from_vector({3, 4}, {2}).requires_grad_();
    Tensor n = norm(v);
    CHECK(n.item() == 5.0);
    CHECK(n.grad_fn() == "LinalgVectorNormBackward0");
    n.backward();
    CHECK(values(v.grad()) == std::vector<double>{0.6, 0.8});
    CHECK_THAT(norm(from_vector({3e200, 4e200}, {2})).item(), WithinRel(5e200, 1e-15));
    CHECK_THAT(norm(from_vector({3e-200, 4e-200}, {2})).item(), WithinRel(5e-200, 1e-15));
    Tensor z = zeros({3}).requires_grad_();
    norm(z).backward();
    CHECK(values(z.grad()) == std::vector<double>{0, 0, 0});
    CHECK(std::isnan(norm(from_vector({1, std::numeric_limits<double>::quiet_NaN(), 3}, {3})).item()));
    check_gradient([](const Tensor& t) { return norm(t) * t; }, x23, {2, 3});
}

TEST_CASE("t.t() and t.reshape(...) as members", "[tape][shape]") {
    const Tensor a = from_vector(x23, {2, 3});
    CHECK(values(a.t()) == values(transpose(a)));
    CHECK(a.reshape({3, 2}).shape() == std::vector<std::int64_t>{3, 2});
    // t() of a vector or a scalar is the tensor unchanged, as in PyTorch; its grad_fn is TBackward0
    const Tensor v = tensor({1.0, 2.0}, requires_grad);
    CHECK(v.t().shape() == std::vector<std::int64_t>{2});
    CHECK(v.t().grad_fn() == "TBackward0");
    CHECK(from_vector(x23, {2, 3}).requires_grad_().t().grad_fn() == "TBackward0");
    CHECK(tensor(3.0).t().item() == 3.0);
}

TEST_CASE("view shares the storage: changes through either are seen by both; its gradient as reshape's",
          "[tape][shape][view]") {
    Tensor x = from_vector(x23, {2, 3}).requires_grad_();
    Tensor v = x.view({3, -1});
    CHECK(v.shape() == std::vector<std::int64_t>{3, 2});
    CHECK(v.grad_fn() == "ViewBackward0");
    CHECK(values(v) == values(x));
    const Tensor w = from_vector({1, 2, 3, 4, 5, 6}, {3, 2});
    sum(v * w).backward();
    CHECK(values(x.grad()) == std::vector<double>{1, 2, 3, 4, 5, 6});
    {
        no_grad_guard guard;
        v += 1.0;  // through the view: the base sees it
        CHECK(x.to_vector()[0] == x23[0] + 1);
        x *= 2.0;  // through the base: the view sees it
        CHECK(v.to_vector()[5] == (x23[5] + 1) * 2);
        CHECK(view(x, {6}).grad_fn().empty());  // not recorded under no_grad
    }
    // a view without grad shares too, and outlives its base
    Tensor kept;
    {
        Tensor base = from_vector({1.0, 2.0, 3.0, 4.0}, {4});
        kept = view(base, {2, 2});
        base.data()[3] = 9;
    }
    CHECK(kept.to_vector() == std::vector<double>{1, 2, 3, 9});
    CHECK_THROWS_WITH(view(kept, {3}), etgrad_test::contains("view: shape '[3]' is invalid for input of size 4"));
}

TEST_CASE("in-place changes through views refuse what PyTorch refuses or etgrad cannot record", "[tape][shape][view]") {
    Tensor x = tensor({1.0, 2.0, 3.0, 4.0}, requires_grad);
    Tensor v = x.view({2, 2});
    CHECK_THROWS_WITH(v.zero_(), etgrad_test::contains("a view of a leaf Variable that requires grad"));
    Tensor y = x * 2.0;
    CHECK_THROWS_WITH(y.zero_(), etgrad_test::contains("is not recorded by etgrad"));
    Tensor yv = y.view({4});
    CHECK_THROWS_WITH(y += 1.0, etgrad_test::contains("shares its storage with a view"));
    CHECK_THROWS_WITH(yv += 1.0, etgrad_test::contains("shares its storage with a view"));
    // a product saved the view's values: changing them through the base is caught at backward
    Tensor m = from_vector({1.0, 2.0, 3.0, 4.0}, {2, 2});
    Tensor p = matmul(m.view({4}), x);
    {
        no_grad_guard guard;
        m *= 3.0;
    }
    CHECK_THROWS_WITH(p.backward(), etgrad_test::contains("modified by an inplace operation"));
}

TEST_CASE("max and min along a dimension give values and indices; the gradient goes to the chosen element",
          "[tape][shape]") {
    const Tensor a = from_vector({1, 5, 5, 3, 2, 0}, {2, 3}).requires_grad_();
    auto [vals, idx] = max(a, 1, false);
    CHECK(vals.shape() == std::vector<std::int64_t>{2});
    CHECK(values(vals) == std::vector<double>{5, 3});
    CHECK(values(idx) == std::vector<double>{1, 0});  // the first of the tied fives
    CHECK(vals.grad_fn() == "MaxBackward0");
    CHECK_FALSE(idx.requires_grad());
    sum(vals * tensor({2.0, 3.0})).backward();
    CHECK(values(a.grad()) == std::vector<double>{0, 2, 0, 3, 0, 0});  // amax would split the tie
    const auto kept = min(a, 0, true);
    CHECK(kept.values.shape() == std::vector<std::int64_t>{1, 3});
    CHECK(values(kept.values) == std::vector<double>{1, 2, 0});
    CHECK(values(kept.indices) == std::vector<double>{0, 1, 1});
    CHECK(kept.values.grad_fn() == "MinBackward0");
    const Tensor v = tensor({2.0, std::nan(""), 7.0});
    CHECK(std::isnan(max(v, 0, false).values.item()));
    CHECK(max(v, 0, false).indices.item() == 1.0);
    CHECK(max(v, 0, true).values.shape() == std::vector<std::int64_t>{1});
    check_gradient([](const Tensor& t) { return max(t, 0, false).values; }, x23, {2, 3});
    check_gradient([](const Tensor& t) { return min(t, 1, true).values; }, x23, {2, 3});
    CHECK_THROWS_WITH(max(a, 2, false), etgrad_test::contains("dimension out of range"));
    CHECK(values(max(a, 1.0)) == std::vector<double>{1, 5, 5, 3, 2, 1});  // elementwise with a number
}
