// d(f, x): the types the issue names, higher order, mixed partials, hessian, and agreement
// with the numeric sweep on random compositions of ops.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include <etgrad/symbolic.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
}  // namespace

TEST_CASE("d() gives the canonical derivative types", "[symbolic][d]") {
    STATIC_REQUIRE(d(x * x, x) == 2_c * x);
    STATIC_REQUIRE(std::is_same_v<decltype(d(x * x, x)), decltype(2_c * x)>);
    STATIC_REQUIRE(d(x * x * x, x) == 3_c * pow(x, 2_c));
    STATIC_REQUIRE(d(x * y, x) == y);
    STATIC_REQUIRE(d(x * y, w) == 0_c);
    STATIC_REQUIRE(d(sin(x), x) == cos(x));
    STATIC_REQUIRE(d(exp(2_c * x), x) == 2_c * exp(2_c * x));
    STATIC_REQUIRE(d(log(x), x) == 1_c / x);
    STATIC_REQUIRE(d(x / y, y) == -x / (y * y));
    STATIC_REQUIRE(d(sqrt(x), x) == c<1, 2> / sqrt(x));
    STATIC_REQUIRE(d(relu(x), x) == detail::step(x));
    STATIC_REQUIRE(d(abs(x), x) == detail::sign(x));
    STATIC_REQUIRE(d(d(relu(x), x), x) == 0_c);  // indicators have derivative 0
    STATIC_REQUIRE(d(sigmoid(x), x) == sigmoid(x) * (1_c - sigmoid(x)));
    STATIC_REQUIRE(d(tanh(x), x) == 1_c - tanh(x) * tanh(x));
    STATIC_REQUIRE(d(pow(x, y), y) == pow(x, y) * log(x));
}

TEST_CASE("d() evaluates like any expression", "[symbolic][d]") {
    CHECK_THAT(d(sin(x * x), x)(x = 4.0), WithinRel(-7.661275842587077, 1e-12));
    CHECK_THAT(d(sin(x * x), x)(x = 3.0), WithinRel(-5.466781571308061, 1e-12));
    constexpr auto loss = bce(sigmoid(w * x + b), y);
    CHECK_THAT(d(loss, w)(w = 1.0, b = 0.0, x = 6.7, y = 0.0), WithinRel(6.691762447357178, 1e-7));
    CHECK_THAT(d(loss, b)(w = 1.0, b = 0.0, x = 6.7, y = 0.0), WithinRel(0.998770534992218, 1e-7));
}

TEST_CASE("higher order, mixed partials, several variables and the hessian", "[symbolic][d]") {
    constexpr auto f = sin(x * x);
    STATIC_REQUIRE(d(d(f, x), x) == 2_c * cos(x * x) - 4_c * x * x * sin(x * x));
    CHECK_THAT(d(d(f, x), x)(x = 3.0), WithinRel(2 * std::cos(9.0) - 36 * std::sin(9.0), 1e-12));
    STATIC_REQUIRE(d(d(x * x * y, x), y) == 2_c * x);
    STATIC_REQUIRE(d(d(x * x * y, y), x) == 2_c * x);  // mixed partials commute
    STATIC_REQUIRE(d(d(d(d(pow(x, 5_c), x), x), x), x) == 120_c * x);

    constexpr auto dxy = d(x * x * y, x, y);
    STATIC_REQUIRE(std::get<0>(dxy) == 2_c * x * y);
    STATIC_REQUIRE(std::get<1>(dxy) == x * x);
    auto [dx, dy] = d(x * x * y, x, y);
    CHECK(dx(x = 3.0, y = 2.0) == 12.0);
    CHECK(dy(x = 3.0, y = 2.0) == 9.0);
    const auto both = d(x * x * y, x, y)(x = 3.0, y = 2.0);
    CHECK(both[0] == 12.0);
    CHECK(both[1] == 9.0);

    constexpr auto loss = bce_with_logits(w * x + b, y);
    constexpr auto H = hessian(loss, w, b);
    constexpr auto s = sigmoid(w * x + b);
    STATIC_REQUIRE(std::get<0>(std::get<0>(H)) == s * (1_c - s) * x * x);
    STATIC_REQUIRE(std::get<1>(std::get<0>(H)) == std::get<0>(std::get<1>(H)));
    const auto h = H(w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    const double p = 1 / (1 + std::exp(-6.7));
    CHECK_THAT(h[0][0], WithinRel(p * (1 - p) * 6.7 * 6.7, 1e-12));
    CHECK_THAT(h[0][1], WithinRel(p * (1 - p) * 6.7, 1e-12));
    CHECK_THAT(h[1][0], WithinRel(p * (1 - p) * 6.7, 1e-12));
    CHECK_THAT(h[1][1], WithinRel(p * (1 - p), 1e-12));
}

namespace {
// Random compositions of ops, generated at compile time from a seed: a constexpr LCG picks
// an op at each level; leaves are x, y or a constant. Ops are chosen to be finite on [-1, 1]^2.
constexpr std::uint64_t next(std::uint64_t s) { return s * 6364136223846793005ull + 1442695040888963407ull; }

template <std::uint64_t S, int Depth>
constexpr auto random_expr() {
    constexpr std::uint64_t s = next(S);
    constexpr int pick = int((s >> 33) % 12);
    if constexpr (Depth == 0) {
        if constexpr (pick % 3 == 0) return x;
        else if constexpr (pick % 3 == 1) return y;
        else return x * 0.75 - y;
    } else {
        constexpr auto a = random_expr<next(s), Depth - 1>();
        constexpr auto b2 = random_expr<next(next(s)), Depth - 1>();
        if constexpr (pick == 0) return sin(a);
        else if constexpr (pick == 1) return cos(a) * b2;
        else if constexpr (pick == 2) return tanh(a) + b2;
        else if constexpr (pick == 3) return sigmoid(a) - b2;
        else if constexpr (pick == 4) return a * b2;
        else if constexpr (pick == 5) return a / (1_c + b2 * b2);
        else if constexpr (pick == 6) return square(a) + 2_c * b2;
        else if constexpr (pick == 7) return exp(sin(a)) * b2;
        else if constexpr (pick == 8) return log1p(a * a) - b2;
        else if constexpr (pick == 9) return pow(a, 3) + b2;
        else if constexpr (pick == 10) return sqrt(1_c + a * a) * b2;
        else return -a + b2 * a;
    }
}

template <std::uint64_t Seed>
void check_random_composition() {
    constexpr auto f = random_expr<Seed, 3>();
    for (double xv : {-0.9, -0.3, 0.2, 0.8})
        for (double yv : {-0.7, 0.1, 0.6}) {
            const auto r = value_and_grad(f, x = xv, y = yv);
            INFO("f = " << f << " at x=" << xv << " y=" << yv);
            CHECK_THAT(d(f, x)(x = xv, y = yv), WithinRel(r.grad[x], 1e-10) || WithinAbs(r.grad[x], 1e-12));
            CHECK_THAT(d(f, y)(x = xv, y = yv), WithinRel(r.grad[y], 1e-10) || WithinAbs(r.grad[y], 1e-12));
            // and both against a central difference
            const double h = 1e-6;
            const double fd = (f(x = xv + h, y = yv) - f(x = xv - h, y = yv)) / (2 * h);
            CHECK_THAT(r.grad[x], WithinRel(fd, 1e-6) || WithinAbs(fd, 1e-8));
            // the simplified expression has the same value
            CHECK_THAT(simplify(f)(x = xv, y = yv), WithinRel(r.value, 1e-12) || WithinAbs(r.value, 1e-14));
        }
}
template <std::uint64_t... Seeds>
void check_random_compositions(std::integer_sequence<std::uint64_t, Seeds...>) {
    (check_random_composition<Seeds * 7919 + 11>(), ...);
}
}  // namespace

TEST_CASE("d() agrees with the sweep and finite differences on random compositions", "[symbolic][d][random]") {
    check_random_compositions(std::make_integer_sequence<std::uint64_t, 10>{});
}
