// Forward-mode peers: Boost.Math autodiff fvar and Eigen's AutoDiffScalar.
#include <Eigen/Core>
#include <boost/math/differentiation/autodiff.hpp>
#include <unsupported/Eigen/AutoDiff>

#include "common.hpp"

namespace {
using namespace suite;
namespace bad = boost::math::differentiation;

template <class T>
T clamp01(const T& p) {
    return p < 1e-8 ? T(1e-8) : (p > 1 - 1e-8 ? T(1 - 1e-8) : p);
}

w1_result w1_fvar(double xv) {
    const auto x = bad::make_fvar<double, 1>(xv);
    const auto y = sin(x * x);
    return {y.derivative(0), y.derivative(1)};
}
w2_result w2_fvar(double wv, double bv, double xv, double yv) {
    const auto vars = bad::make_ftuple<double, 1, 1>(wv, bv);
    const auto& w = std::get<0>(vars);
    const auto& b = std::get<1>(vars);
    using F = std::decay_t<decltype(w * b)>;
    const F p = 1.0 / (1.0 + exp(-(w * xv + b)));
    const F pc = clamp01(p);
    const F l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
    return {l.derivative(0, 0), l.derivative(1, 0), l.derivative(0, 1)};
}
w5_result w5_fvar(double wv, double x0v, int K) {
    const auto vars = bad::make_ftuple<double, 1, 1>(wv, x0v);
    const auto& w = std::get<0>(vars);
    using F = std::decay_t<decltype(w * std::get<1>(vars))>;
    F x = std::get<1>(vars) * 1.0;
    for (int k = 0; k < K; ++k) x = x + w * sin(x);
    return {x.derivative(0, 0), x.derivative(1, 0), x.derivative(0, 1)};
}

using AD1 = Eigen::AutoDiffScalar<Eigen::Matrix<double, 1, 1>>;
using AD2 = Eigen::AutoDiffScalar<Eigen::Vector2d>;
w1_result w1_eigen(double xv) {
    AD1 x(xv, 1, 0);
    AD1 y = sin(x * x);
    return {y.value(), y.derivatives()(0)};
}
w2_result w2_eigen(double wv, double bv, double xv, double yv) {
    AD2 w(wv, 2, 0), b(bv, 2, 1);
    AD2 p = 1.0 / (1.0 + exp(-(w * xv + b)));
    AD2 pc = p.value() < 1e-8 ? AD2(1e-8, Eigen::Vector2d::Zero())
                              : (p.value() > 1 - 1e-8 ? AD2(1 - 1e-8, Eigen::Vector2d::Zero()) : p);
    AD2 l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
    return {l.value(), l.derivatives()(0), l.derivatives()(1)};
}
w5_result w5_eigen(double wv, double x0v, int K) {
    AD2 w(wv, 2, 0), x(x0v, 2, 1);
    for (int k = 0; k < K; ++k) {
        AD2 next = x + w * sin(x);
        x = next;
    }
    return {x.value(), x.derivatives()(0), x.derivatives()(1)};
}
}  // namespace

int main(int argc, char** argv) {
    register_scalar_workloads("boost_fvar", w1_fvar, w2_fvar, w5_fvar);
    register_scalar_workloads("eigen_autodiff", w1_eigen, w2_eigen, w5_eigen);
    return suite::main(argc, argv, "suite_forward_peers");
}
