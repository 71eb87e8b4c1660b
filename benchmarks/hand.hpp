/// @file hand.hpp  The hand-written gradients of W1 and W2, the baseline every W1/W2 benchmark
/// is a ratio to (and every gradient is checked against before it is timed).
#pragma once
#include <cmath>

namespace hand {

/// W1: sin(x*x), its value and derivative 2x cos(x^2).
struct w1_result {
    double value, dx;
};
[[gnu::always_inline]] inline w1_result w1(double x) {
    const double u = x * x;
    return {std::sin(u), 2 * x * std::cos(u)};
}

/// W2: the neuron bce(sigmoid(w*x + b), y), p clamped to [1e-8, 1 - 1e-8], by the chain rule
/// dL/dp * dp/dz * dz/dw.
struct w2_result {
    double loss, dw, db;
};
[[gnu::always_inline]] inline w2_result w2(double w, double b, double x, double y) {
    constexpr double lo = 1e-8, hi = 1 - 1e-8;
    const double p = 1 / (1 + std::exp(-(w * x + b)));
    const double pc = p < lo ? lo : (p > hi ? hi : p);
    const double loss = -(y * std::log(pc) + (1 - y) * std::log(1 - pc));
    const double dL_dp = (lo <= p && p <= hi) ? (pc - y) / (pc * (1 - pc)) : 0.0;
    const double dL_dz = dL_dp * (p * (1 - p));
    return {loss, dL_dz * x, dL_dz};
}

}  // namespace hand
