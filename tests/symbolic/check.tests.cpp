// Gradient formulas checked by the compiler (the failing case is tests/compile_fail/wrong_formula.cpp).
#include <etgrad/symbolic.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto p = sigmoid(w * x + b);
}  // namespace

TEST_CASE("hand-derived gradients of the neuron are proved at compile time", "[symbolic][check]") {
    // structurally: bce_with_logits simplifies all the way
    STATIC_REQUIRE(check_derivative(bce_with_logits(w * x + b, y), w, (p - y) * x));
    STATIC_REQUIRE(check_derivative(bce_with_logits(w * x + b, y), b, p - y));
    STATIC_REQUIRE(check_derivative(bce_with_logits(w * x + b, y), w, x * (p - y)));  // any order of operands
    // products of sums are not expanded, so the expanded formula is proved at points instead
    STATIC_REQUIRE(check_derivative(bce_with_logits(w * x + b, y), w, x * p - y * x, at(w = 0.5, b = 1.0, x = 2.0, y = 1.0)));
    // by constant evaluation at points: the clamped bce
    STATIC_REQUIRE(check_derivative(bce(p, y), w, (p - y) * x, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0),
                                    at(w = -0.5, b = 0.3, x = 2.0, y = 1.0), at(w = 2.0, b = -1.0, x = -1.5, y = 0.0)));
    STATIC_REQUIRE(check_derivative(bce(p, y), b, p - y, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0),
                                    at(w = -0.5, b = 0.3, x = 2.0, y = 1.0)));
    // the hand-written chain rule, dL/dp * dp/dz * dz/dw
    STATIC_REQUIRE(check_derivative(bce(p, y), w, (p - y) / (p * (1_c - p)) * (p * (1_c - p)) * x,
                                    at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));
    STATIC_REQUIRE(check_derivative(sin(x * x), x, 2_c * x * cos(x * x)));
}
