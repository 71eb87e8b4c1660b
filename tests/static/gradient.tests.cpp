// The static engine's gradients of the classic first examples: x*x, sin(x*x), a neuron.
#include <cmath>

#include <etgrad/static.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto y = var<"y">;

double round4(double v) { return std::round(v * 1e4) / 1e4; }
}  // namespace

TEST_CASE("x*x at 3 has value 9 and gradient 6", "[static][gradient]") {
    auto r = value_and_grad(x * x, x = 3.0);
    CHECK(r.value == 9.0);
    CHECK(r.grad[x] == 6.0);
    CHECK(grad(pow(x, 2), x = 3.0)[x] == 6.0);
    CHECK(grad(square(x), x = 3.0)[x] == 6.0);
}

TEST_CASE("sin(x*x) matches the hand formula 2x cos(x^2)", "[static][gradient]") {
    auto f = sin(x * x);
    auto hand = [](double v) { return 2 * v * std::cos(v * v); };
    SECTION("at 3") {
        auto r = value_and_grad(f, x = 3.0);
        CHECK_THAT(r.value, WithinRel(std::sin(9.0), 1e-15));
        CHECK_THAT(r.grad[x], WithinRel(-5.466781571308061, 1e-12));
        CHECK_THAT(r.grad[x], WithinRel(hand(3.0), 1e-12));
        CHECK(round4(r.value) == 0.4121);
    }
    SECTION("at 4") {
        auto r = value_and_grad(f, x = 4.0);
        CHECK_THAT(r.grad[x], WithinRel(-7.661275842587077, 1e-12));
        CHECK_THAT(r.grad[x], WithinRel(hand(4.0), 1e-12));
    }
    SECTION("evaluation alone") { CHECK_THAT(f(x = 3.0), WithinRel(0.4121184852417566, 1e-12)); }
}

TEST_CASE("the neuron bce(sigmoid(w*x+b), y): loss 6.7012, dw 6.6918, db 0.9988", "[static][gradient]") {
    auto loss = bce(sigmoid(w * x + b), y);
    auto g = value_and_grad(loss, w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    CHECK(round4(g.value) == 6.7012);
    CHECK(round4(g.grad[w]) == 6.6918);
    CHECK(round4(g.grad[b]) == 0.9988);

    // the hand-written chain rule, dL/dp * dp/dz * dz/dw
    const double xv = 6.7, yv = 0.0, wv = 1.0, bv = 0.0;
    const double p = 1.0 / (1.0 + std::exp(-(wv * xv + bv)));
    const double dL_dp = (p - yv) / (p * (1 - p)), dp_dz = p * (1 - p);
    CHECK_THAT(g.grad[w], WithinRel(dL_dp * dp_dz * xv, 1e-12));
    CHECK_THAT(g.grad[b], WithinRel(dL_dp * dp_dz * 1.0, 1e-12));
    // and the simplified (p - y) x
    CHECK_THAT(g.grad[w], WithinRel((p - yv) * xv, 1e-12));
    CHECK_THAT(g.grad[b], WithinRel(p - yv, 1e-12));
    CHECK_THAT(g.value, WithinRel(-std::log(1 - p), 1e-12));

    SECTION("wrt(w, b) differentiates only w and b, with the same values") {
        auto h = value_and_grad(loss, wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);
        STATIC_REQUIRE(decltype(h.grad)::size() == 2);
        CHECK(h.value == g.value);
        CHECK(h.grad[w] == g.grad[w]);
        CHECK(h.grad[b] == g.grad[b]);
    }
    SECTION("bce_with_logits gives the same gradient as (p - y) x") {
        auto h = value_and_grad(bce_with_logits(w * x + b, y), wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);
        CHECK_THAT(h.value, WithinRel(g.value, 1e-6));
        CHECK_THAT(h.grad[w], WithinRel((p - yv) * xv, 1e-12));
        CHECK_THAT(h.grad[b], WithinRel(p - yv, 1e-12));
    }
}
