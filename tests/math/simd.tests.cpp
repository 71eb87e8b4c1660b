// The SIMD packs of the array engine: etgrad's own exp and log1p for packs of doubles against the
// exact values in ulps over their ranges (and their limits), and the select of op rules on packs.
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>

#include <etgrad/math/simd.hpp>
#include <etgrad/static.hpp>

#include "support/catch.hpp"

#if ETGRAD_HAS_SIMD
using P = xsimd::batch<double>;

namespace {
double ulps(double got, double want) {
    if (got == want) return 0;
    const double ulp = std::nextafter(std::fabs(want), HUGE_VAL) - std::fabs(want);
    return std::fabs(got - want) / ulp;
}
P apply_exp(double v) { return etgrad::detail::exp_pack(P(v)); }
}  // namespace

TEST_CASE("exp on packs of doubles is within 4 ulp of std::exp over its whole range", "[math][simd]") {
    std::mt19937_64 gen(7);
    std::uniform_real_distribution<double> wide(-708.0, 709.7), narrow(-1.0, 1.0);
    double worst = 0;
    for (int i = 0; i < 200000; ++i) {
        const double v = i % 2 ? wide(gen) : narrow(gen);
        alignas(64) double out[P::size];
        apply_exp(v).store_aligned(out);
        worst = std::fmax(worst, ulps(out[0], std::exp(v)));
    }
    CHECK(worst < 4.0);
    // the limits: overflow to inf, underflow to 0 through the subnormals, NaN stays NaN
    alignas(64) double out[P::size];
    apply_exp(710.0).store_aligned(out);
    CHECK(out[0] == HUGE_VAL);
    apply_exp(709.78).store_aligned(out);
    CHECK(ulps(out[0], std::exp(709.78)) < 4.0);
    apply_exp(-746.0).store_aligned(out);
    CHECK(out[0] == 0.0);
    apply_exp(-740.0).store_aligned(out);
    CHECK(std::fabs(out[0] - std::exp(-740.0)) <= 2 * std::numeric_limits<double>::denorm_min());
    apply_exp(-HUGE_VAL).store_aligned(out);
    CHECK(out[0] == 0.0);
    apply_exp(HUGE_VAL).store_aligned(out);
    CHECK(out[0] == HUGE_VAL);
    apply_exp(std::numeric_limits<double>::quiet_NaN()).store_aligned(out);
    CHECK(std::isnan(out[0]));
    apply_exp(0.0).store_aligned(out);
    CHECK(out[0] == 1.0);
}

TEST_CASE("log1p on packs of doubles is within 1 ulp of the exact value, with its limits", "[math][simd]") {
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0), exponent(-300.0, 300.0);
    double worst = 0;
    for (int i = 0; i < 200000; ++i) {
        const double v = i % 3 == 0 ? unit(gen) : i % 3 == 1 ? std::exp(exponent(gen)) : -0.999999 * unit(gen);
        alignas(64) double out[P::size];
        etgrad::detail::log1p_pack(P(v)).store_aligned(out);
        worst = std::fmax(worst, ulps(out[0], double(std::log1p(static_cast<long double>(v)))));
    }
    CHECK(worst <= 1.0);
    alignas(64) double out[P::size];
    auto at = [&](double v) {
        etgrad::detail::log1p_pack(P(v)).store_aligned(out);
        return out[0];
    };
    CHECK(at(-1.0) == -HUGE_VAL);
    CHECK(std::isnan(at(-2.0)));
    CHECK(std::isnan(at(std::numeric_limits<double>::quiet_NaN())));
    CHECK(at(HUGE_VAL) == HUGE_VAL);
    CHECK(at(1e-300) == 1e-300);
    CHECK((at(-0.0) == 0.0 && std::signbit(at(-0.0))));
}

TEST_CASE("select on packs picks lane by lane; on numbers it is the conditional", "[math][simd]") {
    alignas(64) double a[P::size], b[P::size], out[P::size];
    for (std::size_t l = 0; l < P::size; ++l) {
        a[l] = double(l);
        b[l] = -double(l) - 1;
    }
    const P pa = P::load_aligned(a), pb = P::load_aligned(b);
    etgrad::math::select(pa > P(0.5), pa, pb).store_aligned(out);
    for (std::size_t l = 0; l < P::size; ++l) CHECK(out[l] == (l > 0 ? a[l] : b[l]));
    static_assert(etgrad::math::select(true, 1.0, 2.0) == 1.0);
    // relu on a pack: NaN stays NaN, -0.0 and 0 give 0 and the step's gradient 0 (as PyTorch)
    const P v(std::numeric_limits<double>::quiet_NaN());
    etgrad::relu_op::value(v).store_aligned(out);
    CHECK(std::isnan(out[0]));
    etgrad::step_op::value(P(0.0)).store_aligned(out);
    CHECK(out[0] == 0.0);
}
#else
TEST_CASE("without xsimd the array engine runs one element at a time", "[math][simd]") { CHECK(!ETGRAD_HAS_SIMD); }
#endif
