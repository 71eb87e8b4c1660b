// The elementary functions on etgrad's packs against glibc's scalar functions, over 4,096 doubles:
// glibc one element at a time (the hand-written loop's cost), etgrad's pack of the translation
// unit (SSE2 without -march), and the 32-byte pack of run-time dispatch (AVX2 and FMA) where the
// processor has them. Values are checked against glibc's first (within 4 ulp).
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <benchmark/benchmark.h>

#include <etgrad/math/simd.hpp>
#include <etgrad/math/wide.hpp>

namespace {

using etgrad::detail::pack_math;
constexpr std::size_t n = 4096;

// x in [lo, hi), the domain of each function
std::vector<double> inputs(double lo, double hi) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = lo + (hi - lo) * (double(i) + 0.5) / double(n);
    return x;
}

#define ETGRAD_BENCH_FUNCTIONS(X) \
    X(exp, -5, 5) X(expm1, -1, 1) X(log, 0.01, 100) X(log1p, -0.5, 5) X(sqrt, 0, 100) X(sin, -10, 10) \
    X(cos, -10, 10) X(tan, -1.5, 1.5) X(asin, -0.99, 0.99) X(acos, -0.99, 0.99) X(atan, -10, 10)      \
    X(sinh, -5, 5) X(cosh, -5, 5) X(tanh, -5, 5) X(asinh, -10, 10) X(acosh, 1, 10) X(atanh, -0.99, 0.99)

#if ETGRAD_HAS_SIMD
template <class P, class F>
[[gnu::always_inline]] inline void in_packs(F f, const double* x, double* y) {
    for (std::size_t i = 0; i < n; i += P::size) f(P::load_unaligned(x + i)).store_unaligned(y + i);
}
#endif
#if ETGRAD_HAS_WIDE
#define ETGRAD_WIDE_LOOP(fn, lo, hi)                                                       \
    ETGRAD_WIDE_FUNCTION void fn##_wide(const double* x, double* y) {                     \
        using W = etgrad::detail::wide<double>;                                            \
        in_packs<W>([](const W& v) { return pack_math<W>::fn(v); }, x, y);                 \
    }
ETGRAD_BENCH_FUNCTIONS(ETGRAD_WIDE_LOOP)
#undef ETGRAD_WIDE_LOOP
#endif

bool close_to(const std::vector<double>& got, const std::vector<double>& want) {
    for (std::size_t i = 0; i < n; ++i)
        if (std::fabs(got[i] - want[i]) > 4 * std::fabs(want[i]) * 2.220446049250313e-16) return false;
    return true;
}

#define ETGRAD_REGISTER(fn, lo, hi)                                                                         \
    {                                                                                                       \
        static const std::vector<double> x = inputs(lo, hi);                                                \
        static std::vector<double> want(n), got(n);                                                         \
        for (std::size_t i = 0; i < n; ++i) want[i] = std::fn(x[i]);                                        \
        benchmark::RegisterBenchmark(#fn "/glibc", [](benchmark::State& s) {                                 \
            for (auto _ : s) {                                                                              \
                for (std::size_t i = 0; i < n; ++i) got[i] = std::fn(x[i]);                                 \
                benchmark::ClobberMemory();                                                                 \
            }                                                                                               \
        });                                                                                                 \
        ETGRAD_REGISTER_PACK(fn)                                                                            \
        ETGRAD_REGISTER_WIDE(fn)                                                                            \
    }
#if ETGRAD_HAS_SIMD
#define ETGRAD_REGISTER_PACK(fn)                                                                            \
    {                                                                                                       \
        using P = etgrad::detail::pack_for<double>::type;                                                   \
        in_packs<P>([](const P& v) { return pack_math<P>::fn(v); }, x.data(), got.data());                  \
        if (!close_to(got, want)) std::printf("%s on packs differs from glibc\n", #fn), std::exit(1);       \
        benchmark::RegisterBenchmark(#fn "/pack", [](benchmark::State& s) {                                  \
            for (auto _ : s) {                                                                              \
                in_packs<P>([](const P& v) { return pack_math<P>::fn(v); }, x.data(), got.data());          \
                benchmark::ClobberMemory();                                                                 \
            }                                                                                               \
        });                                                                                                 \
    }
#else
#define ETGRAD_REGISTER_PACK(fn)
#endif
#if ETGRAD_HAS_WIDE
#define ETGRAD_REGISTER_WIDE(fn)                                                                            \
    if (etgrad::simd_dispatch_active()) {                                                                   \
        fn##_wide(x.data(), got.data());                                                                    \
        if (!close_to(got, want)) std::printf("%s on AVX2 packs differs from glibc\n", #fn), std::exit(1);  \
        benchmark::RegisterBenchmark(#fn "/avx2", [](benchmark::State& s) {                                  \
            for (auto _ : s) {                                                                              \
                fn##_wide(x.data(), got.data());                                                            \
                benchmark::ClobberMemory();                                                                 \
            }                                                                                               \
        });                                                                                                 \
    }
#else
#define ETGRAD_REGISTER_WIDE(fn)
#endif

}  // namespace

int main(int argc, char** argv) {
    ETGRAD_BENCH_FUNCTIONS(ETGRAD_REGISTER)
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
