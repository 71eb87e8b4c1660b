/// @file sgd.hpp  Stochastic gradient descent over tape tensors, like torch.optim.SGD.
#pragma once
#include <utility>
#include <vector>

#include <etgrad/tape/tensor.hpp>

namespace etgrad::optim {

class sgd {
  public:
    sgd(std::vector<Tensor> params, double lr) : params_(std::move(params)), lr_(lr) {
        for (const Tensor& p : params_)
            if (!p.is_leaf() || !p.requires_grad())
                throw autograd_error("optim::sgd: parameters must be leaf tensors that require grad");
    }
    /// Zeroes every parameter's gradient in place.
    void zero_grad() {
        for (Tensor& p : params_) {
            Tensor g = p.grad();
            if (g.defined()) g.zero_();
        }
    }
    /// p -= lr * p.grad() for every parameter with a gradient, without recording.
    void step() {
        no_grad_guard guard;
        for (Tensor& p : params_) {
            const Tensor g = p.grad();
            if (!g.defined()) continue;
            double* d = p.data();
            for (std::int64_t k = 0; k < p.numel(); ++k) d[k] -= lr_ * g.data()[k];
        }
    }

  private:
    std::vector<Tensor> params_;
    double lr_;
};

}  // namespace etgrad::optim
