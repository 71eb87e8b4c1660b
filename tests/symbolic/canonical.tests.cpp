// Every simplification law, checked at compile time.
#include <type_traits>

#include <etgrad/symbolic.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;
template <class A, class B>
constexpr bool same_type(const A&, const B&) {
    return std::is_same_v<A, B>;
}
}  // namespace

TEST_CASE("compile-time rationals fold", "[symbolic][canonical]") {
    STATIC_REQUIRE(same_type(simplify(2_c + 3_c), 5_c));
    STATIC_REQUIRE(same_type(simplify(2_c * c<1, 4>), c<1, 2>));
    STATIC_REQUIRE(same_type(simplify(1_c / 3_c - c<1, 3>), 0_c));
    STATIC_REQUIRE(same_type(simplify(pow(c<2, 3>, 2_c)), c<4, 9>));
    STATIC_REQUIRE(same_type(simplify(-(-(2_c))), 2_c));
    STATIC_REQUIRE(same_type(simplify(exp(0_c) + cos(0_c) + sin(0_c) + log(1_c)), 2_c));
    STATIC_REQUIRE(same_type(simplify(detail::step(2_c) + detail::sign(-3_c) + detail::in_interval(1_c, 0_c, 1_c)), 1_c));
    STATIC_REQUIRE(same_type(simplify(detail::tie_split(1_c, 1_c)), c<1, 2>));
}

TEST_CASE("identities: e*1, e*0, e+0, -(-e), e-e, e/e where safe", "[symbolic][canonical]") {
    STATIC_REQUIRE(same_type(simplify(x * 1_c), x));
    STATIC_REQUIRE(same_type(simplify(1_c * x), x));
    STATIC_REQUIRE(same_type(simplify(x * 0_c), 0_c));
    STATIC_REQUIRE(same_type(simplify(x + 0_c), x));
    STATIC_REQUIRE(same_type(simplify(-(-x)), x));
    STATIC_REQUIRE(same_type(simplify(sin(x) - sin(x)), 0_c));
    STATIC_REQUIRE(same_type(simplify(exp(x) / exp(x)), 1_c));         // exp cannot be 0
    STATIC_REQUIRE(same_type(simplify(sigmoid(x) / sigmoid(x)), 1_c));  // nor can sigmoid
    STATIC_REQUIRE(!same_type(simplify(x / x), 1_c));                   // x can: x/x stays
    STATIC_REQUIRE(x / x == x / x);
    STATIC_REQUIRE(same_type(simplify(x * x / x), x));                  // x^2 * x^-1 = x
}

TEST_CASE("like terms and like factors are collected", "[symbolic][canonical]") {
    STATIC_REQUIRE(same_type(simplify(x + x), 2_c * x));
    STATIC_REQUIRE(x + x == 2_c * x);
    STATIC_REQUIRE(2_c * x + 3_c * x == 5_c * x);
    STATIC_REQUIRE(x * x == pow(x, 2_c));
    STATIC_REQUIRE(x * x * x == pow(x, 3_c));
    STATIC_REQUIRE(pow(x, 2_c) * pow(x, c<1, 2>) == pow(x, c<5, 2>));
    STATIC_REQUIRE(square(x) == x * x);
    STATIC_REQUIRE(pow(x * y, 2_c) == x * x * y * y);
    STATIC_REQUIRE(3_c * (x + y) == 3_c * x + 3_c * y);  // a coefficient distributes
    STATIC_REQUIRE(-(x - y) == y - x);
    STATIC_REQUIRE(x * y - y * x == 0_c);
}

TEST_CASE("operands take a canonical order, so equal formulas get equal types", "[symbolic][canonical]") {
    STATIC_REQUIRE(same_type(simplify(x + y), simplify(y + x)));
    STATIC_REQUIRE(same_type(simplify(x * y * z), simplify(z * (y * x))));
    STATIC_REQUIRE(same_type(simplify(sin(x + y) * z), simplify(z * sin(y + x))));
    STATIC_REQUIRE(same_type(simplify((x + y) + z), simplify(x + (y + z))));
    STATIC_REQUIRE(x - y != y - x);
    STATIC_REQUIRE(sin(x) != cos(x));
}

TEST_CASE("simplification is idempotent and keeps the value", "[symbolic][canonical]") {
    constexpr auto e = (x + y) * (x - y) / (1_c + x * x) + sin(x) * sin(x) - 3_c * y / y;
    STATIC_REQUIRE(same_type(simplify(simplify(e)), simplify(e)));
    CHECK_THAT(simplify(e)(x = 0.3, y = -1.7), WithinRel(e(x = 0.3, y = -1.7), 1e-14));
}

TEST_CASE("run-time constants are coefficients combined at run time", "[symbolic][canonical]") {
    const auto e = simplify(2.5 * x + 3.5 * x);
    CHECK(e(x = 2.0) == 12.0);
    CHECK(to_string(e) == "6*x");
    CHECK(2.5 * x + 3.5 * x == 6.0 * x);   // == compares run-time values too
    CHECK(!(2.5 * x == 3.5 * x));
    // atoms holding different run-time constants are never merged as like factors
    const auto f = simplify(sin(2.0 * x) * sin(3.0 * x));
    CHECK_THAT(f(x = 0.7), WithinRel(std::sin(1.4) * std::sin(2.1), 1e-14));
}
