// Softmax regression on the tape: three classes of generated points, shuffled mini-batches
// picked with index_select, cross_entropy, Adam; then the accuracy on fresh points.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

#include <etgrad/optim.hpp>
#include <etgrad/tape.hpp>

#include "side_by_side.hpp"

namespace {
using namespace etgrad;

/// n points around three centres (class i % 3 for point i), with normal noise of 0.8.
Tensor points(std::int64_t n, std::vector<std::int64_t>& labels) {
    const Tensor centres = tensor({{-2.0, 0.0}, {2.0, 0.0}, {0.0, 2.5}});
    labels.resize(std::size_t(n));
    for (std::int64_t i = 0; i < n; ++i) labels[std::size_t(i)] = i % 3;
    return index_select(centres, 0, labels) + 0.8 * randn({n, 2});
}

double accuracy(const Tensor& X, const std::vector<std::int64_t>& labels, const Tensor& W, const Tensor& b) {
    no_grad_guard guard;
    const std::vector<double> predicted = argmax(matmul(X, W) + b, 1).to_vector();
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) correct += std::int64_t(predicted[i]) == labels[i];
    return double(correct) / double(labels.size());
}
}  // namespace

int main() {
    manual_seed(0);
    std::vector<std::int64_t> train_labels, test_labels;
    const Tensor X = points(600, train_labels), X_test = points(300, test_labels);

    Tensor W = zeros({2, 3}).requires_grad_();
    Tensor b = zeros({3}).requires_grad_();
    optim::adam opt({W, b}, {.lr = 0.05});

    std::vector<std::int64_t> order(train_labels.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 shuffle_rng(1);
    double first = 0, last = 0;
    for (int epoch = 0; epoch < 20; ++epoch) {
        std::shuffle(order.begin(), order.end(), shuffle_rng);
        for (std::size_t start = 0; start < order.size(); start += 50) {
            const std::vector<std::int64_t> batch(order.begin() + std::ptrdiff_t(start),
                                                  order.begin() + std::ptrdiff_t(start + 50));
            std::vector<std::int64_t> targets;
            for (std::int64_t i : batch) targets.push_back(train_labels[std::size_t(i)]);
            opt.zero_grad();
            Tensor loss = cross_entropy(matmul(index_select(X, 0, batch), W) + b, targets);
            loss.backward();
            opt.step();
            if (epoch == 0 && start == 0) first = loss.item();
            last = loss.item();
        }
    }
    const double train = accuracy(X, train_labels, W, b), test = accuracy(X_test, test_labels, W, b);
    std::printf("cross-entropy %.4f on the first batch, %.4f on the last (20 epochs of 12 batches)\n", first, last);
    std::printf("  accuracy: train %.3f, test %.3f (at least 0.90 expected: the classes overlap a little)   %s\n",
                train, test, test >= 0.90 && train >= 0.90 ? "ok" : "MISMATCH");
    if (test < 0.90 || train < 0.90 || !(last < first)) ++example::failures;
    return example::done();
}
