// By hand, dL/dw = (p - y) x and dL/db = p - y for L = bce(sigmoid(w x + b), y).
// Here the compiler proves them: structurally for bce_with_logits, and by constant evaluation
// at points for the clamped bce. Change a formula and this file stops compiling.
#include <etgrad/symbolic.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
    constexpr auto p = sigmoid(w * x + b);

    static_assert(check_derivative(bce_with_logits(w * x + b, y), w, (p - y) * x));
    static_assert(check_derivative(bce_with_logits(w * x + b, y), b, p - y));
    static_assert(check_derivative(bce(p, y), w, (p - y) * x, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0),
                                   at(w = -0.5, b = 0.3, x = 2.0, y = 1.0)));
    static_assert(check_derivative(bce(p, y), b, p - y, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));

    // and at run time, the formula and the derivative agree at the neuron's point
    const auto dw = d(bce(p, y), w);
    const double formula = ((p - y) * x)(w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    example::compare("dL/dw: (p - y) x vs d(L, w)", formula, dw(w = 1.0, b = 0.0, x = 6.7, y = 0.0), 1e-12);
    example::expect4("dL/dw", formula, 6.6918);
    return example::done();
}
