// (c) A 4th derivative of a 10-node expression: sin(x * y) * exp(x) + tanh(x) (10 nodes: x, y,
// *, sin, x, exp, *, x, tanh, +).
#include <etgrad/symbolic.hpp>

using namespace etgrad;

constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto f = sin(x * y) * exp(x) + tanh(x);

double fourth(double a, double b) {
    constexpr auto d4 = d(d(d(d(f, x), x), x), x);
    return d4(x = a, y = b);
}
