// W2 through ADOL-C: compile-time benchmark.
#include <adolc/adolc.h>
double w2(double wv, double bv, double xv, double yv, double* db) {
    adouble w, b;
    double loss;
    trace_on(2);
    w <<= wv;
    b <<= bv;
    adouble p = fmax(fmin(1 / (1 + exp(-(w * xv + b))), 1 - 1e-8), 1e-8);
    adouble l = -(yv * log(p) + (1 - yv) * log(1 - p));
    l >>= loss;
    trace_off();
    double in[2] = {wv, bv}, g[2];
    gradient(2, 2, in, g);
    *db = g[1];
    return g[0];
}
