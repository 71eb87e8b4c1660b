/// @file optimizer.hpp  What every optimizer shares: its parameters (leaf tensors that require
/// grad), its learning rate (readable and settable between steps, for schedules), zero_grad().
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <etgrad/tape/tensor.hpp>

namespace etgrad::optim {

class optimizer {
  public:
    /// The learning rate of the next step.
    double lr() const noexcept { return lr_; }
    /// Changes the learning rate from the next step on (a schedule sets it between steps).
    void set_lr(double lr) {
        check_nonnegative("lr", lr);
        lr_ = lr;
    }
    /// Zeroes every parameter's gradient in place.
    void zero_grad() {
        for (Tensor& p : params_) {
            Tensor g = p.grad();
            if (g.defined()) g.zero_();
        }
    }
    /// The parameters, in the order given.
    const std::vector<Tensor>& params() const noexcept { return params_; }

  protected:
    optimizer(const char* name, std::vector<Tensor> params, double lr) : name_(name), params_(std::move(params)) {
        for (const Tensor& p : params_)
            if (!p.defined() || !p.is_leaf() || !p.requires_grad())
                throw autograd_error(std::string("optim::") + name_ + ": parameters must be leaf tensors that require grad");
        set_lr(lr);
    }
    void check_nonnegative(const char* what, double v) const {
        if (!(v >= 0.0))
            throw std::invalid_argument(std::string("optim::") + name_ + ": invalid " + what + " (" + std::to_string(v) +
                                        "), must be >= 0");
    }
    /// Per parameter, one buffer of its size (zero-filled): momentum or moment estimates, kept in
    /// double for float32 parameters too (their updates are computed in double and rounded).
    std::vector<std::vector<double>> buffers() const {
        std::vector<std::vector<double>> b;
        b.reserve(params_.size());
        for (const Tensor& p : params_) b.emplace_back(std::size_t(p.numel()), 0.0);
        return b;
    }

    const char* name_;
    std::vector<Tensor> params_;
    double lr_ = 0;
};

}  // namespace etgrad::optim
