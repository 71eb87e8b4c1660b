// The tape over long runs: the time of a training step while a history of earlier steps is
// kept (detached losses and the first loss: it must not grow with the history), and the peak
// resident memory of recording and differentiating 10^7 steps of x = x + w * sin(x).
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <etgrad/tape.hpp>

#include "bench_main.hpp"

namespace {
using namespace etgrad;

/// One step of fitting y = 2x + 1: forward, backward, update.
struct trainer {
    Tensor w = tensor(0.5, requires_grad), b = tensor(0.0, requires_grad);
    std::vector<Tensor> history;
    Tensor first;
    int step = 0;
    Tensor run() {
        const double x = double(step % 7) / 7.0, y = 2.0 * x + 1.0;
        Tensor loss = pow(w * x + b - y, 2);
        if (step++ == 0) first = loss;
        loss.backward();
        {
            no_grad_guard guard;
            w -= 0.01 * w.grad();
            b -= 0.01 * b.grad();
        }
        w.grad().zero_();
        b.grad().zero_();
        return loss;
    }
};

/// Time per step with state.range(0) earlier steps kept as detached losses.
void TapeStepWithHistory(benchmark::State& state) {
    trainer t;
    for (std::int64_t k = 0; k < state.range(0); ++k) t.history.push_back(t.run().detach());
    for (auto _ : state) benchmark::DoNotOptimize(t.run().item());
    state.counters["tape_statements_after_step"] = double(detail::state().count);
}
BENCHMARK(TapeStepWithHistory)->Arg(0)->Arg(100000);

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/// Records state.range(0) steps of W5 op by op, then backward: peak resident memory.
void TapeMemoryW5(benchmark::State& state) {
    const long before = peak_rss_kib();
    double dw = 0;
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::size_t written = detail::state().tape.bytes_written();
        Tensor w = tensor(0.001, requires_grad), x = tensor(0.5, requires_grad);
        for (std::int64_t k = 0; k < state.range(0); ++k) x = x + w * sin(x);
        bytes = detail::state().tape.bytes_written() - written;
        x.backward();
        dw = w.grad().item();
    }
    benchmark::DoNotOptimize(dw);
    state.counters["peak_rss_MB"] = double(peak_rss_kib()) / 1024.0;
    state.counters["peak_rss_MB_before"] = double(before) / 1024.0;
    state.counters["tape_bytes_per_step"] = double(bytes) / double(state.range(0));
}
BENCHMARK(TapeMemoryW5)->Arg(10000000)->Iterations(1)->Unit(benchmark::kMillisecond);

/// The history must not change what a step computes.
bool gradients_agree() {
    trainer a, b;
    for (int k = 0; k < 1000; ++k) b.history.push_back(b.run().detach());
    trainer c;
    for (int k = 0; k < 1000; ++k) c.run();
    return a.run().item() == trainer{}.run().item() && b.w.item() == c.w.item() && std::isfinite(b.w.item());
}
}  // namespace

int main(int argc, char** argv) { return etgrad_bench::run(argc, argv, gradients_agree, "etgrad_bench_tape"); }
