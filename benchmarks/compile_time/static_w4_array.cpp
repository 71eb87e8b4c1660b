// Logistic regression (W4) as one static array expression: its value and its gradient with
// respect to the weights and the bias over an (N, d) matrix, through <etgrad/array.hpp>.
#include <cstddef>
#include <vector>

#include <etgrad/array.hpp>

using namespace etgrad;

double w4_loss_and_grad(const std::vector<double>& features, const std::vector<double>& labels, std::vector<double>& w,
                        double& b, std::size_t d) {
    constexpr auto X = var<"X">;
    constexpr auto wv = var<"w">;
    constexpr auto bv = var<"b">;
    constexpr auto y = var<"y">;
    std::vector<double> dw(d);
    const auto r = value_and_grad(mean(bce_with_logits(matmul(X, wv) + bv, y)), wrt(wv, bv), into(wv, dw),
                                  X = as_matrix(features, labels.size(), d), y = labels, wv = w, bv = b);
    for (std::size_t j = 0; j < d; ++j) w[j] -= 0.1 * dw[j];
    b -= 0.1 * r.grad[bv];
    return r.value;
}
