// etgrad's constexpr math (used in constant evaluation) against <cmath>, over sweeps.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include <etgrad/math/constexpr.hpp>
#include <etgrad/math/scalar.hpp>

#include "support/catch.hpp"

namespace cx = etgrad::detail::cx;

namespace {
std::int64_t ulps(double a, double b) {
    if (a == b) return 0;
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
    std::int64_t ia, ib;
    std::memcpy(&ia, &a, 8);
    std::memcpy(&ib, &b, 8);
    if (ia < 0) ia = INT64_MIN - ia;
    if (ib < 0) ib = INT64_MIN - ib;
    return ia > ib ? ia - ib : ib - ia;
}
template <class F, class G>
std::int64_t worst_ulps(F ours, G theirs, double lo, double hi, int n = 20000) {
    std::int64_t worst = 0;
    for (int i = 0; i <= n; ++i) {
        const double v = lo + (hi - lo) * i / n;
        const std::int64_t u = ulps(ours(v), theirs(v));
        if (u > worst) worst = u;
    }
    return worst;
}
}  // namespace

TEST_CASE("constexpr math is within 1-2 ulp of <cmath>", "[math][constexpr]") {
    CHECK(worst_ulps([](double v) { return cx::exp(v); }, [](double v) { return std::exp(v); }, -700, 700) <= 1);
    CHECK(worst_ulps([](double v) { return cx::exp(v); }, [](double v) { return std::exp(v); }, -2, 2) <= 1);
    CHECK(worst_ulps([](double v) { return cx::log(v); }, [](double v) { return std::log(v); }, 1e-6, 1e6) <= 2);
    CHECK(worst_ulps([](double v) { return cx::log(v); }, [](double v) { return std::log(v); }, 0.5, 2) <= 2);
    CHECK(worst_ulps([](double v) { return cx::log1p(v); }, [](double v) { return std::log1p(v); }, -0.99, 10) <= 2);
    CHECK(worst_ulps([](double v) { return cx::log1p(v); }, [](double v) { return std::log1p(v); }, -1e-6, 1e-6) <= 2);
    CHECK(worst_ulps([](double v) { return cx::sqrt(v); }, [](double v) { return std::sqrt(v); }, 0, 1e4) <= 1);
    CHECK(worst_ulps([](double v) { return cx::sin(v); }, [](double v) { return std::sin(v); }, -100, 100) <= 1);
    CHECK(worst_ulps([](double v) { return cx::cos(v); }, [](double v) { return std::cos(v); }, -100, 100) <= 1);
    CHECK(worst_ulps([](double v) { return cx::tan(v); }, [](double v) { return std::tan(v); }, -1.5, 1.5) <= 2);
    CHECK(worst_ulps([](double v) { return cx::tanh(v); }, [](double v) { return std::tanh(v); }, -20, 20) <= 2);
    CHECK(worst_ulps([](double v) { return cx::pow(v, 2.5); }, [](double v) { return std::pow(v, 2.5); }, 0.01, 100) <= 2);
    CHECK(worst_ulps([](double v) { return cx::pow(v, 3.0); }, [](double v) { return std::pow(v, 3.0); }, -10, 10) <= 2);
}

TEST_CASE("constexpr math handles special values like <cmath>", "[math][constexpr]") {
    CHECK(std::isnan(cx::log(-1.0)));
    CHECK(cx::log(0.0) == -std::numeric_limits<double>::infinity());
    CHECK(cx::exp(1000.0) == std::numeric_limits<double>::infinity());
    CHECK(cx::exp(-1000.0) == 0.0);
    CHECK(std::isnan(cx::sqrt(-1.0)));
    CHECK(cx::tanh(50.0) == 1.0);
    CHECK(cx::sin(0.0) == 0.0);
}

TEST_CASE("etgrad math is constexpr on every compiler", "[math][constexpr]") {
    STATIC_REQUIRE(etgrad::math::exp(0.0) == 1.0);
    STATIC_REQUIRE(etgrad::math::log(1.0) == 0.0);
    STATIC_REQUIRE(etgrad::math::sqrt(4.0) == 2.0);
    STATIC_REQUIRE(etgrad::math::sin(0.0) == 0.0);
    STATIC_REQUIRE(etgrad::math::cos(0.0) == 1.0);
    STATIC_REQUIRE(etgrad::math::tanh(0.0) == 0.0);
    STATIC_REQUIRE(etgrad::math::log1p(0.0) == 0.0);
    STATIC_REQUIRE(etgrad::math::pow(2.0, 10.0) == 1024.0);
    STATIC_REQUIRE(etgrad::math::exp(1.0) >= 2.718281828459045);  // within 1 ulp of e
    STATIC_REQUIRE(etgrad::math::exp(1.0) <= 2.7182818284590455);
}

TEST_CASE("constexpr inverse trigonometric, hyperbolic and error functions match <cmath>", "[math][constexpr]") {
    const auto atan2_of = [](double y, double x) { return cx::atan2(y, x); };
    CHECK(worst_ulps([](double v) { return cx::expm1(v); }, [](double v) { return std::expm1(v); }, -5, 5) <= 1);
    CHECK(worst_ulps([](double v) { return cx::atan(v); }, [](double v) { return std::atan(v); }, -10, 10) <= 1);
    CHECK(worst_ulps([](double v) { return cx::atan(v); }, [](double v) { return std::atan(v); }, -1e8, 1e8) <= 1);
    CHECK(worst_ulps([](double v) { return cx::asin(v); }, [](double v) { return std::asin(v); }, -1, 1) <= 1);
    CHECK(worst_ulps([](double v) { return cx::acos(v); }, [](double v) { return std::acos(v); }, -1, 1) <= 1);
    CHECK(worst_ulps([](double v) { return cx::sinh(v); }, [](double v) { return std::sinh(v); }, -30, 30) <= 2);
    CHECK(worst_ulps([](double v) { return cx::sinh(v); }, [](double v) { return std::sinh(v); }, -1e-3, 1e-3) <= 1);
    CHECK(worst_ulps([](double v) { return cx::cosh(v); }, [](double v) { return std::cosh(v); }, -30, 30) <= 2);
    CHECK(worst_ulps([](double v) { return cx::asinh(v); }, [](double v) { return std::asinh(v); }, -1e3, 1e3) <= 1);
    CHECK(worst_ulps([](double v) { return cx::asinh(v); }, [](double v) { return std::asinh(v); }, -1e-3, 1e-3) <= 1);
    CHECK(worst_ulps([](double v) { return cx::acosh(v); }, [](double v) { return std::acosh(v); }, 1, 1e3) <= 1);
    CHECK(worst_ulps([](double v) { return cx::atanh(v); }, [](double v) { return std::atanh(v); }, -0.999, 0.999) <= 1);
    CHECK(worst_ulps([](double v) { return cx::erf(v); }, [](double v) { return std::erf(v); }, -7, 7) <= 2);
    CHECK(worst_ulps([](double v) { return cx::erf(v); }, [](double v) { return std::erf(v); }, -1e-3, 1e-3) <= 1);
    std::int64_t worst = 0;
    for (double y : {-3.0, -1.0, -0.0, 0.0, 0.5, 2.0})
        for (double x : {-2.0, -0.5, -0.0, 0.0, 1e-3, 1.0, 4.0}) {
            const std::int64_t u = ulps(atan2_of(y, x), std::atan2(y, x));
            INFO("atan2(" << y << ", " << x << ")");
            CHECK(u <= 1);
            worst = u > worst ? u : worst;
        }
    const double inf = std::numeric_limits<double>::infinity();
    for (double y : {-inf, -1.0, 1.0, inf})
        for (double x : {-inf, -1.0, 1.0, inf}) CHECK(ulps(atan2_of(y, x), std::atan2(y, x)) <= 1);
    CHECK(std::isnan(cx::asin(1.5)));
    CHECK(std::isnan(cx::acosh(0.5)));
    CHECK(cx::atanh(1.0) == inf);
    CHECK(cx::erf(-10.0) == -1.0);
    STATIC_REQUIRE(etgrad::math::atan(1.0) > 0.785398163397448);
    STATIC_REQUIRE(etgrad::math::atan(1.0) < 0.785398163397449);
    STATIC_REQUIRE(etgrad::math::erf(0.0) == 0.0);
    STATIC_REQUIRE(etgrad::math::atan2(1.0, -1.0) > 2.35619449019234);
}

TEST_CASE("constexpr sin, cos and tan stay within an ulp of <cmath> up to their bound", "[math][constexpr]") {
    CHECK(worst_ulps([](double v) { return cx::sin(v); }, [](double v) { return std::sin(v); }, 1e8, 1e9, 5000) <= 1);
    CHECK(worst_ulps([](double v) { return cx::cos(v); }, [](double v) { return std::cos(v); }, -1e9, -1e8, 5000) <= 1);
    CHECK(worst_ulps([](double v) { return cx::tan(v); }, [](double v) { return std::tan(v); }, 1e5, 1e9, 5000) <= 1);
    // past it, outside constant evaluation, <cmath>'s answer (in constant evaluation: an error)
    CHECK(cx::sin(1e15) == std::sin(1e15));
    CHECK(cx::cos(-1e300) == std::cos(-1e300));
    CHECK(cx::sin(2e6f) == std::sin(2e6f));
    CHECK(std::isnan(cx::sin(std::numeric_limits<double>::infinity())));
}
