// Reductions on the tape sum pairwise: accurate to a few ulp where a running sum drifts by n ulp.
#include <cmath>
#include <cstdint>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
/// The exact sum's nearest double, from a long double sum of the same terms in Kahan form.
double reference_sum(const std::vector<double>& v) {
    long double s = 0, c = 0;
    for (double x : v) {
        const long double y = x - c, t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return double(s);
}
std::vector<double> terms(std::size_t n) {
    std::vector<double> v(n);
    std::uint64_t s = 12345;
    for (double& x : v) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x = 0.1 + double(s >> 11) * (1.0 / 9007199254740992.0);  // in [0.1, 1.1)
    }
    return v;
}
}  // namespace

TEST_CASE("sum and mean of 10^6 terms are accurate to a few ulp", "[tape][reduce]") {
    const auto v = terms(1000000);
    const Tensor t = from_vector(v, {std::int64_t(v.size())});
    const double exact = reference_sum(v);
    CHECK_THAT(sum(t).item(), WithinRel(exact, 4e-16 * 4));
    CHECK_THAT(mean(t).item(), WithinRel(exact / 1e6, 4e-16 * 4));
    double running = 0;  // what a running sum gives, for scale
    for (double x : v) running += x;
    INFO("running sum error " << std::fabs(running - exact) / exact);
    const Tensor m = from_vector(v, {1000, 1000});
    const auto cols = sum(m, 0).to_vector(), rows = sum(m, 1).to_vector();
    for (std::size_t j : {std::size_t{0}, std::size_t{517}, std::size_t{999}}) {
        std::vector<double> col(1000), row(v.begin() + std::ptrdiff_t(j * 1000), v.begin() + std::ptrdiff_t(j * 1000 + 1000));
        for (std::size_t i = 0; i < 1000; ++i) col[i] = v[i * 1000 + j];
        CHECK_THAT(cols[j], WithinRel(reference_sum(col), 4e-16 * 4));
        CHECK_THAT(rows[j], WithinRel(reference_sum(row), 4e-16 * 4));
    }
}

TEST_CASE("a loss's mean over many terms is accurate", "[tape][reduce]") {
    const auto z = terms(569), y = std::vector<double>(569, 1.0);
    const Tensor tz = from_vector(z, {569}), ty = from_vector(y, {569});
    std::vector<double> each(569);
    for (std::size_t i = 0; i < 569; ++i) each[i] = bce_with_logits(z[i], 1.0);
    CHECK_THAT(bce_with_logits(tz, ty).item(), WithinRel(reference_sum(each) / 569, 4e-16 * 2));
}

TEST_CASE("a loss refuses targets of another shape, as PyTorch does", "[tape][reduce]") {
    const Tensor p = zeros({3, 1}), t = zeros({3});
    CHECK_THROWS_AS(bce_with_logits(p, t), shape_error);
    CHECK_THROWS_AS(bce(p, t), shape_error);
    CHECK_THROWS_AS(mse(p, t), shape_error);
    try {
        bce_with_logits(p, t);
    } catch (const shape_error& e) {
        CHECK(std::string(e.what()) == "Target size ([3]) must be the same as input size ([3, 1])");
    }
    CHECK_NOTHROW(mse(zeros({3}), t));
    CHECK_NOTHROW(bce_with_logits(zeros({3}), 0.5));  // a number target applies to every element
}
