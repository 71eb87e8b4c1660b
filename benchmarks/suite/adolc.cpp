// ADOL-C: the tape is re-recorded for every gradient (the graph is dynamic), then gradient().
// ADOL-C keeps global state: scripts/bench-suite.py runs each of these in its own process.
#include <adolc/adolc.h>

#include "common.hpp"

namespace {
using namespace suite;

w1_result w1(double xv) {
    adouble x;
    double y;
    trace_on(1);
    x <<= xv;
    adouble r = sin(x * x);
    r >>= y;
    trace_off();
    double g = 0;
    gradient(1, 1, &xv, &g);
    return {y, g};
}
w2_result w2(double wv, double bv, double xv, double yv) {
    adouble w, b;
    double loss;
    trace_on(2);
    w <<= wv;
    b <<= bv;
    adouble p = 1 / (1 + exp(-(w * xv + b)));
    adouble pc = fmax(fmin(p, 1 - 1e-8), 1e-8);
    adouble l = -(yv * log(pc) + (1 - yv) * log(1 - pc));
    l >>= loss;
    trace_off();
    double in[2] = {wv, bv}, g[2] = {0, 0};
    gradient(2, 2, in, g);
    return {loss, g[0], g[1]};
}
w5_result w5(double wv, double x0v, int K) {
    adouble w, x;
    double out;
    trace_on(3);
    w <<= wv;
    x <<= x0v;
    for (int k = 0; k < K; ++k) x = x + w * sin(x);
    x >>= out;
    trace_off();
    double in[2] = {wv, x0v}, g[2] = {0, 0};
    gradient(3, 2, in, g);
    return {out, g[0], g[1]};
}
}  // namespace

int main(int argc, char** argv) {
    register_scalar_workloads("adolc", w1, w2, w5);
    return suite::main(argc, argv, "suite_adolc");
}
