// W2 through LibTorch's autograd: compile-time benchmark.
#include <torch/torch.h>
double w2(double wv, double bv, double xv, double yv, double* db) {
    const auto f64 = torch::dtype(torch::kFloat64);
    auto w = torch::tensor(wv, f64.requires_grad(true)), b = torch::tensor(bv, f64.requires_grad(true));
    auto p = torch::clamp(torch::sigmoid(w * xv + b), 1e-8, 1 - 1e-8);
    auto l = -(yv * torch::log(p) + (1 - yv) * torch::log(1 - p));
    l.backward();
    *db = b.grad().item<double>();
    return w.grad().item<double>();
}
