// Binding by name, wrt, gradient indexing, compile-time evaluation.
#include <type_traits>

#include <etgrad/static.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;
}  // namespace

TEST_CASE("bindings are matched by name, in any order", "[static][bindings]") {
    auto f = x / y;
    CHECK(f(x = 6.0, y = 3.0) == 2.0);
    CHECK(f(y = 3.0, x = 6.0) == 2.0);
    auto g1 = grad(f, x = 6.0, y = 3.0);
    auto g2 = grad(f, y = 3.0, x = 6.0);
    CHECK(g1[x] == g2[x]);
    CHECK(g1[y] == g2[y]);
    CHECK(g1[y] == -6.0 / 9.0);
}

TEST_CASE("binding a variable the expression lacks is allowed and its gradient is 0", "[static][bindings]") {
    auto r = value_and_grad(x * x, x = 3.0, z = 5.0);
    CHECK(r.value == 9.0);
    CHECK(r.grad[x] == 6.0);
    CHECK(r.grad[z] == 0.0);
}

TEST_CASE("a variable used several times accumulates its adjoint", "[static][bindings]") {
    CHECK(grad(x * x * x, x = 2.0)[x] == 12.0);
    CHECK(grad(x + x + x, x = 2.0)[x] == 3.0);
    CHECK(grad(x * y + x, x = 2.0, y = 5.0)[x] == 6.0);
}

TEST_CASE("wrt limits the gradient to the listed variables", "[static][bindings]") {
    auto r = value_and_grad(x * y * z, wrt(y), x = 2.0, y = 3.0, z = 4.0);
    STATIC_REQUIRE(decltype(r.grad)::size() == 1);
    CHECK(r.value == 24.0);
    CHECK(r.grad[y] == 8.0);
    auto [v, g] = value_and_grad(x * y, wrt(x, y), x = 2.0, y = 3.0);
    CHECK(v == 6.0);
    CHECK(g[x] == 3.0);
    CHECK(g[y] == 2.0);
}

TEST_CASE("variables are empty literal types and evaluation is constexpr", "[static][bindings]") {
    STATIC_REQUIRE(std::is_empty_v<decltype(x)>);
    STATIC_REQUIRE((x * x)(x = 3.0) == 9.0);
    STATIC_REQUIRE(value_and_grad(x * x + 2_c * x, x = 3.0).grad[x] == 8.0);
    STATIC_REQUIRE(grad(x / y, x = 1.0, y = 2.0)[y] == -0.25);
    constexpr auto b = (x = 2.5);
    STATIC_REQUIRE(b.value == 2.5);
}

TEST_CASE("compile-time constants are exact rationals", "[static][bindings]") {
    STATIC_REQUIRE(std::is_same_v<decltype(c<4, 6>), const rational<2, 3>>);
    STATIC_REQUIRE(std::is_same_v<decltype(c<3, -6>), const rational<-1, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(2_c), rational<2, 1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(0.25_c), rational<1, 4>>);
    CHECK((0.5_c * x)(x = 3.0) == 1.5);
    CHECK((c<1, 3> * x)(x = 3.0) == 1.0);
}

TEST_CASE("plain numbers in an expression are run-time constants", "[static][bindings]") {
    double k = 2.5;
    auto f = k * x + 1;
    k = 100.0;  // the expression holds its own copy
    CHECK(f(x = 2.0) == 6.0);
    CHECK(grad(f, x = 2.0)[x] == 2.5);
}
