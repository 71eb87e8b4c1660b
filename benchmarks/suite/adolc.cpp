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
/// W3 and W4 (N <= 1,000) recorded one scalar at a time.
w3_result w3(const std::vector<double>& x) {
    const std::size_t n = x.size();
    std::vector<adouble> xs(n);
    double value;
    trace_on(4);
    for (std::size_t i = 0; i < n; ++i) xs[i] <<= x[i];
    adouble m = w3_scalar_loss(xs);
    m >>= value;
    trace_off();
    w3_result r{value, std::vector<double>(n)};
    gradient(4, int(n), x.data(), r.grad.data());
    return r;
}
w4_result w4(const w4_data& D) {
    const std::size_t d = std::size_t(D.d);
    std::vector<adouble> w(d);
    adouble b;
    double loss;
    trace_on(5);
    for (std::size_t j = 0; j < d; ++j) w[j] <<= D.w[j];
    b <<= D.b;
    adouble l = w4_scalar_loss(D, w, b, [](const adouble& z) -> adouble { return fabs(z); });
    l >>= loss;
    trace_off();
    std::vector<double> in(D.w), g(d + 1);
    in.push_back(D.b);
    gradient(5, int(d + 1), in.data(), g.data());
    return {loss, std::vector<double>(g.begin(), g.begin() + std::ptrdiff_t(d)), g[d]};
}

/// ADOL-C's tape for one W5 gradient, per step, from tapestats: the operation
/// codes (1 byte each), locations, constants, and the Taylor (value) stack written forward.
void adolc_memory(benchmark::State& state, int K) {
    w5(w5_w, w5_x0, K);
    std::size_t st[STAT_SIZE];
    tapestats(3, st);
    const double ops = double(st[NUM_OPERATIONS]);
    state.counters["tape_bytes_per_step"] = (ops + double(st[NUM_LOCATIONS]) * double(sizeof(locint)) +
                                             double(st[NUM_VALUES]) * 8.0 + double(st[TAY_STACK_SIZE]) * 8.0) /
                                            double(K);
}
}  // namespace

int main(int argc, char** argv) {
    register_scalar_workloads("adolc", w1, w2, w5, adolc_memory);
    register_per_scalar("adolc", w3, w4);
    return suite::main(argc, argv, "suite_adolc");
}
