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

namespace {
/// Deterministic values in [-1, 1).
std::vector<double> values(std::int64_t n, std::uint64_t seed) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (double& x : v) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        x = 2.0 * double(seed >> 11) * (1.0 / 9007199254740992.0) - 1.0;
    }
    return v;
}
}  // namespace

TEST_CASE("matmul of every shape class against a naive triple loop, forward and both gradients",
          "[tape][matmul]") {
    // (R x M) @ (M x P): P = 1 takes the matrix-vector kernels, M below and above the unrolling
    // of four, and an empty inner dimension gives zeros
    const std::int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 1}, {7, 4, 1}, {5, 3, 2},  {4, 9, 7},
                                      {1, 6, 5}, {6, 1, 3}, {2, 0, 3}, {13, 30, 16}};
    for (const auto& sh : shapes) {
        const std::int64_t R = sh[0], M = sh[1], P = sh[2];
        CAPTURE(R, M, P);
        const std::vector<double> a = values(R * M, 11), b = values(M * P, 29), seed = values(R * P, 47);
        Tensor A = from_vector(a, {R, M}).requires_grad_();
        Tensor B = from_vector(b, {M, P}).requires_grad_();
        Tensor C = matmul(A, B);
        C.backward(from_vector(seed, {R, P}));
        std::vector<double> c(std::size_t(R * P), 0.0), da(std::size_t(R * M), 0.0), db(std::size_t(M * P), 0.0);
        for (std::int64_t i = 0; i < R; ++i)
            for (std::int64_t j = 0; j < P; ++j)
                for (std::int64_t k = 0; k < M; ++k) {
                    c[std::size_t(i * P + j)] += a[std::size_t(i * M + k)] * b[std::size_t(k * P + j)];
                    da[std::size_t(i * M + k)] += seed[std::size_t(i * P + j)] * b[std::size_t(k * P + j)];
                    db[std::size_t(k * P + j)] += a[std::size_t(i * M + k)] * seed[std::size_t(i * P + j)];
                }
        auto near = [](const std::vector<double>& got, const std::vector<double>& want) {
            REQUIRE(got.size() == want.size());
            for (std::size_t k = 0; k < got.size(); ++k) CHECK(got[k] == Approx(want[k]).epsilon(1e-13).margin(1e-14));
        };
        near(C.to_vector(), c);
        near(A.grad().to_vector(), da);
        near(B.grad().to_vector(), db);
        // a matrix times a vector: the same products through MvBackward0
        if (P == 1) {
            Tensor v = from_vector(b, {M}).requires_grad_();
            Tensor A2 = from_vector(a, {R, M}).requires_grad_();
            Tensor y = matmul(A2, v);
            CHECK(y.grad_fn() == "MvBackward0");
            y.backward(from_vector(seed, {R}));
            near(y.to_vector(), c);
            near(A2.grad().to_vector(), da);
            near(v.grad().to_vector(), db);
        }
    }
}
