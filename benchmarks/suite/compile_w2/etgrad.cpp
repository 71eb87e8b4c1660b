// W2 (the neuron's gradient) through etgrad's static engine: compile-time benchmark.
#include <etgrad/static.hpp>
using namespace etgrad;
double w2(double wv, double bv, double xv, double yv, double* db) {
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
    const auto r = value_and_grad(bce(sigmoid(w * x + b), y), wrt(w, b), w = wv, b = bv, x = xv, y = yv);
    *db = r.grad[b];
    return r.grad[w];
}
