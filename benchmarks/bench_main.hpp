/// @file bench_main.hpp  The main() of every etgrad benchmark: the timed gradients are checked
/// against the hand-written ones first, and a wrong one fails the run.
#pragma once
#include <cstdio>
#include <cstdlib>

#include <benchmark/benchmark.h>

namespace etgrad_bench {
inline int run(int argc, char** argv, bool (*gradients_agree)(), const char* name) {
    if (!gradients_agree()) {
        std::fprintf(stderr, "%s: a gradient disagrees with the hand-written one\n", name);
        return EXIT_FAILURE;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return EXIT_FAILURE;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return EXIT_SUCCESS;
}
}  // namespace etgrad_bench
