// Logistic regression trained with optim::sgd on the tape, on generated data; the loss per
// sample is a static expression recorded as one tape node.
#include <cstdint>
#include <cstdio>
#include <vector>

#include <etgrad/tape.hpp>
#include <etgrad/optim.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    // 500 points in 2-d, labelled by a line, 5% of labels flipped
    std::uint64_t s = 42;
    auto uniform = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    const int n = 500;
    std::vector<double> xs, ys;
    for (int i = 0; i < n; ++i) {
        const double a = uniform() * 6 - 3, b = uniform() * 6 - 3;
        xs.insert(xs.end(), {a, b});
        const bool label = 1.5 * a - b + 0.5 > 0;
        ys.push_back((uniform() < 0.05) != label ? 1.0 : 0.0);
    }
    const Tensor X = from_vector(xs, {n, 2}), Y = from_vector(ys, {n});

    Tensor w = zeros({2}).requires_grad_();
    Tensor b = tensor(0.0, requires_grad);
    optim::sgd opt({w, b}, 0.5);
    constexpr auto Z = var<"z">;
    constexpr auto T = var<"t">;
    constexpr auto loss_expr = bce_with_logits(Z, T);  // one static node per step
    double first = 0, last = 0;
    for (int epoch = 0; epoch < 300; ++epoch) {
        opt.zero_grad();
        Tensor loss = mean(loss_expr(Z = matmul(X, w) + b, T = Y));
        loss.backward();
        opt.step();
        if (epoch == 0) first = loss.item();
        last = loss.item();
    }
    no_grad_guard guard;
    const auto p = sigmoid(matmul(X, w) + b).to_vector();
    int correct = 0;
    for (int i = 0; i < n; ++i) correct += (p[std::size_t(i)] > 0.5) == (ys[std::size_t(i)] > 0.5);
    const double accuracy = double(correct) / n;
    std::printf("loss %.4f -> %.4f after 300 epochs; w = [%.3f, %.3f], b = %.3f\n", first, last, w.to_vector()[0],
                w.to_vector()[1], b.item());
    std::printf("  accuracy %.3f (at least 0.90 expected: labels are 5%% noisy)   %s\n", accuracy,
                accuracy >= 0.90 ? "ok" : "MISMATCH");
    if (accuracy < 0.90 || !(last < first)) ++example::failures;
    return example::done();
}
