// Gradient descent on the neuron's parameters, with static gradients.
#include <cmath>

#include <etgrad/static.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
    constexpr auto loss = bce_with_logits(w * x + b, y);

    // four points, separable at x = 1
    const double xs[] = {-1.0, 0.0, 2.0, 3.0}, ys[] = {0.0, 0.0, 1.0, 1.0};
    double wv = 0.0, bv = 0.0, first = 0.0, last = 0.0;
    for (int epoch = 0; epoch < 500; ++epoch) {
        double gw = 0, gb = 0, total = 0;
        for (int i = 0; i < 4; ++i) {
            auto r = value_and_grad(loss, wrt(w, b), w = wv, b = bv, x = xs[i], y = ys[i]);
            total += r.value / 4;
            gw += r.grad[w] / 4;
            gb += r.grad[b] / 4;
        }
        if (epoch == 0) first = total;
        last = total;
        wv -= 0.5 * gw;
        bv -= 0.5 * gb;
    }
    std::printf("mean loss: epoch 0 %.4f, epoch 499 %.4f; w = %.3f, b = %.3f\n", first, last, wv, bv);
    int correct = 0;
    for (int i = 0; i < 4; ++i) correct += (1 / (1 + std::exp(-(wv * xs[i] + bv))) > 0.5) == (ys[i] > 0.5);
    std::printf("  %d of 4 points classified correctly   %s\n", correct, correct == 4 ? "ok" : "MISMATCH");
    if (correct != 4 || !(last < 0.1 * first)) ++example::failures;
    return example::done();
}
