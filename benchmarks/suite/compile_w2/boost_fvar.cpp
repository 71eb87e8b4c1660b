// W2 through Boost.Math autodiff fvar: compile-time benchmark.
#include <boost/math/differentiation/autodiff.hpp>
double w2(double wv, double bv, double xv, double yv, double* db) {
    namespace bad = boost::math::differentiation;
    const auto v = bad::make_ftuple<double, 1, 1>(wv, bv);
    const auto& w = std::get<0>(v);
    const auto& b = std::get<1>(v);
    using F = std::decay_t<decltype(w * b)>;
    F p = 1.0 / (1.0 + exp(-(w * xv + b)));
    F pc = p < 1e-8 ? F(1e-8) : (p > 1 - 1e-8 ? F(1 - 1e-8) : p);
    F l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
    *db = l.derivative(0, 1);
    return l.derivative(1, 0);
}
