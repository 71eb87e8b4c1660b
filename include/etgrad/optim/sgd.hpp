/// @file sgd.hpp  Stochastic gradient descent, like torch.optim.SGD: momentum, dampening,
/// Nesterov momentum and weight decay (L2), with PyTorch's update formulas.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include <etgrad/optim/optimizer.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::optim {

/// torch.optim.SGD's hyperparameters: `optim::sgd(params, {.lr = 0.1, .momentum = 0.9})`.
struct sgd_options {
    double lr = 1e-3;
    double momentum = 0;
    double dampening = 0;
    double weight_decay = 0;
    bool nesterov = false;
};

class sgd : public optimizer {
  public:
    sgd(std::vector<Tensor> params, double lr) : sgd(std::move(params), sgd_options{.lr = lr}) {}
    sgd(std::vector<Tensor> params, const sgd_options& o) : optimizer("sgd", std::move(params), o.lr), o_(o) {
        check_nonnegative("momentum", o.momentum);
        check_nonnegative("weight_decay", o.weight_decay);
        if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
            throw std::invalid_argument("optim::sgd: Nesterov momentum requires a momentum and zero dampening");
        momentum_ = buffers();
        started_.assign(params_.size(), false);
    }
    /// One step, without recording: g = grad + weight_decay p; with momentum b = momentum b +
    /// (1 - dampening) g (b = g at its first step), g = b (or g + momentum b, Nesterov);
    /// p -= lr g. Parameters without a gradient are skipped.
    void step() {
        no_grad_guard guard;
        for (std::size_t i = 0; i < params_.size(); ++i) {
            const Tensor g = params_[i].grad();
            if (!g.defined()) continue;
            double* b = momentum_[i].data();
            auto update = [&]<class T>(T* p, const T* gd) {
                for (std::int64_t k = 0; k < params_[i].numel(); ++k) {
                    double d = gd[k];
                    if (o_.weight_decay != 0) d += o_.weight_decay * p[k];
                    if (o_.momentum != 0) {
                        b[k] = started_[i] ? o_.momentum * b[k] + (1 - o_.dampening) * d : d;
                        d = o_.nesterov ? d + o_.momentum * b[k] : b[k];
                    }
                    p[k] = T(p[k] - lr_ * d);
                }
            };
            if (g.dtype() == float32) update(params_[i].data_ptr<float>(), g.data_ptr<float>());
            else update(params_[i].data_ptr<double>(), g.data_ptr<double>());
            started_[i] = true;  // the momentum buffer starts at a parameter's first gradient
        }
    }

  private:
    sgd_options o_;
    std::vector<std::vector<double>> momentum_;
    std::vector<bool> started_;
};

}  // namespace etgrad::optim
