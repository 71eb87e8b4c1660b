// PyTorch's conventions at kinks, and the numerically delicate cases.
#include <cmath>
#include <limits>

#include <etgrad/static.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto lo = var<"lo">;
constexpr auto hi = var<"hi">;
}  // namespace

TEST_CASE("relu'(0) = 0 and abs'(0) = 0, as in PyTorch", "[ops][conventions]") {
    CHECK(grad(relu(x), x = 0.0)[x] == 0.0);
    CHECK(grad(relu(x), x = 1e-300)[x] == 1.0);
    CHECK(grad(relu(x), x = -2.0)[x] == 0.0);
    CHECK(grad(abs(x), x = 0.0)[x] == 0.0);
    CHECK(grad(abs(x), x = -2.0)[x] == -1.0);
    CHECK(grad(abs(x), x = 2.0)[x] == 1.0);
}

TEST_CASE("pow at 0 follows PyTorch's pow_backward: no NaN from 0 * inf", "[ops][conventions]") {
    CHECK(grad(pow(x, 0), x = 0.0)[x] == 0.0);  // d x^0 / dx = 0, also at 0
    CHECK(grad(pow(x, 0), x = 2.0)[x] == 0.0);
    CHECK(grad(pow(x, 2), x = 0.0)[x] == 0.0);
    CHECK(grad(pow(x, 3), x = -2.0)[x] == 12.0);  // integer exponents multiply, exactly
    CHECK(grad(pow(x, -1), x = 2.0)[x] == -0.25);
    const auto g = grad(pow(x, y), x = 0.0, y = 2.0);
    CHECK(g[x] == 0.0);
    CHECK(g[y] == 0.0);  // d x^y / dy = x^y log x, taken as 0 at x = 0 for y >= 0
    CHECK(grad(pow(x, y), x = 0.0, y = 0.0)[x] == 0.0);
    CHECK_THAT(grad(pow(x, y), x = 2.0, y = 3.0)[y], Catch::Matchers::WithinRel(8.0 * std::log(2.0), 1e-15));
}

TEST_CASE("clamp passes the gradient on the closed interval [lo, hi]", "[ops][conventions]") {
    CHECK(grad(clamp(x, -1.0, 1.0), x = -1.0)[x] == 1.0);
    CHECK(grad(clamp(x, -1.0, 1.0), x = 1.0)[x] == 1.0);
    CHECK(grad(clamp(x, -1.0, 1.0), x = 0.0)[x] == 1.0);
    CHECK(grad(clamp(x, -1.0, 1.0), x = 1.5)[x] == 0.0);
    CHECK(grad(clamp(x, -1.0, 1.0), x = -1.5)[x] == 0.0);
    CHECK(clamp(x, -1.0, 1.0)(x = 7.0) == 1.0);
    SECTION("a bound that is a variable gets the gradient where it is the output") {
        auto g = grad(clamp(x, lo, hi), x = -3.0, lo = -1.0, hi = 1.0);
        CHECK(g[x] == 0.0);
        CHECK(g[lo] == 1.0);
        CHECK(g[hi] == 0.0);
        auto g2 = grad(clamp(x, lo, hi), x = 3.0, lo = -1.0, hi = 1.0);
        CHECK(g2[hi] == 1.0);
        CHECK(g2[lo] == 0.0);
    }
}

TEST_CASE("max and min split the gradient 1/2-1/2 at ties, like torch.maximum", "[ops][conventions]") {
    auto gmax = grad(max(x, y), x = 2.0, y = 2.0);
    CHECK(gmax[x] == 0.5);
    CHECK(gmax[y] == 0.5);
    auto gmin = grad(min(x, y), x = 2.0, y = 2.0);
    CHECK(gmin[x] == 0.5);
    CHECK(gmin[y] == 0.5);
    CHECK(grad(max(x, y), x = 3.0, y = 2.0)[x] == 1.0);
    CHECK(grad(min(x, y), x = 3.0, y = 2.0)[x] == 0.0);
}

TEST_CASE("bce clamps p to [1e-8, 1 - 1e-8]", "[ops][conventions]") {
    auto f = bce(x, y);
    auto r = value_and_grad(f, x = 0.0, y = 1.0);
    CHECK_THAT(r.value, WithinRel(-std::log(1e-8), 1e-12));
    CHECK(r.grad[x] == 0.0);  // outside the clamp interval the gradient is 0
    auto r1 = value_and_grad(f, x = 1.0, y = 0.0);
    CHECK(std::isfinite(r1.value));
    CHECK(r1.grad[x] == 0.0);
}

TEST_CASE("bce_with_logits does not overflow for |z| = 1000", "[ops][conventions]") {
    auto f = bce_with_logits(x, y);
    auto big = value_and_grad(f, x = 1000.0, y = 0.0);
    CHECK(big.value == 1000.0);
    CHECK(big.grad[x] == 1.0);
    CHECK(big.grad[y] == -1000.0);
    auto small = value_and_grad(f, x = -1000.0, y = 0.0);
    CHECK(small.value == 0.0);
    CHECK(small.grad[x] == 0.0);
    auto right = value_and_grad(f, x = 1000.0, y = 1.0);
    CHECK(right.value == 0.0);
    CHECK(right.grad[x] == 0.0);
    CHECK(std::isfinite(value_and_grad(f, x = 1000.0f, y = 0.0f).value));
}

TEST_CASE("sigmoid saturates without NaN", "[ops][conventions]") {
    auto r = value_and_grad(sigmoid(x), x = -1000.0);
    CHECK(r.value == 0.0);
    CHECK(r.grad[x] == 0.0);
    auto s = value_and_grad(sigmoid(x), x = 1000.0);
    CHECK(s.value == 1.0);
    CHECK(s.grad[x] == 0.0);
}

TEST_CASE("NaN propagates through relu, min, max and clamp, with PyTorch's gradients", "[ops][conventions]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(std::isnan(relu(x)(x = nan)));
    CHECK(grad(relu(x), x = nan)[x] == 0.0);  // threshold_backward: NaN > 0 is false
    CHECK(std::isnan(max(x, y)(x = 1.0, y = nan)));
    CHECK(std::isnan(max(x, y)(x = nan, y = 1.0)));
    CHECK(std::isnan(min(x, y)(x = 1.0, y = nan)));
    CHECK(std::isnan(min(x, y)(x = nan, y = 1.0)));
    // maximum's backward: where(a == b, g/2, g) masked to 0 where a < b; a NaN compares false
    const auto gmax = grad(max(x, y), x = nan, y = 1.0);
    CHECK(gmax[x] == 1.0);
    CHECK(gmax[y] == 1.0);
    const auto gmin = grad(min(x, y), x = 1.0, y = nan);
    CHECK(gmin[x] == 1.0);
    CHECK(gmin[y] == 1.0);
    CHECK(std::isnan(clamp(x, -1.0, 1.0)(x = nan)));
    CHECK(grad(clamp(x, -1.0, 1.0), x = nan)[x] == 0.0);
    CHECK(std::isnan(clamp(x, lo, hi)(x = 0.5, lo = nan, hi = 1.0)));  // a NaN bound too
    CHECK(std::isnan(clamp(x, lo, hi)(x = 0.5, lo = 0.0, hi = nan)));
    CHECK(std::isnan(bce_with_logits(x, y)(x = nan, y = 1.0)));
    CHECK(std::isnan(mse(x, y)(x = nan, y = 1.0)));
}

TEST_CASE("abs(-0.0) is +0.0, as in PyTorch", "[ops][conventions]") {
    CHECK(!std::signbit(abs(x)(x = -0.0)));
    CHECK(1.0 / abs(x)(x = -0.0) == std::numeric_limits<double>::infinity());
    CHECK(!std::signbit(abs(-0.0f + x)(x = 0.0f)));
}

TEST_CASE("integer powers are safe for every int", "[ops][conventions]") {
    constexpr int min_int = std::numeric_limits<int>::min(), max_int = std::numeric_limits<int>::max();
    CHECK(pow(x, min_int)(x = 2.0) == 0.0);
    CHECK(pow(x, min_int)(x = 1.0) == 1.0);
    CHECK(pow(x, min_int)(x = -1.0) == 1.0);
    CHECK(pow(x, max_int)(x = -1.0) == -1.0);
    CHECK(grad(pow(x, min_int), x = 1.0)[x] == double(min_int));
    CHECK(grad(pow(x, max_int), x = 1.0)[x] == double(max_int));
    STATIC_REQUIRE(pow(x, min_int)(x = 1.0) == 1.0);
    CHECK(math::ipow(2.0, std::numeric_limits<long long>::min()) == 0.0);
}

TEST_CASE("asinh' and acosh' stay exact for huge arguments instead of overflowing to 0", "[ops][conventions]") {
    // 1/sqrt(a^2 + 1) and 1/sqrt(a^2 - 1) with a*a = inf would be 0; the derivative is 1/a
    CHECK_THAT(grad(asinh(x), x = 1e200)[x], WithinRel(1e-200, 1e-12));
    CHECK_THAT(grad(asinh(x), x = -1e200)[x], WithinRel(1e-200, 1e-12));
    CHECK_THAT(grad(acosh(x), x = 1e200)[x], WithinRel(1e-200, 1e-12));
    // chained with a huge inner derivative: d/dz asinh(expm1(z)) -> 1 as z grows
    CHECK_THAT(grad(asinh(expm1(x)), x = 400.0)[x], WithinRel(1.0, 1e-12));
    CHECK_THAT(grad(acosh(1.0 + exp(x)), x = 400.0)[x], WithinRel(1.0, 1e-12));
    // and near 1, acosh' = 1/sqrt((a - 1)(a + 1)) keeps a - 1 exact
    CHECK_THAT(grad(acosh(x), x = 1.0 + 1e-12)[x], WithinRel(1.0 / std::sqrt(2e-12 + 1e-24), 1e-3));
}

TEST_CASE("atan2's partials neither overflow nor underflow for huge or tiny arguments", "[ops][conventions]") {
    // b / (a^2 + b^2) with a^2 = inf would be 0
    const auto g = grad(atan2(x, y), x = 1e200, y = 1e200);
    CHECK_THAT(g[x], WithinRel(5e-201, 1e-12));
    CHECK_THAT(g[y], WithinRel(-5e-201, 1e-12));
    const auto t = grad(atan2(x, y), x = 3e-200, y = 4e-200);  // a^2 + b^2 = 0 in double
    CHECK_THAT(t[x], WithinRel(1.6e199, 1e-12));  // 4e-200 / 25e-400
    CHECK_THAT(grad(atan2(x, y), x = 1.0, y = 2.0)[x], WithinRel(0.4, 1e-15));
}
