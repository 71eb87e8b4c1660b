// SGD with momentum, weight decay and Nesterov, Adam, AdamW and AMSGrad follow PyTorch's update
// formulas: 100 steps of a fixed least-squares problem on the tape against the formulas of
// torch.optim's documentation, written out here on plain doubles, to 1e-12.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <vector>

#include <etgrad/optim.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {

// loss(w, b) = mean((X w + b - y)^2), X 4 x 3
const std::vector<double> X{0.5, -1.0, 2.0, 1.5, 0.3, -0.7, -1.2, 0.8, 0.1, 0.9, 2.2, -0.4};
const std::vector<double> Y{1.0, -2.0, 0.5, 3.0};
constexpr std::size_t N = 4, D = 3;

/// The gradient of the loss at (w, b), by hand: r = X w + b - y, dw = 2/N X^T r, db = 2/N sum r.
void hand_gradient(const std::vector<double>& w, double b, std::vector<double>& gw, double& gb) {
    gw.assign(D, 0.0);
    gb = 0;
    for (std::size_t i = 0; i < N; ++i) {
        double r = b - Y[i];
        for (std::size_t j = 0; j < D; ++j) r += X[i * D + j] * w[j];
        for (std::size_t j = 0; j < D; ++j) gw[j] += 2.0 / N * X[i * D + j] * r;
        gb += 2.0 / N * r;
    }
}

/// A parameter update rule on plain doubles: (parameter index, value, gradient, step t) -> value.
using rule = std::function<double(std::size_t, double, double, int)>;

/// Runs `steps` steps of the optimizer on the tape and of the reference rule on doubles, and
/// checks that the parameters agree after every step; `before(opt, t)` runs before step t.
template <class Opt, class Before = void (*)(Opt&, int)>
void same_as_formulas(Opt&& opt, Tensor w, Tensor b, rule ref, Before before = [](Opt&, int) {}, int steps = 100) {
    std::vector<double> rw{0.1, -0.2, 0.3};
    double rb = 0.05;
    const Tensor tx = from_vector(X, {4, 3}), ty = from_vector(Y, {4});
    for (int t = 1; t <= steps; ++t) {
        before(opt, t);
        opt.zero_grad();
        Tensor r = matmul(tx, w) + b - ty;
        mean(r * r).backward();
        opt.step();
        std::vector<double> gw;
        double gb = 0;
        hand_gradient(rw, rb, gw, gb);
        for (std::size_t j = 0; j < D; ++j) rw[j] = ref(j, rw[j], gw[j], t);
        rb = ref(D, rb, gb, t);
        const auto got = w.to_vector();
        for (std::size_t j = 0; j < D; ++j) REQUIRE_THAT(got[j], WithinRel(rw[j], 1e-12) || WithinAbs(rw[j], 1e-14));
        REQUIRE_THAT(b.item(), WithinRel(rb, 1e-12) || WithinAbs(rb, 1e-14));
    }
}

Tensor start_w() { return tensor({0.1, -0.2, 0.3}, requires_grad); }
Tensor start_b() { return tensor(0.05, requires_grad); }

}  // namespace

TEST_CASE("sgd with momentum, dampening, Nesterov and weight decay follows torch.optim.SGD", "[optim][sgd]") {
    for (bool nesterov : {false, true}) {
        const double lr = 0.05, mu = 0.9, wd = 0.01, damp = nesterov ? 0.0 : 0.1;
        std::vector<double> buf(D + 1, 0.0);
        rule ref = [&](std::size_t i, double p, double g, int t) {
            g += wd * p;
            buf[i] = t == 1 ? g : mu * buf[i] + (1 - damp) * g;
            g = nesterov ? g + mu * buf[i] : buf[i];
            return p - lr * g;
        };
        INFO("nesterov " << nesterov);
        Tensor w = start_w(), b = start_b();
        same_as_formulas(optim::sgd({w, b}, {.lr = lr, .momentum = mu, .dampening = damp, .weight_decay = wd,
                                             .nesterov = nesterov}),
                         w, b, ref);
    }
}

TEST_CASE("adam and amsgrad follow torch.optim.Adam", "[optim][adam]") {
    for (bool amsgrad : {false, true}) {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        std::vector<double> m(D + 1, 0.0), v(D + 1, 0.0), vmax(D + 1, 0.0);
        rule ref = [&](std::size_t i, double p, double g, int t) {
            g += wd * p;
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            vmax[i] = std::max(vmax[i], v[i]);
            const double m_hat = m[i] / (1 - std::pow(b1, t));
            const double v_hat = (amsgrad ? vmax[i] : v[i]) / (1 - std::pow(b2, t));
            return p - lr * m_hat / (std::sqrt(v_hat) + eps);
        };
        INFO("amsgrad " << amsgrad);
        Tensor w = start_w(), b = start_b();
        same_as_formulas(optim::adam({w, b}, {.lr = lr, .weight_decay = wd, .amsgrad = amsgrad}), w, b, ref);
    }
}

TEST_CASE("adamw decouples weight decay, like torch.optim.AdamW", "[optim][adam]") {
    const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
    std::vector<double> m(D + 1, 0.0), v(D + 1, 0.0);
    rule ref = [&](std::size_t i, double p, double g, int t) {
        p *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
        return p - lr * m_hat / (std::sqrt(v_hat) + eps);
    };
    Tensor w = start_w(), b = start_b();
    same_as_formulas(optim::adamw({w, b}, lr), w, b, ref);  // weight decay 0.01 by default
}

TEST_CASE("the learning rate changes between steps", "[optim]") {
    Tensor w = start_w(), b = start_b();
    optim::sgd opt({w, b}, 0.1);
    CHECK(opt.lr() == 0.1);
    rule ref = [](std::size_t, double p, double g, int t) { return p - (t <= 50 ? 0.1 : 0.01) * g; };
    same_as_formulas(opt, w, b, ref, [](optim::sgd& o, int t) {
        if (t == 51) o.set_lr(0.01);  // a step schedule
    });
    CHECK(opt.lr() == 0.01);
}

TEST_CASE("optimizers refuse bad parameters and hyperparameters", "[optim]") {
    Tensor w = start_w();
    Tensor plain = tensor(1.0);
    CHECK_THROWS_AS(optim::adam({plain}, 0.1), autograd_error);   // does not require grad
    CHECK_THROWS_AS(optim::sgd({w * 2.0}, 0.1), autograd_error);  // not a leaf
    CHECK_THROWS_AS(optim::sgd({w}, -0.1), std::invalid_argument);
    CHECK_THROWS_AS(optim::adam({w}, {.lr = 0.1, .beta1 = 1.0}), std::invalid_argument);
    CHECK_THROWS_AS(optim::sgd({w}, {.lr = 0.1, .nesterov = true}), std::invalid_argument);  // needs momentum
    optim::adam opt({w}, 0.1);
    CHECK_THROWS_AS(opt.set_lr(-1.0), std::invalid_argument);
    opt.step();  // no gradient yet: nothing moves
    CHECK(w.to_vector() == std::vector<double>{0.1, -0.2, 0.3});
}
