// The tape covers the static engine's whole op set with the same rules: op by op on tensors,
// its values and gradients equal the static sweep's, on scalars and elementwise on vectors.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/branchy_op.hpp"
#include "support/catch.hpp"
#include "support/simd_paths.hpp"

using namespace etgrad;

namespace {
constexpr auto A = var<"a">;
constexpr auto B = var<"b">;
constexpr auto C = var<"c">;

double grad_at(const Tensor& t, std::size_t k) {
    const Tensor g = t.grad();  // inputs an op does not use get no gradient
    return g.defined() ? g.to_vector()[k] : 0.0;
}

template <class F>
void same_as_static(const std::string& name, F f, std::vector<double> as, std::vector<double> bs, std::vector<double> cs,
                    bool elementwise = true) {
    INFO(name);
    const auto expr = f(A, B, C);
    std::vector<double> ga, gb, gc, vals;
    for (std::size_t k = 0; k < as.size(); ++k) {
        const auto r = value_and_grad(expr, A = as[k], B = bs[k], C = cs[k]);
        vals.push_back(r.value);
        ga.push_back(r.grad[A]);
        gb.push_back(r.grad[B]);
        gc.push_back(r.grad[C]);
        // scalars, op by op
        Tensor ta = tensor(as[k], requires_grad), tb = tensor(bs[k], requires_grad), tc = tensor(cs[k], requires_grad);
        Tensor out = f(ta, tb, tc);
        CHECK_THAT(out.item(), WithinRel(r.value, 1e-14) || WithinAbs(r.value, 1e-300));
        if (out.requires_grad()) {
            out.backward();
            CHECK_THAT(grad_at(ta, 0), WithinRel(r.grad[A], 1e-14) || WithinAbs(r.grad[A], 1e-300));
            CHECK_THAT(grad_at(tb, 0), WithinRel(r.grad[B], 1e-14) || WithinAbs(r.grad[B], 1e-300));
            CHECK_THAT(grad_at(tc, 0), WithinRel(r.grad[C], 1e-14) || WithinAbs(r.grad[C], 1e-300));
        }
    }
    if (!elementwise) return;
    // vectors, elementwise, reduced by sum
    Tensor ta = from_vector(as, {std::int64_t(as.size())}).requires_grad_();
    Tensor tb = from_vector(bs, {std::int64_t(bs.size())}).requires_grad_();
    Tensor tc = from_vector(cs, {std::int64_t(cs.size())}).requires_grad_();
    Tensor out = f(ta, tb, tc);
    const auto ov = out.to_vector();
    for (std::size_t k = 0; k < as.size(); ++k) CHECK_THAT(ov[k], WithinRel(vals[k], 1e-14) || WithinAbs(vals[k], 1e-300));
    if (!out.requires_grad()) return;
    sum(out).backward();
    for (std::size_t k = 0; k < as.size(); ++k) {
        CHECK_THAT(grad_at(ta, k), WithinRel(ga[k], 1e-14) || WithinAbs(ga[k], 1e-300));
        CHECK_THAT(grad_at(tb, k), WithinRel(gb[k], 1e-14) || WithinAbs(gb[k], 1e-300));
        CHECK_THAT(grad_at(tc, k), WithinRel(gc[k], 1e-14) || WithinAbs(gc[k], 1e-300));
    }
}

const std::vector<double> xs{-2.5, -0.7, 0.3, 1.1, 2.9};
const std::vector<double> pos{0.2, 0.7, 1.3, 2.2, 4.0};
const std::vector<double> probs{0.05, 0.3, 0.5, 0.8, 0.97};
const std::vector<double> labels{0.0, 1.0, 0.0, 1.0, 0.3};
}  // namespace

TEST_CASE("every op on the tape equals the static sweep", "[tape][ops]") {
    same_as_static("a+b", [](auto a, auto b, auto) { return a + b; }, xs, pos, xs);
    same_as_static("a-b", [](auto a, auto b, auto) { return a - b; }, xs, pos, xs);
    same_as_static("a*b", [](auto a, auto b, auto) { return a * b; }, xs, pos, xs);
    same_as_static("a/b", [](auto a, auto b, auto) { return a / b; }, xs, pos, xs);
    same_as_static("-a", [](auto a, auto, auto) { return -a; }, xs, xs, xs);
    same_as_static("2.5*a+1", [](auto a, auto, auto) { return 2.5 * a + 1.0; }, xs, xs, xs);
    same_as_static("pow(a,3)", [](auto a, auto, auto) { return pow(a, 3); }, xs, xs, xs);
    same_as_static("pow(a,b)", [](auto a, auto b, auto) { return pow(a, b); }, pos, xs, xs);
    same_as_static("square", [](auto a, auto, auto) { return square(a); }, xs, xs, xs);
    same_as_static("sqrt", [](auto a, auto, auto) { return sqrt(a); }, pos, xs, xs);
    same_as_static("exp", [](auto a, auto, auto) { return exp(a); }, xs, xs, xs);
    same_as_static("log", [](auto a, auto, auto) { return log(a); }, pos, xs, xs);
    same_as_static("log1p", [](auto a, auto, auto) { return log1p(a); }, pos, xs, xs);
    same_as_static("sin", [](auto a, auto, auto) { return sin(a); }, xs, xs, xs);
    same_as_static("cos", [](auto a, auto, auto) { return cos(a); }, xs, xs, xs);
    same_as_static("tan", [](auto a, auto, auto) { return tan(a); }, probs, xs, xs);
    same_as_static("asin", [](auto a, auto, auto) { return asin(a); }, probs, xs, xs);
    same_as_static("acos", [](auto a, auto, auto) { return acos(a); }, probs, xs, xs);
    same_as_static("atan", [](auto a, auto, auto) { return atan(a); }, xs, xs, xs);
    same_as_static("atan2", [](auto a, auto b, auto) { return atan2(a, b); }, xs, labels, xs);
    same_as_static("sinh", [](auto a, auto, auto) { return sinh(a); }, xs, xs, xs);
    same_as_static("cosh", [](auto a, auto, auto) { return cosh(a); }, xs, xs, xs);
    same_as_static("asinh", [](auto a, auto, auto) { return asinh(a); }, xs, xs, xs);
    same_as_static("acosh", [](auto a, auto, auto) { return acosh(1.0 + a); }, pos, xs, xs);
    same_as_static("atanh", [](auto a, auto, auto) { return atanh(a); }, probs, xs, xs);
    same_as_static("expm1", [](auto a, auto, auto) { return expm1(a); }, xs, xs, xs);
    same_as_static("erf", [](auto a, auto, auto) { return erf(a); }, xs, xs, xs);
    same_as_static("softplus", [](auto a, auto, auto) { return softplus(a); }, xs, xs, xs);
    same_as_static("gelu", [](auto a, auto, auto) { return gelu(a); }, xs, xs, xs);
    same_as_static("tanh", [](auto a, auto, auto) { return tanh(a); }, xs, xs, xs);
    same_as_static("sigmoid", [](auto a, auto, auto) { return sigmoid(a); }, xs, xs, xs);
    same_as_static("relu", [](auto a, auto, auto) { return relu(a); }, {-1.0, 0.0, 2.0}, {0, 0, 0}, {0, 0, 0});
    same_as_static("abs", [](auto a, auto, auto) { return abs(a); }, {-1.0, 0.0, 2.0}, {0, 0, 0}, {0, 0, 0});
    same_as_static("clamp(a,-1,1)", [](auto a, auto, auto) { return clamp(a, -1.0, 1.0); }, {-2.0, -1.0, 0.5, 1.0, 3.0},
                   xs, xs);
    same_as_static("clamp(a,b,c)", [](auto a, auto b, auto c) { return clamp(a, b, c); }, {-2.0, -1.0, 0.5, 1.0, 3.0},
                   {-1.0, -1.0, -1.0, -1.0, -1.0}, {1.0, 1.0, 1.0, 1.0, 1.0});
    same_as_static("min", [](auto a, auto b, auto) { return min(a, b); }, {1.0, 2.0, 3.0}, {2.0, 2.0, 2.0}, {0, 0, 0});
    same_as_static("max", [](auto a, auto b, auto) { return max(a, b); }, {1.0, 2.0, 3.0}, {2.0, 2.0, 2.0}, {0, 0, 0});
    same_as_static("step", [](auto a, auto, auto) { return detail::step(a) * a; }, xs, xs, xs);
    // losses reduce to their mean on tensors, so they are compared on scalars here
    same_as_static("bce", [](auto a, auto b, auto) { return bce(a, b); }, probs, labels, xs, false);
    same_as_static("bce_with_logits", [](auto a, auto b, auto) { return bce_with_logits(a, b); }, xs, labels, xs, false);
    same_as_static("mse", [](auto a, auto b, auto) { return mse(a, b); }, xs, pos, xs, false);
    same_as_static("composition", [](auto a, auto b, auto c) { return tanh(a * b + c) * exp(-a) / (1.0 + b * b); }, xs,
                   pos, probs);
}

TEST_CASE("losses on tensors are means, like PyTorch's default reduction", "[tape][ops]") {
    Tensor p = tensor({0.2, 0.9}, requires_grad), y = tensor({0.0, 1.0});
    Tensor l = bce(p, y);
    CHECK(l.grad_fn() == "BinaryCrossEntropyBackward0");
    CHECK_THAT(l.item(), WithinRel((-std::log(0.8) - std::log(0.9)) / 2, 1e-14));
    l.backward();
    CHECK_THAT(p.grad().to_vector()[0], WithinRel(1 / 0.8 / 2, 1e-12));
    CHECK_THAT(p.grad().to_vector()[1], WithinRel(-1 / 0.9 / 2, 1e-12));
    Tensor a = tensor({1.0, 2.0, 3.0}, requires_grad);
    Tensor m = mse(a, tensor({1.0, 1.0, 1.0}));
    CHECK(m.grad_fn() == "MseLossBackward0");
    CHECK_THAT(m.item(), WithinRel(5.0 / 3, 1e-14));
    m.backward();
    CHECK(a.grad().to_vector() == std::vector<double>{0.0, 2.0 / 3, 4.0 / 3});
}

TEST_CASE("grad_fn names follow PyTorch", "[tape][ops]") {
    Tensor x = tensor(0.5, requires_grad), y = tensor(2.0, requires_grad);
    CHECK((x + y).grad_fn() == "AddBackward0");
    CHECK((x - y).grad_fn() == "SubBackward0");
    CHECK((x * y).grad_fn() == "MulBackward0");
    CHECK((x / y).grad_fn() == "DivBackward0");
    CHECK((-x).grad_fn() == "NegBackward0");
    CHECK(pow(x, 2).grad_fn() == "PowBackward0");
    CHECK(pow(x, y).grad_fn() == "PowBackward1");
    CHECK(exp(x).grad_fn() == "ExpBackward0");
    CHECK(log(x).grad_fn() == "LogBackward0");
    CHECK(log1p(x).grad_fn() == "Log1PBackward0");
    CHECK(sqrt(x).grad_fn() == "SqrtBackward0");
    CHECK(cos(x).grad_fn() == "CosBackward0");
    CHECK(tan(x).grad_fn() == "TanBackward0");
    CHECK(tanh(x).grad_fn() == "TanhBackward0");
    CHECK(relu(x).grad_fn() == "ReluBackward0");
    CHECK(abs(x).grad_fn() == "AbsBackward0");
    CHECK(clamp(x, 0.0, 1.0).grad_fn() == "ClampBackward1");
    CHECK(clamp(x, y, y).grad_fn() == "ClampBackward0");
    CHECK(min(x, y).grad_fn() == "MinimumBackward0");
    CHECK(max(x, y).grad_fn() == "MaximumBackward0");
    CHECK(bce_with_logits(x, y).grad_fn() == "BinaryCrossEntropyWithLogitsBackward0");
    CHECK(sum(x).grad_fn() == "SumBackward0");
}

TEST_CASE("a static expression on scalar tensors: one statement, bindings by reference, numbers as constants",
          "[tape][static]") {
    constexpr auto X = var<"x">;
    constexpr auto W = var<"w">;
    constexpr auto K = var<"k">;
    constexpr auto body = X + W * sin(X) + K * X;
    Tensor w = tensor(0.001, requires_grad), x0 = tensor(0.5, requires_grad);
    // a Tensor lvalue is bound by reference: no count is taken, the binding reads x itself
    static_assert(std::is_same_v<decltype(X = x0), binding<"x", const Tensor&>>);
    static_assert(std::is_same_v<decltype(X = tensor(1.0)), binding<"x", Tensor>>);
    Tensor x = x0, y = x0;
    for (int k = 0; k < 50; ++k) {
        x = body(X = x, W = w, K = 2);     // an integer binding is a constant
        y = y + w * sin(y) + 2.0 * y;      // the same, op by op
    }
    CHECK(x.grad_fn() == "ExprBackward0");
    CHECK_THAT(x.item(), WithinRel(y.item(), 1e-14));
    x.backward();
    const double dw = w.grad().item(), dx0 = x0.grad().item();
    w.grad().zero_();
    x0.grad().zero_();
    y.backward();
    CHECK_THAT(dw, WithinRel(w.grad().item(), 1e-12));
    CHECK_THAT(dx0, WithinRel(x0.grad().item(), 1e-12));
    // a temporary tensor is moved in; a tensor that does not require grad gets no pair
    Tensor c = tensor(3.0);
    Tensor z = body(X = tensor(0.25, requires_grad), W = c, K = 0.5);
    CHECK(z.requires_grad());
    Tensor plain = body(X = c, W = c, K = 1);
    CHECK_FALSE(plain.requires_grad());
    CHECK(plain.item() == 3.0 + 3.0 * std::sin(3.0) + 3.0);
    {
        no_grad_guard off;
        CHECK_FALSE(body(X = x0, W = w, K = 1).requires_grad());
    }
}

TEST_CASE("a static expression on tensors is ONE node, elementwise over vectors", "[tape][static]") {
    constexpr auto X = var<"x">;
    constexpr auto W = var<"w">;
    Tensor x = tensor({0.5, 1.0, -2.0}, requires_grad);
    Tensor w = tensor(0.3, requires_grad);
    const std::size_t nodes_before = detail::state().nodes.size();
    Tensor s = (X + W * sin(X))(X = x, W = w);  // broadcast w over x
    CHECK(s.grad_fn() == "ExprBackward0");
    CHECK(detail::state().nodes.size() == nodes_before + 1);
    sum(s).backward();
    const auto gx = x.grad().to_vector();
    double gw = 0;
    for (int k = 0; k < 3; ++k) {
        const double xv = x.to_vector()[std::size_t(k)];
        CHECK_THAT(gx[std::size_t(k)], WithinRel(1 + 0.3 * std::cos(xv), 1e-14));
        gw += std::sin(xv);
    }
    CHECK_THAT(w.grad().item(), WithinRel(gw, 1e-14));
    // bound numbers are constants; tensors that do not require grad get no gradient
    Tensor data = tensor({1.0, 2.0});
    Tensor r = (X * W)(X = data, W = w);
    sum(r).backward();
    CHECK(!data.grad().defined());
}

TEST_CASE("pow on the tape: integer exponents, and PyTorch's values at 0", "[tape][ops]") {
    Tensor x = tensor(0.0, requires_grad);
    pow(x, 0).backward();
    CHECK(x.grad().item() == 0.0);  // torch: 0, not 0 * 0^-1 = NaN
    Tensor v = tensor({-2.0, 0.0, 3.0}, requires_grad);
    sum(pow(v, 3)).backward();
    const auto g = v.grad().to_vector();
    CHECK(g[0] == 12.0);
    CHECK(g[1] == 0.0);
    CHECK(g[2] == 27.0);
    Tensor e = tensor(2.0, requires_grad);
    Tensor z = tensor(0.0, requires_grad);
    pow(z, e).backward();
    CHECK(e.grad().item() == 0.0);  // d 0^e / de taken as 0 for e >= 0
    CHECK(z.grad().item() == 0.0);
}

TEST_CASE("pow of a tensor by every small integer equals the scalar rule element by element", "[tape][ops]") {
    // exponents 1 to 3 take a path of their own on tensors: the same products as any other
    std::vector<double> xs(300);
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = (double(i % 37) - 18.0) / 7.0;  // 0 included
    for (int k = -3; k <= 5; ++k) {
        CAPTURE(k);
        Tensor t = from_vector(xs, {3, 100}).requires_grad_();
        Tensor y = pow(t, k);
        CHECK(y.grad_fn() == "PowBackward0");
        sum(y).backward();
        const std::vector<double> v = y.to_vector(), g = t.grad().to_vector();
        for (std::size_t i = 0; i < xs.size(); ++i) {
            Tensor s = tensor(xs[i], requires_grad);
            Tensor ys = pow(s, k);
            ys.backward();
            const double want = ys.item(), want_g = s.grad().item();
            CHECK((v[i] == want || (std::isnan(v[i]) && std::isnan(want))));
            CHECK((g[i] == want_g || (std::isnan(g[i]) && std::isnan(want_g))));
        }
        Tensor u = from_vector(xs, {300});  // nothing records: values only
        CHECK(pow(u, k).to_vector() == v);
    }
    // a long exponent, and one that is not small
    Tensor t = from_vector(xs, {300}).requires_grad_();
    sum(pow(t, 2L)).backward();
    CHECK(t.grad().to_vector()[5] == 2.0 * xs[5]);
}

TEST_CASE("the new functions have PyTorch's grad_fn names and values", "[tape][ops]") {
    Tensor t = tensor(0.5, requires_grad), u = tensor(2.0, requires_grad);
    CHECK(asin(t).grad_fn() == "AsinBackward0");
    CHECK(acos(t).grad_fn() == "AcosBackward0");
    CHECK(atan(t).grad_fn() == "AtanBackward0");
    CHECK(atan2(t, u).grad_fn() == "Atan2Backward0");
    CHECK(sinh(t).grad_fn() == "SinhBackward0");
    CHECK(cosh(t).grad_fn() == "CoshBackward0");
    CHECK(asinh(t).grad_fn() == "AsinhBackward0");
    CHECK(acosh(u).grad_fn() == "AcoshBackward0");
    CHECK(atanh(t).grad_fn() == "AtanhBackward0");
    CHECK(expm1(t).grad_fn() == "Expm1Backward0");
    CHECK(erf(t).grad_fn() == "ErfBackward0");
    CHECK(softplus(t).grad_fn() == "SoftplusBackward0");
    CHECK(gelu(t).grad_fn() == "GeluBackward0");
    // values PyTorch prints (float64): gelu(0.5) 0.3457, softplus(0.5) 0.9741, erf(0.5) 0.5205
    CHECK_THAT(gelu(t).item(), WithinAbs(0.34573123063700656, 1e-15));
    CHECK_THAT(softplus(t).item(), WithinAbs(0.9740769841801067, 1e-15));
    CHECK_THAT(erf(t).item(), WithinAbs(0.5204998778130465, 1e-15));
    CHECK_THAT(atan2(t, u).item(), WithinAbs(0.24497866312686414, 1e-15));
    Tensor g = gelu(t);
    g.backward();  // d/dx x Phi(x) = Phi(x) + x phi(x) at 0.5
    CHECK_THAT(t.grad().item(), WithinAbs(0.8674951246561629, 1e-14));
}

TEST_CASE("NaN, -0.0 and extreme integer powers on the tape follow the op rules", "[tape][ops]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Tensor a = tensor({nan, -0.0, 2.0}, requires_grad), b = tensor({1.0, 1.0, nan}, requires_grad);
    const auto r = relu(a).to_vector();
    CHECK(std::isnan(r[0]));
    const auto m = max(a, b).to_vector();
    CHECK((std::isnan(m[0]) && std::isnan(m[2])));
    const auto s = abs(a).to_vector();
    CHECK(!std::signbit(s[1]));
    sum(max(a, b)).backward();
    CHECK(a.grad().to_vector() == std::vector<double>{1.0, 0.0, 1.0});
    CHECK(b.grad().to_vector() == std::vector<double>{1.0, 1.0, 1.0});
    Tensor t = tensor(1.0, requires_grad);
    Tensor p = pow(t, std::numeric_limits<int>::min());
    p.backward();
    CHECK(p.item() == 1.0);
    CHECK(t.grad().item() == double(std::numeric_limits<int>::min()));
}

TEST_CASE("compile-time constants work with Tensors, so generic code runs on both", "[tape][ops]") {
    auto f = [](auto x) { return c<1, 2> * pow(x, 2_c) + 3_c; };
    constexpr auto X = var<"x">;
    Tensor t = tensor(4.0, requires_grad);
    Tensor y = f(t);
    CHECK(y.item() == f(X)(X = 4.0));
    CHECK(y.grad_fn() == "AddBackward0");
    y.backward();
    CHECK(t.grad().item() == 4.0);
    CHECK(pow(t, 2_c).grad_fn() == "PowBackward0");
}

TEST_CASE("comparisons give 1 or 0 without grad, and where picks elementwise and routes the gradient", "[tape][ops]") {
    Tensor a = tensor({1.0, 2.0, 3.0}, requires_grad);
    const Tensor c = gt(a, 1.5);
    CHECK(c.to_vector() == std::vector<double>{0.0, 1.0, 1.0});
    CHECK_FALSE(c.requires_grad());
    CHECK(lt(a, 2.0).to_vector() == std::vector<double>{1.0, 0.0, 0.0});
    CHECK(ge(a, 2.0).to_vector() == std::vector<double>{0.0, 1.0, 1.0});
    CHECK(le(2.0, a).to_vector() == std::vector<double>{0.0, 1.0, 1.0});
    CHECK(eq(a, 2.0).to_vector() == std::vector<double>{0.0, 1.0, 0.0});
    CHECK(ne(a, tensor({1.0, 0.0, 3.0})).to_vector() == std::vector<double>{0.0, 1.0, 0.0});
    CHECK(gt(tensor({{1.0}, {5.0}}), tensor({2.0, 4.0})).shape() == std::vector<std::int64_t>{2, 2});  // broadcasts
    Tensor w = where(c, a * a, 0.0);
    CHECK(w.grad_fn() == "WhereBackward0");
    CHECK(w.to_vector() == std::vector<double>{0.0, 4.0, 9.0});
    sum(w).backward();
    CHECK(a.grad().to_vector() == std::vector<double>{0.0, 4.0, 6.0});
    Tensor s = tensor(2.0, requires_grad);
    Tensor ws = where(lt(s, 3.0), s * 5.0, s);
    ws.backward();
    CHECK(ws.item() == 10.0);
    CHECK(s.grad().item() == 5.0);
    CHECK_THROWS_AS(where(tensor({1.0, 0.0}), tensor({1.0, 2.0, 3.0}), 0.0), shape_error);
}

TEST_CASE("elementwise ops over runs: long tensors, scalar tensors and numbers broadcast, inactive operands",
          "[tape][ops]") {
    // 600 elements cross the 256-element runs twice; the scalar tensor s and the number 1.5 are
    // broadcast, c does not require grad
    const std::int64_t n = 600;
    std::vector<double> av(n), cv(n);
    for (std::int64_t k = 0; k < n; ++k) {
        av[std::size_t(k)] = -3.0 + 6.0 * double(k) / double(n);
        cv[std::size_t(k)] = 0.5 + 0.001 * double(k);
    }
    Tensor a = from_vector(av, {20, 30}).requires_grad_();
    Tensor c = from_vector(cv, {20, 30});
    Tensor s = tensor(0.75, requires_grad);
    Tensor out = tanh(a * s + 1.5) * c + pow(a, 2) / (c + s);
    sum(out).backward();
    constexpr auto X = var<"x">;
    constexpr auto S = var<"s">;
    constexpr auto Cv = var<"c">;
    constexpr auto f = tanh(X * S + 1.5) * Cv + pow(X, 2_c) / (Cv + S);
    const auto ov = out.to_vector(), ga = a.grad().to_vector();
    double gs = 0;
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
        const auto r = value_and_grad(f, wrt(X, S), X = av[k], S = 0.75, Cv = cv[k]);
        CHECK_THAT(ov[k], WithinRel(r.value, 1e-14));
        CHECK_THAT(ga[k], WithinRel(r.grad[X], 1e-13) || WithinAbs(r.grad[X], 1e-15));
        gs += r.grad[S];
    }
    CHECK_THAT(s.grad().item(), WithinRel(gs, 1e-12));
    CHECK_FALSE(c.grad().defined());
    // a loss over runs is the mean of the elements' losses, its partials scaled by 1/n
    a.grad().zero_();
    Tensor labels = from_vector(cv, {20, 30}) - 0.5;
    Tensor loss = bce_with_logits(a, labels);
    loss.backward();
    constexpr auto Y = var<"y">;
    double mean_loss = 0;
    const auto gl = a.grad().to_vector();
    for (std::size_t k = 0; k < std::size_t(n); ++k) {
        const auto r = value_and_grad(bce_with_logits(X, Y), wrt(X), X = av[k], Y = cv[k] - 0.5);
        mean_loss += r.value / double(n);
        CHECK_THAT(gl[k], WithinRel(r.grad[X] / double(n), 1e-13));
    }
    CHECK_THAT(loss.item(), WithinRel(mean_loss, 1e-13));
    CHECK(std::isnan(mse(from_vector(std::vector<double>{}, {0}), from_vector(std::vector<double>{}, {0})).item()));
}

using etgrad_test::branchy_op;

TEST_CASE("tensor ops run their rules on SIMD packs: each element as a scalar tensor gets it, special values too",
          "[tape][ops]") {
    // 37 elements: whole packs and a tail; NaN, infinities, -0.0, subnormals and a huge sine argument
    // (computed lane by lane) sit in packs
    std::vector<double> v;
    for (int k = 0; k < 29; ++k) v.push_back(-7.0 + 0.5 * k);
    for (double e : {std::nan(""), HUGE_VAL, -HUGE_VAL, -0.0, 4.9e-324, 1e5, 800.0, -800.0}) v.push_back(e);
    const auto n = std::int64_t(v.size());
    etgrad_test::on_each_simd_path([&] {
        auto check = [&](const char* what, auto f) {
            INFO(what);
            Tensor t = from_vector(v, {n}).requires_grad_();
            Tensor out = f(t);
            sum(out).backward();
            const auto ov = out.to_vector(), gv = t.grad().to_vector();
            for (std::size_t k = 0; k < v.size(); ++k) {
                CAPTURE(v[k]);
                Tensor x = tensor(v[k], requires_grad);
                Tensor y = f(x);
                y.backward();
                const double want = y.item(), dwant = x.grad().item();
                if (std::isnan(want)) CHECK(std::isnan(ov[k]));
                else CHECK_THAT(ov[k], WithinRel(want, 4e-16) || WithinAbs(want, 1e-300));
                if (std::isnan(dwant)) CHECK(std::isnan(gv[k]));
                else CHECK_THAT(gv[k], WithinRel(dwant, 4e-16) || WithinAbs(dwant, 1e-300));
                if (!std::isnan(want)) CHECK(std::signbit(ov[k]) == std::signbit(want));  // -0.0 stays -0.0
            }
        };
        check("exp", [](const Tensor& t) { return exp(t); });
        check("log1p", [](const Tensor& t) { return log1p(t); });
        check("sin", [](const Tensor& t) { return sin(t); });
        check("tanh", [](const Tensor& t) { return tanh(t); });
        check("sigmoid", [](const Tensor& t) { return sigmoid(t); });
        check("relu", [](const Tensor& t) { return relu(t); });
        check("clamp", [](const Tensor& t) { return clamp(t, -1.0, 1.0); });
        check("t * 2 + 1 (an integer operand)", [](const Tensor& t) { return t * 2 + 1; });
        check("an op without packs", [](const Tensor& t) { return apply<branchy_op>(t); });
        // a loss's partials on packs (bce_with_logits shares e^-|z| between its value and sigmoid)
        Tensor t = from_vector(v, {n}).requires_grad_();
        bce_with_logits(t, full({n}, 0.3)).backward();
        const auto g = t.grad().to_vector();
        for (std::size_t k = 0; k < v.size(); ++k) {
            CAPTURE(v[k]);
            Tensor x = tensor(v[k], requires_grad);
            bce_with_logits(x, tensor(0.3)).backward();
            const double want = x.grad().item() / double(n);
            if (std::isnan(want)) CHECK(std::isnan(g[k]));
            // sigmoid(z) - y cancels: an ulp of sigmoid is a few ulps of the difference
            else CHECK_THAT(g[k], WithinRel(want, 4e-15) || WithinAbs(want, 1e-300));
        }
    });
}

namespace {
/// An op that counts how often its partial is asked for.
inline int counted_partials = 0;
struct counted_op {
    static constexpr char name[] = "counted";
    template <class A>
    static constexpr auto value(A a) {
        return a * a;
    }
    template <std::size_t I, class Y, class A>
    static auto partial(const Y&, const A& a) {
        counted_partials += int(sizeof(A) / sizeof(double));  // a pack counts its lanes
        return 2 * a;
    }
};
}  // namespace

TEST_CASE("elementwise ops on tensors compute partials only in backward, once per element and pass",
          "[tape][ops]") {
    Tensor x = from_vector(std::vector<double>(600, 1.5), {600}).requires_grad_();
    counted_partials = 0;
    {
        no_grad_guard off;
        Tensor y = apply<counted_op>(x);
        CHECK(y.to_vector()[599] == 2.25);
    }
    Tensor plain = apply<counted_op>(x.detach());
    CHECK_FALSE(plain.requires_grad());
    CHECK(counted_partials == 0);
    Tensor y = apply<counted_op>(x);
    CHECK(counted_partials == 0);  // recorded without partials
    Tensor total = sum(y);
    total.backward(retain_graph);
    CHECK(counted_partials == 600);
    CHECK(x.grad().to_vector()[0] == 3.0);
    total.backward();
    CHECK(counted_partials == 1200);
    CHECK(x.grad().to_vector()[599] == 6.0);
}

TEST_CASE("recomputed partials: broadcast operands, numbers, and values changed in place before backward",
          "[tape][ops]") {
    const std::vector<double> xv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, rv{0.5, -1, 1.5, 2}, cv{-1, 0.25, 3};
    Tensor X = from_vector(xv, {3, 4}).requires_grad_();
    Tensor row = from_vector(rv, {4}).requires_grad_();
    Tensor col = from_vector(cv, {3, 1}).requires_grad_();
    Tensor s = tensor(0.5, requires_grad);
    Tensor z = sum(pow(X * row - col, 2) * s + 2.0);
    z.backward();
    std::vector<double> gx(12), gr(4, 0.0), gc(3, 0.0);
    double gs = 0;
    for (std::size_t k = 0; k < 12; ++k) {
        const std::size_t r = k / 4, c = k % 4;
        const double u = xv[k] * rv[c] - cv[r];
        gx[k] = 2 * u * 0.5 * rv[c];
        gr[c] += 2 * u * 0.5 * xv[k];
        gc[r] -= 2 * u * 0.5;
        gs += u * u;
    }
    for (std::size_t k = 0; k < 12; ++k) CHECK_THAT(X.grad().to_vector()[k], WithinRel(gx[k], 1e-15));
    for (std::size_t c = 0; c < 4; ++c) CHECK_THAT(row.grad().to_vector()[c], WithinRel(gr[c], 1e-15));
    for (std::size_t r = 0; r < 3; ++r) CHECK_THAT(col.grad().to_vector()[r], WithinRel(gc[r], 1e-15));
    CHECK_THAT(s.grad().item(), WithinRel(gs, 1e-15));
    // backward reads the operands (mul) and the output (exp) again: a change in place is refused,
    // as PyTorch's saved tensors refuse it; a sum's partials read nothing, so it goes through
    Tensor a = from_vector(std::vector<double>{1, 2}, {2}).requires_grad_();
    Tensor b = from_vector(std::vector<double>{3, 4}, {2});
    Tensor p = a * b, e = exp(a * 1.0), q = a + b;
    Tensor lp = sum(p), le = sum(e), lq = sum(q);
    {
        no_grad_guard guard;
        b *= 2.0;
        e += 1.0;
    }
    CHECK_THROWS_WITH(lp.backward(), etgrad_test::contains("modified by an inplace operation"));
    CHECK_THROWS_WITH(le.backward(), etgrad_test::contains("modified by an inplace operation"));
    CHECK_FALSE(a.grad().defined());  // nothing was accumulated
    lq.backward();
    CHECK(a.grad().to_vector() == std::vector<double>{1.0, 1.0});
}
