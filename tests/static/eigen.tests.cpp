// Eigen's dense vectors and matrices bound to variables of the static engine (column-major and
// row-major, Map and Ref with strides, blocks), without etgrad including Eigen.
#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include <etgrad/array.hpp>

#include "support/catch.hpp"

using namespace etgrad;
using Catch::Matchers::WithinRel;

namespace {
constexpr auto X = var<"X">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto y = var<"y">;
}  // namespace

TEST_CASE("Eigen matrices and vectors bind as matrices and vectors, in their own storage order",
          "[static][array][eigen]") {
    const Eigen::Index N = 50, d = 4;
    Eigen::MatrixXd A = Eigen::MatrixXd::Random(N, d);  // column-major
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = A;
    Eigen::VectorXd v = Eigen::VectorXd::Random(d), t(N);
    for (Eigen::Index i = 0; i < N; ++i) t[i] = i % 2;
    constexpr auto loss = mean(bce_with_logits(matmul(X, w) + b, y));
    const auto c = value_and_grad(loss, wrt(w, b), X = A, w = v, y = t, b = 0.2);
    const auto r = value_and_grad(loss, wrt(w, b), X = R, w = v, y = t, b = 0.2);
    // Eigen's own arithmetic as the reference
    const Eigen::VectorXd z = (A * v).array() + 0.2;
    const Eigen::VectorXd p = 1.0 / (1.0 + (-z.array()).exp());
    const Eigen::VectorXd g = (p - t) / double(N);
    const Eigen::VectorXd gw = A.transpose() * g;
    CHECK_THAT(c.grad[b], WithinRel(g.sum(), 1e-12));
    for (Eigen::Index j = 0; j < d; ++j) {
        CHECK_THAT(c.grad[w][std::size_t(j)], WithinRel(gw[j], 1e-12));
        CHECK_THAT(r.grad[w][std::size_t(j)], WithinRel(gw[j], 1e-12));
    }
    CHECK_THAT(c.value, WithinRel(r.value, 1e-15));
    // the gradient of a matrix, into an Eigen matrix of either order
    Eigen::MatrixXd GA(N, d);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> GR(N, d);
    (void)value_and_grad(sum(X * X), into(X, GA), X = A);
    (void)value_and_grad(sum(X * X), into(X, GR), X = A);
    CHECK(GA.isApprox(2 * A, 1e-15));
    CHECK(GR.isApprox(2 * A, 1e-15));
}

TEST_CASE("Eigen blocks, maps with strides and Ref bind with their strides", "[static][array][eigen]") {
    Eigen::MatrixXd A = Eigen::MatrixXd::Random(8, 6);
    const auto block = A.block(1, 2, 5, 3);
    const auto r = value_and_grad(sum(X * X * X), X = block);
    REQUIRE(r.grad[X].rows() == 5);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            const double a = A(Eigen::Index(i) + 1, Eigen::Index(j) + 2);
            CHECK_THAT(r.grad[X](i, j), WithinRel(3 * a * a, 1e-15));
        }
    std::vector<double> raw{1, 2, 3, 4, 5, 6, 7, 8};
    const Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<2>> odd(raw.data(), 4);  // 1, 3, 5, 7
    CHECK(value_and_grad(sum(y), y = odd).value == 16.0);
    const Eigen::Ref<const Eigen::VectorXd> ref = A.col(3);
    const auto s = value_and_grad(sum(y * y), y = ref);
    CHECK_THAT(s.value, WithinRel(A.col(3).squaredNorm(), 1e-14));
}
