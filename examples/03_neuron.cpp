// A neuron z = w*x + b, p = sigmoid(z), L = bce(p, y) at x = 6.7, y = 0, w = 1, b = 0.
#include <cmath>

#include <etgrad/static.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;

    auto loss = bce(sigmoid(w * x + b), y);
    auto g = value_and_grad(loss, wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);

    // the manual chain rule: dL/dp * dp/dz * dz/dw
    const double xv = 6.7, yv = 0.0, p = 1 / (1 + std::exp(-(1.0 * xv + 0.0)));
    const double dL_dp = (p - yv) / (p * (1 - p)), dp_dz = p * (1 - p);
    std::printf("L = bce(sigmoid(w*x + b), y)\n");
    example::compare("loss", -((yv * std::log(p)) + (1 - yv) * std::log(1 - p)), g.value);
    example::compare("dL/dw = dL/dp dp/dz x", dL_dp * dp_dz * xv, g.grad[w]);
    example::compare("dL/db = dL/dp dp/dz 1", dL_dp * dp_dz, g.grad[b]);
    example::compare("dL/dw = (p - y) x", (p - yv) * xv, g.grad[w]);
    example::compare("dL/db = p - y", p - yv, g.grad[b]);
    example::expect4("loss", g.value, 6.7012);
    example::expect4("w.grad", g.grad[w], 6.6918);
    example::expect4("b.grad", g.grad[b], 0.9988);

    // the same neuron in float, as PyTorch computes it
    auto f = value_and_grad(loss, wrt(w, b), w = 1.0f, b = 0.0f, x = 6.7f, y = 0.0f);
    example::expect4("float loss", f.value, 6.7012);
    example::expect4("float w.grad", f.grad[w], 6.6918);
    return example::done();
}
