// (b) The symbolic gradient (one d() per variable, 10 variables) of a 64-node expression
// (69 nodes, leaves included): 7 terms sin(v_i * x) * exp(v_{i+1} - y) of 9 nodes each,
// summed by 6 additions.
#include <etgrad/symbolic.hpp>

using namespace etgrad;

constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto v0 = var<"v0">;
constexpr auto v1 = var<"v1">;
constexpr auto v2 = var<"v2">;
constexpr auto v3 = var<"v3">;
constexpr auto v4 = var<"v4">;
constexpr auto v5 = var<"v5">;
constexpr auto v6 = var<"v6">;
constexpr auto v7 = var<"v7">;

constexpr auto f = sin(v0 * x) * exp(v1 - y) + sin(v1 * x) * exp(v2 - y) + sin(v2 * x) * exp(v3 - y) +
                   sin(v3 * x) * exp(v4 - y) + sin(v4 * x) * exp(v5 - y) + sin(v5 * x) * exp(v6 - y) +
                   sin(v6 * x) * exp(v7 - y);

double gradient_sum(double a) {
    const auto g = d(f, x, y, v0, v1, v2, v3, v4, v5, v6, v7);
    const auto values = g(x = a, y = a, v0 = a, v1 = a, v2 = a, v3 = a, v4 = a, v5 = a, v6 = a, v7 = a);
    double s = 0;
    for (double v : values) s += v;
    return s;
}
