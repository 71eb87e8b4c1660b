// Expressions hold their children by value: built from temporaries, returned from functions,
// they never dangle. Run under AddressSanitizer (detect_stack_use_after_return).
#include <cmath>

#include <etgrad/static.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;

auto make_expression(double k) {
    const double local = k * 2;           // dies when the function returns
    auto inner = sin(x * x) + local * x;  // a named subexpression, also dying
    return inner * exp(-x) + k;
}
}  // namespace

TEST_CASE("an expression built from temporaries never dangles", "[static][storage]") {
    auto e = sin(x * x);
    auto r = value_and_grad(e, x = 3.0);
    CHECK_THAT(r.grad[x], WithinRel(-5.466781571308061, 1e-12));

    auto f = make_expression(1.5);
    // overwrite the stack where make_expression's locals lived
    volatile double scratch[64];
    for (int i = 0; i < 64; ++i) scratch[i] = -1.0;
    (void)scratch[0];
    const double v = 2.0;
    const double expected = (std::sin(v * v) + 3.0 * v) * std::exp(-v) + 1.5;
    CHECK_THAT(f(x = v), WithinRel(expected, 1e-14));
    const double dexpected = (2 * v * std::cos(v * v) + 3.0) * std::exp(-v) - (std::sin(v * v) + 3.0 * v) * std::exp(-v);
    CHECK_THAT(grad(f, x = v)[x], WithinRel(dexpected, 1e-12));
}
