/// @file adam.hpp  Adam and AdamW, like torch.optim.Adam and torch.optim.AdamW, with PyTorch's
/// update formulas (bias-corrected moments; AdamW's decoupled weight decay; AMSGrad).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <etgrad/optim/optimizer.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::optim {

/// torch.optim.Adam's hyperparameters: `optim::adam(params, {.lr = 1e-2})`.
struct adam_options {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0;
    bool amsgrad = false;
};

/// torch.optim.AdamW's hyperparameters (weight decay 0.01 by default).
struct adamw_options {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    bool amsgrad = false;
};

}  // namespace etgrad::optim

namespace etgrad::detail {
/// The step Adam and AdamW share; AdamW decays the parameters before it and passes no L2 term.
class adam_base : public optim::optimizer {
  protected:
    adam_base(const char* name, std::vector<Tensor> params, const optim::adam_options& o, bool decoupled)
        : optimizer(name, std::move(params), o.lr), o_(o), decoupled_(decoupled) {
        check_nonnegative("eps", o.eps);
        check_nonnegative("weight_decay", o.weight_decay);
        if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1))
            throw std::invalid_argument(std::string("optim::") + name + ": betas must be in [0, 1)");
        m_ = buffers();
        v_ = buffers();
        if (o.amsgrad) v_max_ = buffers();
    }

  public:
    /// One step, without recording, for each parameter with a gradient g (t counts steps from 1):
    /// Adam: g += weight_decay p; AdamW: p *= 1 - lr weight_decay. Then
    /// m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2 (AMSGrad: v_max = max(v_max, v)),
    /// p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
    void step() {
        no_grad_guard guard;
        ++t_;
        const double bc1 = 1 - std::pow(o_.beta1, double(t_)), bc2_sqrt = std::sqrt(1 - std::pow(o_.beta2, double(t_)));
        const double step_size = lr_ / bc1;
        for (std::size_t i = 0; i < params_.size(); ++i) {
            const Tensor g = params_[i].grad();
            if (!g.defined()) continue;
            double* m = m_[i].data();
            double* v = v_[i].data();
            auto update = [&]<class T>(T* param, const T* gd) {
                for (std::int64_t k = 0; k < params_[i].numel(); ++k) {
                    double d = gd[k], p = param[k];
                    if (o_.weight_decay != 0) {
                        if (decoupled_) p *= 1 - lr_ * o_.weight_decay;
                        else d += o_.weight_decay * p;
                    }
                    m[k] = o_.beta1 * m[k] + (1 - o_.beta1) * d;
                    v[k] = o_.beta2 * v[k] + (1 - o_.beta2) * d * d;
                    double second = v[k];
                    if (o_.amsgrad) {
                        double& vmax = v_max_[i][std::size_t(k)];
                        vmax = vmax > v[k] ? vmax : v[k];
                        second = vmax;
                    }
                    param[k] = T(p + -step_size * (m[k] / (std::sqrt(second) / bc2_sqrt + o_.eps)));
                }
            };
            if (g.dtype() == float32) update(params_[i].data_ptr<float>(), g.data_ptr<float>());
            else update(params_[i].data_ptr<double>(), g.data_ptr<double>());
        }
    }

  private:
    optim::adam_options o_;
    bool decoupled_;
    std::vector<std::vector<double>> m_, v_, v_max_;
    long long t_ = 0;
};
}  // namespace etgrad::detail

namespace etgrad::optim {

/// Adam (weight decay as an L2 term in the gradient), like torch.optim.Adam.
class adam : public detail::adam_base {
  public:
    adam(std::vector<Tensor> params, double lr) : adam(std::move(params), adam_options{.lr = lr}) {}
    adam(std::vector<Tensor> params, const adam_options& o) : adam_base("adam", std::move(params), o, false) {}
};

/// AdamW (decoupled weight decay, 0.01 by default), like torch.optim.AdamW.
class adamw : public detail::adam_base {
  public:
    adamw(std::vector<Tensor> params, double lr) : adamw(std::move(params), adamw_options{.lr = lr}) {}
    adamw(std::vector<Tensor> params, const adamw_options& o)
        : adam_base("adamw", std::move(params), {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad}, true) {}
};

}  // namespace etgrad::optim
