// The SIMD packs of the array engine: etgrad's own exp and log1p for packs of doubles against the
// exact values in ulps over their ranges (and their limits), and the select of op rules on packs.
#include <cmath>
#include <cstddef>
#include <limits>
#include <iterator>
#include <random>
#include <vector>

#include <etgrad/math/simd.hpp>
#include <etgrad/math/wide.hpp>
#include <etgrad/static.hpp>

#include "support/catch.hpp"

#if ETGRAD_HAS_SIMD
using P = etgrad::detail::pack_for<double>::type;

namespace {
double ulps(double got, double want) {
    if (got == want) return 0;
    const double ulp = std::nextafter(std::fabs(want), HUGE_VAL) - std::fabs(want);
    return std::fabs(got - want) / ulp;
}
P apply_exp(double v) { return etgrad::detail::exp_pack(P(v)); }
}  // namespace

TEST_CASE("exp on packs of doubles is within 1.5 ulp of the exact value over its whole range", "[math][simd]") {
    std::mt19937_64 gen(7);
    std::uniform_real_distribution<double> wide(-708.0, 709.7), narrow(-1.0, 1.0);
    double worst = 0;
    for (int i = 0; i < 200000; ++i) {
        const double v = i % 2 ? wide(gen) : narrow(gen);
        alignas(64) double out[P::size];
        apply_exp(v).store_aligned(out);
        worst = std::fmax(worst, ulps(out[0], double(std::exp(static_cast<long double>(v)))));
    }
    CHECK(worst < 1.5);
    // the limits: overflow to inf, underflow to 0 through the subnormals, NaN stays NaN
    alignas(64) double out[P::size];
    apply_exp(710.0).store_aligned(out);
    CHECK(out[0] == HUGE_VAL);
    apply_exp(709.78).store_aligned(out);
    CHECK(ulps(out[0], std::exp(709.78)) < 1.5);
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

TEST_CASE("log, expm1 and tanh on packs of doubles are within 1, 2.5 and 3 ulp of the exact values",
          "[math][simd]") {
    std::mt19937_64 gen(13);
    std::uniform_real_distribution<double> exponent(-700.0, 700.0), unit(-1.0, 1.0), range(-40.0, 40.0);
    auto exact = [](auto f, double v) { return double(f(static_cast<long double>(v))); };
    double worst_log = 0, worst_expm1 = 0, worst_tanh = 0;
    for (int i = 0; i < 100000; ++i) {
        const double big = std::exp(exponent(gen)), v = i % 2 ? unit(gen) : range(gen);
        alignas(64) double out[P::size];
        etgrad::detail::log_pack(P(big)).store_aligned(out);
        worst_log = std::fmax(worst_log, ulps(out[0], exact([](long double a) { return std::log(a); }, big)));
        etgrad::detail::expm1_pack(P(v)).store_aligned(out);
        worst_expm1 = std::fmax(worst_expm1, ulps(out[0], exact([](long double a) { return std::expm1(a); }, v)));
        etgrad::detail::tanh_pack(P(v)).store_aligned(out);
        worst_tanh = std::fmax(worst_tanh, ulps(out[0], exact([](long double a) { return std::tanh(a); }, v)));
    }
    CHECK(worst_log <= 1.0);
    CHECK(worst_expm1 <= 2.5);
    CHECK(worst_tanh <= 3.0);
    alignas(64) double out[P::size];
    auto at = [&](auto f, double v) {
        f(P(v)).store_aligned(out);
        return out[0];
    };
    auto log_ = [](const P& x) { return etgrad::detail::log_pack(x); };
    auto expm1_ = [](const P& x) { return etgrad::detail::expm1_pack(x); };
    auto tanh_ = [](const P& x) { return etgrad::detail::tanh_pack(x); };
    const double nan = std::numeric_limits<double>::quiet_NaN(), sub = std::numeric_limits<double>::denorm_min();
    CHECK(at(log_, 0.0) == -HUGE_VAL);
    CHECK(std::isnan(at(log_, -1e-300)));
    CHECK(std::isnan(at(log_, nan)));
    CHECK(at(log_, HUGE_VAL) == HUGE_VAL);
    CHECK(at(log_, 1.0) == 0.0);
    CHECK(ulps(at(log_, sub * 3), std::log(sub * 3)) <= 1.0);  // a subnormal
    CHECK((at(expm1_, -0.0) == 0.0 && std::signbit(at(expm1_, -0.0))));
    CHECK(at(expm1_, 1e-300) == 1e-300);
    CHECK(at(expm1_, -HUGE_VAL) == -1.0);
    CHECK(at(expm1_, -50.0) == -1.0);
    CHECK(at(expm1_, 710.0) == HUGE_VAL);
    CHECK(ulps(at(expm1_, 709.0), std::expm1(709.0)) <= 1.5);
    CHECK(std::isnan(at(expm1_, nan)));
    CHECK((at(tanh_, -0.0) == 0.0 && std::signbit(at(tanh_, -0.0))));
    CHECK(at(tanh_, 30.0) == 1.0);
    CHECK(at(tanh_, -HUGE_VAL) == -1.0);
    CHECK(at(tanh_, 1e-300) == 1e-300);
    CHECK(std::isnan(at(tanh_, nan)));
}

TEST_CASE("the trigonometric and hyperbolic functions on packs of doubles are within 2.5 ulp of the exact values",
          "[math][simd]") {
    std::mt19937_64 gen(17);
    auto worst = [&](auto pack_fn, auto exact_fn, double reach = 710.0, double top = 6.5) {
        std::uniform_real_distribution<double> exponent(-30.0, top), linear(-reach, reach);
        double w = 0;
        for (int i = 0; i < 40000; ++i) {
            const double v = i % 2 ? linear(gen) : std::exp(exponent(gen)) * (i % 4 == 0 ? 1 : -1);
            const long double want = exact_fn(static_cast<long double>(v));
            if (!std::isfinite(static_cast<double>(want))) continue;  // out of the domain, or overflow
            alignas(64) double out[P::size];
            pack_fn(P(v)).store_aligned(out);
            w = std::fmax(w, ulps(out[0], double(want)));
        }
        return w;
    };
    using namespace etgrad::detail;
    CHECK(worst([](const P& x) { return sinh_pack(x); }, [](long double a) { return std::sinh(a); }) <= 2.5);
    CHECK(worst([](const P& x) { return cosh_pack(x); }, [](long double a) { return std::cosh(a); }) <= 2.5);
    CHECK(worst([](const P& x) { return asinh_pack(x); }, [](long double a) { return std::asinh(a); }) <= 2.5);
    CHECK(worst([](const P& x) { return acosh_pack(x + P(1.0)); },
                [](long double a) { return std::acosh(static_cast<long double>(double(a) + 1.0)); }) <= 2.5);
    CHECK(worst([](const P& x) { return atanh_pack(x); }, [](long double a) { return std::atanh(a); }) <= 2.5);
    // the periodic functions over the range of their exact reduction, the inverse ones everywhere
    CHECK(worst([](const P& x) { return sin_pack(x); }, [](long double a) { return std::sin(a); }, 1e4, 9.2) <= 2.0);
    CHECK(worst([](const P& x) { return cos_pack(x); }, [](long double a) { return std::cos(a); }, 1e4, 9.2) <= 2.0);
    CHECK(worst([](const P& x) { return tan_pack(x); }, [](long double a) { return std::tan(a); }, 1e4, 9.2) <= 3.5);
    CHECK(worst([](const P& x) { return atan_pack(x); }, [](long double a) { return std::atan(a); }, 1e3, 30) <= 1.0);
    CHECK(worst([](const P& x) { return asin_pack(x); }, [](long double a) { return std::asin(a); }, 1.0, 0) <= 2.5);
    CHECK(worst([](const P& x) { return acos_pack(x); }, [](long double a) { return std::acos(a); }, 1.0, 0) <= 2.5);
}

// every unary function op rules call on packs
#define ETGRAD_PACK_FUNCTIONS(X)                                                                   \
    X(exp) X(expm1) X(log) X(log1p) X(sqrt) X(sin) X(cos) X(tan) X(tanh) X(asin) X(acos) X(atan) \
        X(sinh) X(cosh) X(asinh) X(acosh) X(atanh) X(erf)

namespace {
// every function op rules call on packs, against the scalar function: special values exactly
// (NaN, signed zeros and infinities alike), random values within a few ulp
template <class T, class F, class G>
void compare_function(const char* name, F pack_fn, G scalar_fn) {
    using Q = typename etgrad::detail::pack_for<T>::type;
    const T inf = std::numeric_limits<T>::infinity(), tiny = std::numeric_limits<T>::denorm_min() * 8;
    const T special[] = {T(0), -T(0), inf, -inf, std::numeric_limits<T>::quiet_NaN(), T(1), T(-1), tiny, -tiny,
                         std::numeric_limits<T>::max(), -std::numeric_limits<T>::max(), T(0.5), T(-0.5), T(20),
                         T(-20), T(1e-8), T(2)};
    for (T v : special) {
        alignas(64) T out[Q::size];
        pack_fn(Q(v)).store_aligned(out);
        const T want = scalar_fn(v);
        INFO(name << "(" << v << "): pack " << out[0] << ", scalar " << want);
        CHECK(((std::isnan(want) && std::isnan(out[0])) ||
               (out[0] == want && std::signbit(out[0]) == std::signbit(want)) ||
               (std::isfinite(want) &&
                std::fabs(out[0] - want) <= 4 * std::numeric_limits<T>::epsilon() * std::fabs(want))));
    }
    std::mt19937_64 gen(5);
    std::uniform_real_distribution<double> u(-10, 10);
    T worst = 0;
    for (int i = 0; i < 20000; ++i) {
        const T v = T(i % 2 ? u(gen) : std::exp(u(gen) * 3) * (i % 4 == 0 ? 1 : -1));
        alignas(64) T out[Q::size];
        pack_fn(Q(v)).store_aligned(out);
        const T want = scalar_fn(v);
        if (std::isnan(want)) {  // out of the function's domain
            CHECK(std::isnan(out[0]));
            continue;
        }
        if (!std::isfinite(want) || want == 0) continue;
        worst = std::fmax(worst, std::fabs(out[0] - want) / (std::nextafter(std::fabs(want), inf) - std::fabs(want)));
    }
    INFO(name << ": worst " << worst << " ulp");
    CHECK(worst <= 4);
}
template <class T>
void compare_all() {
    using M = etgrad::detail::pack_math<typename etgrad::detail::pack_for<T>::type>;
#define ETGRAD_COMPARE(fn) \
    compare_function<T>(#fn, [](auto v) { return M::fn(v); }, [](T v) { return std::fn(v); });
    ETGRAD_PACK_FUNCTIONS(ETGRAD_COMPARE)
#undef ETGRAD_COMPARE
}
}  // namespace

TEST_CASE("every function on packs agrees with the scalar one: special values exactly, others within 4 ulp",
          "[math][simd]") {
    compare_all<double>();
    compare_all<float>();
    using M = etgrad::detail::pack_math<P>;
    const double inf = HUGE_VAL;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double xs[] = {0.0, -0.0, 0.0, -0.0, -1.0, 1.0, 1.0, nan, 0.0, -8.0, 2.0};
    const double ys[] = {-1.25, -3.0, 0.0, 3.0, inf, nan, -inf, 0.0, 0.0, 1.0 / 3, 0.5};
    for (std::size_t i = 0; i < std::size(xs); ++i) {
        alignas(64) double out[P::size];
        M::pow(P(xs[i]), P(ys[i])).store_aligned(out);
        const double want = std::pow(xs[i], ys[i]);
        INFO("pow(" << xs[i] << ", " << ys[i] << ")");
        CHECK(((std::isnan(want) && std::isnan(out[0])) ||
               (out[0] == want && std::signbit(out[0]) == std::signbit(want))));
        M::atan2(P(xs[i]), P(ys[i])).store_aligned(out);
        const double angle = std::atan2(xs[i], ys[i]);
        CHECK(((std::isnan(angle) && std::isnan(out[0])) || out[0] == angle));
    }
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

#if ETGRAD_HAS_WIDE
namespace {
// f over n elements in wide packs: compiled for AVX2 (as the dispatched loops are), or for the
// translation unit's target (the compiler then emulates the 32-byte vectors)
template <class T, class F>
ETGRAD_WIDE_FUNCTION void wide_apply_avx2(F f, const T* in, T* out, std::size_t n) {
    using W = etgrad::detail::wide<T>;
    for (std::size_t i = 0; i + W::size <= n; i += W::size) f(W::load_unaligned(in + i)).store_unaligned(out + i);
}
template <class T, class F>
void wide_apply_baseline(F f, const T* in, T* out, std::size_t n) {
    using W = etgrad::detail::wide<T>;
    for (std::size_t i = 0; i + W::size <= n; i += W::size) f(W::load_unaligned(in + i)).store_unaligned(out + i);
}
// special values (each lane of a pack a different one) and random ones, against the scalar
// function: NaN for NaN, equal with its sign, or within 4 ulp
template <class T, class F, class G>
void compare_wide(const char* name, F pack_fn, G scalar_fn, bool avx2) {
    const T inf = std::numeric_limits<T>::infinity(), tiny = std::numeric_limits<T>::denorm_min() * 8;
    std::vector<T> in = {T(0), -T(0), inf, -inf, std::numeric_limits<T>::quiet_NaN(), T(1), T(-1), tiny, -tiny,
                         std::numeric_limits<T>::max(), -std::numeric_limits<T>::max(), T(0.5), T(-0.5), T(20),
                         T(-20), T(1e-8), T(2), T(700), T(-740), T(1e5)};
    std::mt19937_64 gen(9);
    std::uniform_real_distribution<double> u(-10, 10);
    for (int i = 0; i < 4000; ++i) in.push_back(T(i % 2 ? u(gen) : std::exp(u(gen) * 3) * (i % 4 == 0 ? 1 : -1)));
    std::vector<T> out(in.size(), T(-7));
    if (avx2) wide_apply_avx2(pack_fn, in.data(), out.data(), in.size());
    else wide_apply_baseline(pack_fn, in.data(), out.data(), in.size());
    const std::size_t whole = in.size() / etgrad::detail::wide<T>::size * etgrad::detail::wide<T>::size;
    int bad = 0;
    for (std::size_t i = 0; i < whole; ++i) {
        const T want = scalar_fn(in[i]), got = out[i];
        const T ulp = std::nextafter(std::fabs(want), inf) - std::fabs(want);
        const bool ok = (std::isnan(want) && std::isnan(got)) ||
                        (got == want && std::signbit(got) == std::signbit(want)) ||
                        (std::isfinite(want) && std::fabs(got - want) <= 4 * ulp);
        if (!ok && ++bad <= 3) FAIL_CHECK(name << "(" << in[i] << "): wide " << got << ", scalar " << want);
    }
    INFO(name << (avx2 ? " on AVX2" : " emulated"));
    CHECK(bad == 0);
}
template <class T>
void compare_all_wide(bool avx2) {
    using M = etgrad::detail::pack_math<etgrad::detail::wide<T>>;
#define ETGRAD_COMPARE(fn) \
    compare_wide<T>(#fn, [](const auto& v) { return M::fn(v); }, [](T v) { return std::fn(v); }, avx2);
    ETGRAD_PACK_FUNCTIONS(ETGRAD_COMPARE)
#undef ETGRAD_COMPARE
    // two operands, and select with a comparison and with a number's condition
    compare_wide<T>("pow(x, 1.5)", [](const auto& v) { return M::pow(v, decltype(v)(T(1.5))); },
                    [](T v) { return std::pow(v, T(1.5)); }, avx2);
    compare_wide<T>("atan2(x, -2)", [](const auto& v) { return M::atan2(v, decltype(v)(T(-2))); },
                    [](T v) { return std::atan2(v, T(-2)); }, avx2);
    compare_wide<T>("relu", [](const auto& v) { return etgrad::relu_op::value(v); },
                    [](T v) { return v <= T(0) ? T(0) : v; }, avx2);
    compare_wide<T>("clamp(x, -1, 1)", [](const auto& v) { return etgrad::clamp_op::value(v, T(-1), T(1)); },
                    [](T v) { return std::isnan(v) ? v : v < T(-1) ? T(-1) : v > T(1) ? T(1) : v; }, avx2);
    compare_wide<T>("x^0.5 partial", [](const auto& v) { return etgrad::pow_op::partial<1>(v, v, T(0.5)); },
                    [](T v) { return etgrad::pow_op::partial<1>(v, v, T(0.5)); }, avx2);
}
}  // namespace

TEST_CASE("the AVX2 packs of run-time dispatch compute every function as the scalar one", "[math][simd]") {
    compare_all_wide<double>(false);
    compare_all_wide<float>(false);
    if (etgrad::detail::cpu_has_avx2_fma()) {
        compare_all_wide<double>(true);
        compare_all_wide<float>(true);
    } else {
        WARN("this processor has no AVX2: the wide packs were checked in emulation only");
    }
}
#endif
#else
TEST_CASE("without SIMD the array engine runs one element at a time", "[math][simd]") { CHECK(!ETGRAD_HAS_SIMD); }
#endif
