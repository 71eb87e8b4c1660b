// optim::sgd trains logistic regression; independent threads train concurrently (run under
// ThreadSanitizer as etgrad_tape_tsan).
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include <etgrad/tape.hpp>
#include <etgrad/optim.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
/// Logistic regression on generated, linearly separable-with-noise data; returns the accuracy.
double train(std::uint64_t seed, int epochs) {
    std::uint64_t s = seed;
    auto uniform = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    const int n = 64;
    std::vector<double> xs, ys;
    for (int i = 0; i < n; ++i) {
        const double a = uniform() * 4 - 2, b = uniform() * 4 - 2;
        xs.push_back(a);
        xs.push_back(b);
        ys.push_back(a + 0.5 * b + 0.1 * (uniform() - 0.5) > 0 ? 1.0 : 0.0);
    }
    const Tensor X = from_vector(xs, {n, 2});
    const Tensor Y = from_vector(ys, {n});
    Tensor w = zeros({2}).requires_grad_();
    Tensor b = tensor(0.0, requires_grad);
    optim::sgd opt({w, b}, 0.5);
    for (int e = 0; e < epochs; ++e) {
        opt.zero_grad();
        Tensor loss = bce_with_logits(matmul(X, w) + b, Y);
        loss.backward();
        opt.step();
    }
    no_grad_guard guard;
    const auto p = sigmoid(matmul(X, w) + b).to_vector();
    int correct = 0;
    for (int i = 0; i < n; ++i) correct += (p[std::size_t(i)] > 0.5) == (ys[std::size_t(i)] > 0.5);
    return double(correct) / n;
}
}  // namespace

TEST_CASE("sgd trains logistic regression to high accuracy", "[tape][train]") {
    CHECK(train(7, 200) >= 0.95);
}

TEST_CASE("independent threads build and backpropagate concurrently", "[tape][threads]") {
    const double expected = train(11, 50);
    std::vector<double> got(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&got, t] { got[std::size_t(t)] = train(11, 50); });
    for (auto& t : threads) t.join();
    for (double g : got) CHECK(g == expected);
}
