// The value type follows the bindings: float, double, long double.
#include <cmath>
#include <type_traits>

#include <etgrad/static.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
}  // namespace

TEMPLATE_TEST_CASE("sin(x*x) in every floating type", "[static][types]", float, double, long double) {
    auto r = value_and_grad(sin(x * x), x = TestType(3));
    STATIC_REQUIRE(std::is_same_v<decltype(r.value), TestType>);
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(r.grad[x])>, TestType>);
    const TestType expected = 2 * TestType(3) * std::cos(TestType(9));
    const double eps = sizeof(TestType) == sizeof(float) ? 1e-5 : 1e-14;
    CHECK_THAT(double(r.grad[x]), WithinRel(double(expected), eps));
}

TEST_CASE("mixed bindings use the common type; integers promote to double", "[static][types]") {
    auto r = value_and_grad(x * y, x = 2.0f, y = 3.0);
    STATIC_REQUIRE(std::is_same_v<decltype(r.value), double>);
    auto i = value_and_grad(x * x, x = 3);
    STATIC_REQUIRE(std::is_same_v<decltype(i.value), double>);
    CHECK(i.grad[x] == 6.0);
    auto l = value_and_grad(x * 0.1L, x = 1.0L);
    STATIC_REQUIRE(std::is_same_v<decltype(l.value), long double>);
    CHECK(l.grad[x] == 0.1L);  // a long double constant keeps its precision
}

TEST_CASE("constants are cast to the value type", "[static][types]") {
    auto r = value_and_grad(x * 0.1, x = 1.0f);
    STATIC_REQUIRE(std::is_same_v<decltype(r.value), float>);
    CHECK(r.grad[x] == 0.1f);
}
