// W5: the dynamic loop x = x + w*sin(x) for K run-time steps, gradient w.r.t. w and x0:
// a hand-written adjoint, etgrad's tape op by op, and the loop body as one static statement.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_main.hpp"

#include <etgrad/tape.hpp>

namespace {
using namespace etgrad;

struct result {
    double x, dw, dx0;
};

result hand(double w, double x0, int K, std::vector<double>& xs) {
    xs.resize(std::size_t(K) + 1);
    xs[0] = x0;
    for (int k = 0; k < K; ++k) xs[std::size_t(k) + 1] = xs[std::size_t(k)] + w * std::sin(xs[std::size_t(k)]);
    double ax = 1, aw = 0;
    for (int k = K - 1; k >= 0; --k) {
        const double xk = xs[std::size_t(k)];
        aw += ax * std::sin(xk);
        ax *= 1 + w * std::cos(xk);
    }
    return {xs[std::size_t(K)], aw, ax};
}

result tape_ops(double wv, double x0v, int K) {
    Tensor w = tensor(wv, requires_grad), x0 = tensor(x0v, requires_grad);
    Tensor x = x0;
    for (int k = 0; k < K; ++k) x = x + w * sin(x);
    x.backward();
    return {x.item(), w.grad().item(), x0.grad().item()};
}

constexpr auto X = var<"x">;
constexpr auto W = var<"w">;
constexpr auto body = X + W * sin(X);

result tape_statement(double wv, double x0v, int K) {
    Tensor w = tensor(wv, requires_grad), x0 = tensor(x0v, requires_grad);
    Tensor x = x0;
    for (int k = 0; k < K; ++k) x = body(X = x, W = w);  // one tape node per step
    x.backward();
    return {x.item(), w.grad().item(), x0.grad().item()};
}

void W5_hand(benchmark::State& state) {
    const int K = int(state.range(0));
    std::vector<double> xs;
    double w = 0.001, x0 = 0.5;  // adjoints stay normal: with w = 0.3, dx0 ~ 0.7^K turns subnormal (slow) by K = 2,000
    for (auto _ : state) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(x0);
        result r = hand(w, x0, K, xs);
        benchmark::DoNotOptimize(r);
    }
}
template <result (*F)(double, double, int)>
void W5_tape(benchmark::State& state) {
    const int K = int(state.range(0));
    double w = 0.001, x0 = 0.5;  // adjoints stay normal: with w = 0.3, dx0 ~ 0.7^K turns subnormal (slow) by K = 2,000
    for (auto _ : state) {
        benchmark::DoNotOptimize(w);
        result r = F(w, x0, K);
        benchmark::DoNotOptimize(r);
    }
    // tape memory per recorded scalar op: arena bytes (nodes, partials) plus tensor records
    auto& s = tape_detail::state();
    const std::size_t before = s.arena_bytes_used;
    {
        Tensor w1 = tensor(w, requires_grad), x = tensor(x0, requires_grad);
        for (int k = 0; k < K; ++k) x = F == tape_ops ? x + w1 * sin(x) : body(X = x, W = w1);
        const double ops = F == tape_ops ? 3.0 * K : double(K);
        state.counters["tape_bytes_per_node"] =
            (double(s.arena_bytes_used - before) + double(K) * double(F == tape_ops ? 3 : 1) * sizeof(tape_detail::Impl)) / ops;
    }
}

BENCHMARK(W5_hand)->Name("W5_loop_K100/hand")->Arg(100);
BENCHMARK_TEMPLATE(W5_tape, tape_ops)->Name("W5_loop_K100/etgrad_tape_ops")->Arg(100);
BENCHMARK_TEMPLATE(W5_tape, tape_statement)->Name("W5_loop_K100/etgrad_tape_statement")->Arg(100);
BENCHMARK(W5_hand)->Name("W5_loop_K10000/hand")->Arg(10000);
BENCHMARK_TEMPLATE(W5_tape, tape_ops)->Name("W5_loop_K10000/etgrad_tape_ops")->Arg(10000);
BENCHMARK_TEMPLATE(W5_tape, tape_statement)->Name("W5_loop_K10000/etgrad_tape_statement")->Arg(10000);

bool close(double a, double b) { return std::fabs(a - b) <= 1e-10 * std::fmax(1.0, std::fabs(a)); }
bool gradients_agree() {
    std::vector<double> xs;
    for (double w : {0.3, 0.001})
        for (int K : {1, 7, 100, 10000}) {
            const result h = hand(w, 0.5, K, xs), o = tape_ops(w, 0.5, K), s = tape_statement(w, 0.5, K);
            for (const result& r : {o, s})
                if (!(close(h.x, r.x) && close(h.dw, r.dw) && close(h.dx0, r.dx0))) return false;
        }
    return true;
}
}  // namespace

int main(int argc, char** argv) { return etgrad_bench::run(argc, argv, gradients_agree, "etgrad_bench_tape"); }
