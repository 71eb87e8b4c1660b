// Static engine vs the hand-written gradient, in one run (Google Benchmark).
// W1: sin(x*x), value and derivative.  W2: the neuron bce(sigmoid(w*x+b), y), dL/dw, dL/db.
// Report: scripts/bench.sh (medians of repetitions, ratio to hand-written).
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "bench_main.hpp"
#include "hand.hpp"

#include <etgrad/static.hpp>

namespace {
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto y = var<"y">;

using vg1 = hand::w1_result;
using vg2 = hand::w2_result;

// --- etgrad static ---
[[gnu::always_inline]] inline vg1 sin_sq_etgrad(double xv) {
    const auto r = value_and_grad(sin(x * x), x = xv);
    return {r.value, r.grad[x]};
}
[[gnu::always_inline]] inline vg2 neuron_etgrad(double wv, double bv, double xv, double yv) {
    const auto r = value_and_grad(bce(sigmoid(w * x + b), y), wrt(w, b), w = wv, b = bv, x = xv, y = yv);
    return {r.value, r.grad[w], r.grad[b]};
}

template <vg1 (*F)(double)>
void W1_sin_sq(benchmark::State& state) {
    double xv = 3.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(xv);
        vg1 r = F(xv);
        benchmark::DoNotOptimize(r);
    }
}
template <vg2 (*F)(double, double, double, double)>
void W2_neuron(benchmark::State& state) {
    double wv = 1.0, bv = 0.0, xv = 6.7, yv = 0.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(wv);
        benchmark::DoNotOptimize(bv);
        benchmark::DoNotOptimize(xv);
        benchmark::DoNotOptimize(yv);
        vg2 r = F(wv, bv, xv, yv);
        benchmark::DoNotOptimize(r);
    }
}

BENCHMARK_TEMPLATE(W1_sin_sq, hand::w1)->Name("W1_sin_sq/hand");
BENCHMARK_TEMPLATE(W1_sin_sq, sin_sq_etgrad)->Name("W1_sin_sq/etgrad_static");
BENCHMARK_TEMPLATE(W2_neuron, hand::w2)->Name("W2_neuron/hand");
BENCHMARK_TEMPLATE(W2_neuron, neuron_etgrad)->Name("W2_neuron/etgrad_static");

bool close(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::fmax(1.0, std::fabs(a)); }

/// Every timed gradient is checked against the hand-written one first; a wrong one fails the run.
bool gradients_agree() {
    bool ok = true;
    for (double xv : {-2.0, 0.5, 3.0, 4.0}) {
        const vg1 h = hand::w1(xv), e = sin_sq_etgrad(xv);
        ok = ok && close(h.value, e.value) && close(h.dx, e.dx);
    }
    for (double zv : {-30.0, -1.0, 0.0, 6.7, 30.0})
        for (double yv : {0.0, 1.0}) {
            const vg2 h = hand::w2(1.0, 0.0, zv, yv), e = neuron_etgrad(1.0, 0.0, zv, yv);
            ok = ok && close(h.loss, e.loss) && close(h.dw, e.dw) && close(h.db, e.db);
        }
    return ok;
}
}  // namespace

int main(int argc, char** argv) { return etgrad_bench::run(argc, argv, gradients_agree, "etgrad_bench_static"); }
