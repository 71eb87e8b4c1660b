// W2 through Eigen's AutoDiffScalar: compile-time benchmark.
#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>
double w2(double wv, double bv, double xv, double yv, double* db) {
    using AD = Eigen::AutoDiffScalar<Eigen::Vector2d>;
    AD w(wv, 2, 0), b(bv, 2, 1);
    AD p = 1.0 / (1.0 + exp(-(w * xv + b)));
    AD l = -(yv * log(p) + (1 - yv) * log(1.0 - p));
    *db = l.derivatives()(1);
    return l.derivatives()(0);
}
