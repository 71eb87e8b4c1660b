// W2 through Sacado's Rad: compile-time benchmark.
#include <Sacado.hpp>
double w2(double wv, double bv, double xv, double yv, double* db) {
    using Rad = Sacado::Rad::ADvar<double>;
    Rad w = wv, b = bv;
    Rad p = 1.0 / (1.0 + exp(-(w * xv + b)));
    Rad pc = p < 1e-8 ? Rad(1e-8) : (p > 1 - 1e-8 ? Rad(1 - 1e-8) : p);
    Rad l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
    Rad::Gradcomp();
    *db = b.adj();
    return w.adj();
}
