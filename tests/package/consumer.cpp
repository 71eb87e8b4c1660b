// A consumer of the packaged library: the neuron's gradient.
#include <cmath>
#include <cstdio>

#include <etgrad/etgrad.hpp>

int main() {
    using namespace etgrad;
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
    auto g = value_and_grad(bce(sigmoid(w * x + b), y), wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    std::printf("loss %.4f dw %.4f db %.4f\n", g.value, g.grad[w], g.grad[b]);
    return std::fabs(g.grad[w] - 6.6918) < 1e-4 && std::fabs(g.grad[b] - 0.9988) < 1e-4 ? 0 : 1;
}
