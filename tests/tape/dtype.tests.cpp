// float32 tensors on the tape: storage and arithmetic in float, PyTorch's promotion rules, the
// seeds in float32, gradients of the leaf's dtype, and float32 against float64 for every op.
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <etgrad/optim.hpp>
#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

TEST_CASE("float32 tensors are made from floats and by the factories; float64 stays the default", "[tape][dtype]") {
    CHECK(tensor(3.0).dtype() == float64);
    CHECK(tensor(3.0f).dtype() == float32);
    CHECK(tensor({1.0f, 2.0f}).dtype() == float32);
    CHECK(tensor({1.0, 2.0}).dtype() == float64);
    CHECK(tensor({1, 2}).dtype() == float64);
    CHECK(from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}).dtype() == float32);
    CHECK(from_vector({1.0, 2.0}, {2}).dtype() == float64);
    CHECK(zeros({3}, float32).dtype() == float32);
    CHECK(ones({2, 2}, float32).dtype() == float32);
    CHECK(full({2}, 0.1, float32).to_vector() == std::vector<double>{double(0.1f), double(0.1f)});
    CHECK(zeros({3}).dtype() == float64);
    manual_seed(3);
    const Tensor r = rand({1000}, float32);
    CHECK(r.dtype() == float32);
    for (float v : r.to_vector<float>()) CHECK((v >= 0.0f && v < 1.0f));
    CHECK(randn({5}, float32).dtype() == float32);
    const Tensor s = 1.5f;  // generic code: T x = 1.5f
    CHECK(s.dtype() == float32);
    CHECK(std::string(to_string(float32)) == "float32");
}

TEST_CASE("float32 storage holds floats: values are rounded to float and read back exactly", "[tape][dtype]") {
    const Tensor x = from_vector(std::vector<double>{0.1, 1.0 / 3.0}, {2}).to(float32);
    CHECK(x.dtype() == float32);
    CHECK(x.to_vector() == std::vector<double>{double(0.1f), double(1.0f / 3.0f)});
    CHECK(x.to_vector<float>() == std::vector<float>{0.1f, 1.0f / 3.0f});
    CHECK(tensor(0.1f).item() == double(0.1f));
    const float* p = x.data_ptr<float>();
    CHECK(p[0] == 0.1f);
    CHECK_THROWS_AS(x.data_ptr<double>(), dtype_error);
    CHECK_THROWS_WITH(x.data(), etgrad_test::contains("expected scalar type Double but found Float"));
    CHECK_THROWS_WITH(tensor(1.0).data_ptr<float>(), etgrad_test::contains("expected scalar type Float but found Double"));
    // the writable pointer writes floats that every handle sees
    Tensor y = zeros({2}, float32);
    y.data_ptr<float>()[1] = 2.5f;
    CHECK(y.to_vector() == std::vector<double>{0.0, 2.5});
}

TEST_CASE("float32 arithmetic is float arithmetic, not double arithmetic rounded at the end", "[tape][dtype]") {
    const Tensor a = tensor(0.1f), b = tensor(0.2f);
    const double sum32 = double(0.1f + 0.2f);
    CHECK((a + b).item() == sum32);
    CHECK((a + b).item() != double(0.1f) + double(0.2f));  // what double arithmetic would keep
    CHECK((a + b).dtype() == float32);
    // vectors, scalar tensors and numbers: a number is cast to float first, as PyTorch does
    const Tensor v = tensor({0.1f, 0.7f, 3.0f});
    const std::vector<float> got = (v * 0.1 + 1.0).to_vector<float>();
    const float in[] = {0.1f, 0.7f, 3.0f};
    for (int k = 0; k < 3; ++k) CHECK(got[std::size_t(k)] == in[k] * 0.1f + 1.0f);
    CHECK(sin(tensor(1.3f)).item() == double(std::sin(1.3f)));
    CHECK(exp(tensor({1.3f, -2.0f})).to_vector<float>() == std::vector<float>{std::exp(1.3f), std::exp(-2.0f)});
}

TEST_CASE("PyTorch's promotion: dimensioned tensors decide, then zero-dimensional ones; numbers never widen",
          "[tape][dtype]") {
    const Tensor v32 = tensor({1.0f, 2.0f}), v64 = tensor({1.0, 2.0});
    const Tensor s32 = tensor(2.0f), s64 = tensor(2.0);
    CHECK((v32 + v64).dtype() == float64);
    CHECK((v64 * v32).dtype() == float64);
    CHECK((v32 + s64).dtype() == float32);  // a 0-dim float64 does not widen a float32 vector
    CHECK((s64 * v32).dtype() == float32);
    CHECK((v64 + s32).dtype() == float64);
    CHECK((s32 + s64).dtype() == float64);  // no dimensioned tensor: the 0-dim ones decide
    CHECK((s32 * s32).dtype() == float32);
    CHECK((v32 * 2.5).dtype() == float32);
    CHECK((s32 - 1.0).dtype() == float32);
    CHECK(pow(v32, 2).dtype() == float32);
    CHECK(where(gt(v32, 1.5), v32, v64).dtype() == float64);
    CHECK(where(gt(v64, 1.5), v32, v32).dtype() == float32);  // the condition's dtype does not count
    CHECK(matmul(from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}), v32).dtype() == float32);
    CHECK(matmul(from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}), v64).dtype() == float64);
    CHECK(cat({v32, v64}).dtype() == float64);
    CHECK(cat({v32, v32}).dtype() == float32);
    CHECK(stack({s32, s32}).dtype() == float32);
    CHECK(sum(v32).dtype() == float32);
    CHECK(mean(v32).dtype() == float32);
    CHECK(amax(v32, 0).dtype() == float32);
    CHECK(softmax(from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2}), 1).dtype() == float32);
    CHECK(norm(v32).dtype() == float32);
    CHECK(v32.t().dtype() == float32);
    CHECK(reshape(v32, {2, 1}).dtype() == float32);
    CHECK(v32.detach().dtype() == float32);
    CHECK(v32.clone().dtype() == float32);
}

TEST_CASE("the seeds in float32", "[tape][dtype][seeds]") {
    using Catch::Matchers::WithinAbs;
    SECTION("y = x**2 at 3: grad 6") {
        Tensor x = tensor(3.0f, requires_grad);
        Tensor y = pow(x, 2);
        y.backward();
        CHECK(x.grad().dtype() == float32);
        CHECK(x.grad().item() == 6.0);
    }
    SECTION("sin(x**2) at 3: -5.4668") {
        Tensor x = tensor(3.0f, requires_grad);
        sin(pow(x, 2)).backward();
        CHECK_THAT(x.grad().item(), WithinAbs(-5.4668, 5e-4));
        CHECK_THAT(x.grad().item(), WithinAbs(6.0 * std::cos(9.0), 1e-5));
    }
    SECTION("the neuron: loss 6.7012, dw 6.6918, db 0.9988") {
        Tensor w = tensor(1.0f, requires_grad), b = tensor(0.0f, requires_grad);
        Tensor loss = bce(sigmoid(w * 6.7f + b), tensor(0.0f));
        loss.backward();
        CHECK(loss.dtype() == float32);
        CHECK_THAT(loss.item(), WithinAbs(6.7012, 1e-4));
        CHECK_THAT(w.grad().item(), WithinAbs(6.6918, 1e-4));
        CHECK_THAT(b.grad().item(), WithinAbs(0.9988, 1e-4));
    }
    SECTION("mean(x**2) over [1, 2, 3]: [0.6667, 1.3333, 2.0]") {
        Tensor x = tensor({1.0f, 2.0f, 3.0f}, requires_grad);
        mean(pow(x, 2)).backward();
        CHECK(x.grad().dtype() == float32);
        CHECK(x.grad().to_vector<float>() == std::vector<float>{2.0f / 3.0f, 4.0f / 3.0f, 2.0f});
    }
}

TEST_CASE("gradients have their leaf's dtype and accumulate in it; to() records ToCopyBackward0", "[tape][dtype]") {
    Tensor x = tensor({0.5f, 1.5f}, requires_grad);
    Tensor y = x.to(float64);
    CHECK(y.dtype() == float64);
    CHECK(y.grad_fn() == "ToCopyBackward0");
    CHECK(x.to(float32).grad_fn().empty());  // already float32: the tensor itself
    sum(y * tensor({1.0, 3.0})).backward();
    CHECK(x.grad().dtype() == float32);
    CHECK(x.grad().to_vector() == std::vector<double>{1.0, 3.0});
    sum(x * 0.1f).backward();  // accumulates, in float
    CHECK(x.grad().to_vector<float>() == std::vector<float>{1.0f + 0.1f, 3.0f + 0.1f});
    // a float64 leaf in float32 arithmetic gets a float64 gradient
    Tensor s = tensor(2.0, requires_grad);
    Tensor z = sum(tensor({1.0f, 2.0f}) * s);
    CHECK(z.dtype() == float32);
    z.backward();
    CHECK(s.grad().dtype() == float64);
    CHECK(s.grad().item() == 3.0);
    // a float32 seed for backward(gradient)
    Tensor u = tensor({1.0f, 2.0f}, requires_grad);
    (u * u).backward(tensor({1.0f, 0.5f}));
    CHECK(u.grad().to_vector() == std::vector<double>{2.0, 2.0});
    // retain_grad on a float32 non-leaf
    Tensor w = tensor({1.0f, 2.0f}, requires_grad);
    Tensor h = w * 3.0f;
    h.retain_grad();
    sum(h * h).backward();
    CHECK(h.grad().dtype() == float32);
    CHECK(h.grad().to_vector() == std::vector<double>{6.0, 12.0});
}

TEST_CASE("printing shows a dtype that is not the default", "[tape][dtype]") {
    std::ostringstream os;
    os << tensor({1.0f, 2.0f}, requires_grad) << '\n' << tensor(0.5f) * tensor(3.0f, requires_grad) << '\n' << tensor(1.0);
    CHECK(os.str() ==
          "tensor([1., 2.], dtype=float32, requires_grad=True)\n"
          "tensor(1.5000, dtype=float32, grad_fn=<MulBackward0>)\n"
          "tensor(1.)");
}

TEST_CASE("in-place changes keep the tensor's dtype; optimizers update float32 parameters", "[tape][dtype][optim]") {
    Tensor w = tensor({1.0f, 2.0f}, requires_grad);
    sum(w * w).backward();
    {
        no_grad_guard guard;
        w -= 0.1 * w.grad();
        CHECK(w.dtype() == float32);
        CHECK(w.to_vector<float>() == std::vector<float>{1.0f - 0.1f * 2.0f, 2.0f - 0.1f * 4.0f});
        Tensor v = zeros({2}, float32);
        v += tensor({0.1, 0.2});  // float64 into float32: rounded, as PyTorch casts
        CHECK(v.dtype() == float32);
        CHECK(v.to_vector<float>() == std::vector<float>{0.1f, 0.2f});
    }
    Tensor a = tensor({1.0f, 2.0f}, requires_grad);
    Tensor c = a * 1.0f;
    c += tensor({0.5, 0.5});  // recorded: the result keeps c's dtype
    CHECK(c.dtype() == float32);

    Tensor p = tensor({1.0f, -2.0f}, requires_grad);
    optim::adam opt({p}, 0.1);
    for (int k = 0; k < 3; ++k) {
        opt.zero_grad();
        sum(p * p).backward();
        opt.step();
    }
    CHECK(p.dtype() == float32);
    CHECK(p.grad().dtype() == float32);
    CHECK(std::fabs(p.to_vector()[0]) < 1.0);
    // the first Adam step moves each element by lr (m / sqrt(v) = sign(g))
    Tensor q = tensor({1.0f}, requires_grad);
    optim::adam one({q}, 0.1);
    sum(q * q).backward();
    one.step();
    CHECK_THAT(q.to_vector()[0], Catch::Matchers::WithinAbs(0.9, 1e-6));
    Tensor r = tensor({1.0f}, requires_grad);
    optim::sgd plain({r}, 0.1);
    sum(r * r).backward();
    plain.step();
    CHECK(r.to_vector<float>()[0] == float(1.0 - 0.1 * 2.0));
}

TEST_CASE("a static expression on float32 tensors is one float32 statement", "[tape][dtype][static]") {
    constexpr auto X = var<"x">;
    Tensor x = tensor({0.5f, 2.0f}, requires_grad);
    Tensor y = (X * sin(X))(X = x);
    CHECK(y.dtype() == float32);
    CHECK(y.grad_fn() == "ExprBackward0");
    sum(y).backward();
    const std::vector<float> g = x.grad().to_vector<float>();
    for (int k = 0; k < 2; ++k) {
        const float a = k == 0 ? 0.5f : 2.0f;
        CHECK_THAT(double(g[std::size_t(k)]), Catch::Matchers::WithinRel(double(std::sin(a) + a * std::cos(a)), 1e-6));
    }
    Tensor s = tensor(0.5f, requires_grad);
    CHECK((X * X)(X = s).dtype() == float32);
}

TEST_CASE("every op in float32 agrees with float64 to float's precision, values and gradients", "[tape][dtype]") {
    using fn = std::function<Tensor(const Tensor&)>;
    const std::vector<std::pair<const char*, fn>> ops = {
        {"sin", [](const Tensor& t) { return sin(t); }},
        {"exp", [](const Tensor& t) { return exp(t); }},
        {"log", [](const Tensor& t) { return log(t); }},
        {"sqrt", [](const Tensor& t) { return sqrt(t); }},
        {"tanh", [](const Tensor& t) { return tanh(t); }},
        {"sigmoid", [](const Tensor& t) { return sigmoid(t); }},
        {"relu", [](const Tensor& t) { return relu(t - 1.0); }},
        {"softplus", [](const Tensor& t) { return softplus(t); }},
        {"gelu", [](const Tensor& t) { return gelu(t); }},
        {"erf", [](const Tensor& t) { return erf(t); }},
        {"atan2", [](const Tensor& t) { return atan2(t, t * 0.5 + 1.0); }},
        {"pow", [](const Tensor& t) { return pow(t, 1.5); }},
        {"div", [](const Tensor& t) { return 1.0 / (t + 0.5); }},
        {"bce", [](const Tensor& t) { return bce(sigmoid(t), full(t.shape(), 0.25, t.dtype())); }},
        {"mean", [](const Tensor& t) { return mean(t * t); }},
        {"sum0", [](const Tensor& t) { return sum(t, 0); }},
        {"matmul", [](const Tensor& t) { return matmul(t, t.t()); }},
        {"log_softmax", [](const Tensor& t) { return log_softmax(t, 1); }},
        {"logsumexp", [](const Tensor& t) { return logsumexp(t, 0); }},
        {"amax", [](const Tensor& t) { return amax(t, 1); }},
        {"norm", [](const Tensor& t) { return norm(t); }},
        {"narrow", [](const Tensor& t) { return narrow(t, 1, 1, 2); }},
        {"cross_entropy", [](const Tensor& t) { return cross_entropy(t, {2, 0}); }},
    };
    const std::vector<float> x = {0.3f, 1.7f, 0.9f, 2.4f, 1.1f, 0.6f};
    for (const auto& [name, f] : ops) {
        INFO(name);
        Tensor x32 = from_vector(x, {2, 3}).requires_grad_();
        Tensor x64 = x32.detach().to(float64).requires_grad_();
        Tensor y32 = f(x32), y64 = f(x64);
        CHECK(y32.dtype() == float32);
        CHECK(y64.dtype() == float64);
        const std::vector<double> a = y32.to_vector(), b = y64.to_vector();
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k)
            CHECK_THAT(a[k], Catch::Matchers::WithinAbs(b[k], 2e-6 * (1 + std::fabs(b[k]))));
        sum(y32 * 0.75).backward();
        sum(y64 * 0.75).backward();
        CHECK(x32.grad().dtype() == float32);
        const std::vector<double> g32 = x32.grad().to_vector(), g64 = x64.grad().to_vector();
        for (std::size_t k = 0; k < g32.size(); ++k)
            CHECK_THAT(g32[k], Catch::Matchers::WithinAbs(g64[k], 1e-5 * (1 + std::fabs(g64[k]))));
    }
}
