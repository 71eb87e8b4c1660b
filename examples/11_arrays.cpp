// The static engine over arrays: the seed's mean(x**2), then logistic regression on 2,000
// generated samples of 8 features as ONE expression, mean(bce_with_logits(matmul(X, w) + b, y)),
// trained by gradient descent with the gradient written into a buffer (nothing allocated per
// step). The first gradient is checked against the tape's.
#include <cstdint>
#include <cstdio>
#include <vector>

#include <etgrad/array.hpp>
#include <etgrad/tape.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto x = var<"x">;
    const auto seed = value_and_grad(mean(x * x), x = std::vector{1.0, 2.0, 3.0});
    std::printf("mean(x**2) over [1, 2, 3]: gradient\n");
    example::expect4("x.grad[0]", seed.grad[x][0], 0.6667);
    example::expect4("x.grad[1]", seed.grad[x][1], 1.3333);
    example::expect4("x.grad[2]", seed.grad[x][2], 2.0);

    // 2,000 samples, 8 features, labelled by a hyperplane with 5% of the labels flipped
    std::uint64_t s = 7;
    auto uniform = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    const std::size_t n = 2000, d = 8;
    std::vector<double> features(n * d), labels(n);
    for (std::size_t i = 0; i < n; ++i) {
        double z = 0.3;
        for (std::size_t j = 0; j < d; ++j) {
            features[i * d + j] = uniform() * 4 - 2;
            z += (j % 2 ? -1.0 : 1.0) * double(j + 1) * 0.2 * features[i * d + j];
        }
        labels[i] = (uniform() < 0.05) != (z > 0) ? 1.0 : 0.0;
    }
    constexpr auto X = var<"X">;
    constexpr auto w = var<"w">;
    constexpr auto b = var<"b">;
    constexpr auto y = var<"y">;
    constexpr auto loss = mean(bce_with_logits(matmul(X, w) + b, y));
    const auto data = as_matrix(features, n, d);
    std::vector<double> weights(d, 0.0), dw(d);
    double bias = 0.0, first = 0.0, last = 0.0;

    // the first gradient, against the tape's
    const auto r0 = value_and_grad(loss, wrt(w, b), X = data, y = labels, w = weights, b = bias);
    Tensor tw = from_vector(weights, {std::int64_t(d)}).requires_grad_(), tb = tensor(bias, requires_grad);
    Tensor tl = bce_with_logits(matmul(from_vector(features, {std::int64_t(n), std::int64_t(d)}), tw) + tb,
                                from_vector(labels, {std::int64_t(n)}));
    tl.backward();
    std::printf("the first step, against the tape:\n");
    example::compare("loss", tl.item(), r0.value);
    example::compare("dL/db", tb.grad().item(), r0.grad[b]);
    for (std::size_t j = 0; j < d; j += 3) example::compare("dL/dw_j", tw.grad().to_vector()[j], r0.grad[w][j]);

    for (int step = 0; step < 200; ++step) {
        const auto r = value_and_grad(loss, wrt(w, b), into(w, dw), X = data, y = labels, w = weights, b = bias);
        for (std::size_t j = 0; j < d; ++j) weights[j] -= 0.5 * dw[j];
        bias -= 0.5 * r.grad[b];
        if (step == 0) first = r.value;
        last = r.value;
    }
    const std::vector<double> z = evaluate(matmul(X, w) + b, X = data, w = weights, b = bias);  // the logits
    int correct = 0;
    for (std::size_t i = 0; i < n; ++i) correct += (z[i] > 0) == (labels[i] > 0.5);
    const double accuracy = double(correct) / double(n);
    std::printf("loss %.4f -> %.4f after 200 steps; accuracy %.3f (at least 0.90 expected: 5%% of labels flipped)  %s\n",
                first, last, accuracy, accuracy >= 0.90 && last < first ? "ok" : "MISMATCH");
    if (accuracy < 0.90 || !(last < first)) ++example::failures;
    return example::done();
}
