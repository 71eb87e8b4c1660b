// One translation unit computing the neuron's value_and_grad through <etgrad/static.hpp>:
// the compile-time benchmark of scripts/compile-time.sh.
#include <etgrad/static.hpp>

using namespace etgrad;

struct neuron_gradient {
    double loss, dw, db;
};

neuron_gradient neuron(double wv, double bv, double xv, double yv) {
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
    const auto r = value_and_grad(bce(sigmoid(w * x + b), y), wrt(w, b), w = wv, b = bv, x = xv, y = yv);
    return {r.value, r.grad[w], r.grad[b]};
}
