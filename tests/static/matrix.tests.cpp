// Matrices in the static engine: matmul(X, w), PyTorch's broadcasting of (N, d) with (d), strided
// views, the SIMD sweep against the scalar static sweep element by element, threads.
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include <etgrad/array.hpp>
#include <etgrad/symbolic.hpp>
#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
constexpr auto X = var<"X">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;

template <class T = double>
std::vector<T> random_values(std::size_t n, unsigned seed, double lo, double hi) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<T> v(n);
    for (T& e : v) e = T(u(gen));
    return v;
}

struct logreg {
    std::size_t N, d;
    std::vector<double> X, y, w;
    double b = 0.1;
    logreg(std::size_t n, std::size_t dim)
        : N(n), d(dim), X(random_values(n * dim, 3, -1, 1)), y(n), w(random_values(dim, 4, -0.5, 0.5)) {
        for (std::size_t i = 0; i < N; ++i) y[i] = std::sin(double(i)) > 0 ? 1.0 : 0.0;
    }
    // the hand-written loss and gradients
    double loss(const std::vector<double>& wv, double bv) const {
        double l = 0;
        for (std::size_t i = 0; i < N; ++i) {
            double z = bv;
            for (std::size_t j = 0; j < d; ++j) z += X[i * d + j] * wv[j];
            l += std::fmax(z, 0.0) - z * y[i] + std::log1p(std::exp(-std::fabs(z)));
        }
        return l / double(N);
    }
    double residual(std::size_t i) const {
        double z = b;
        for (std::size_t j = 0; j < d; ++j) z += X[i * d + j] * w[j];
        return (1.0 / (1.0 + std::exp(-z)) - y[i]) / double(N);
    }
};
}  // namespace

TEST_CASE("W4 as one expression: mean(bce_with_logits(matmul(X, w) + b, y)) against the hand loop, the tape and "
          "finite differences",
          "[static][array][matrix]") {
    // under 8 rows the short path serves the call (row by row), from 8 the general pass
    for (std::size_t N : {1, 3, 7, 8, 1000}) {
        for (std::size_t d : {std::size_t(1), std::size_t(16), std::size_t(5)}) {
            CAPTURE(N, d);
            const logreg D(N, d);
            constexpr auto loss = mean(bce_with_logits(matmul(X, w) + b, y));
            const auto r = value_and_grad(loss, wrt(w, b), X = as_matrix(D.X, D.N, D.d), y = D.y, w = D.w, b = D.b);
            CHECK_THAT(r.value, WithinRel(D.loss(D.w, D.b), 1e-13));
            std::vector<double> dw(d, 0.0);
            double db = 0;
            for (std::size_t i = 0; i < D.N; ++i) {
                const double g = D.residual(i);
                db += g;
                for (std::size_t j = 0; j < d; ++j) dw[j] += g * D.X[i * d + j];
            }
            CHECK_THAT(r.grad[b], WithinRel(db, 1e-12));
            REQUIRE(r.grad[w].size() == d);
            for (std::size_t j = 0; j < d; ++j) CHECK_THAT(r.grad[w][j], WithinRel(dw[j], 1e-11));
            // central differences on w and b
            const double h = 1e-6;
            for (std::size_t j = 0; j < d; j += 4) {
                std::vector<double> wp = D.w, wm = D.w;
                wp[j] += h;
                wm[j] -= h;
                CHECK_THAT(r.grad[w][j], WithinAbs((D.loss(wp, D.b) - D.loss(wm, D.b)) / (2 * h), 1e-8));
            }
            CHECK_THAT(r.grad[b], WithinAbs((D.loss(D.w, D.b + h) - D.loss(D.w, D.b - h)) / (2 * h), 1e-8));
            // the tape
            Tensor tw = from_vector(D.w, {std::int64_t(d)}).requires_grad_(), tb = tensor(D.b, requires_grad);
            Tensor tl = bce_with_logits(matmul(from_vector(D.X, {std::int64_t(D.N), std::int64_t(d)}), tw) + tb,
                                        from_vector(D.y, {std::int64_t(D.N)}));
            tl.backward();
            CHECK_THAT(r.value, WithinRel(tl.item(), 1e-13));
            CHECK_THAT(r.grad[b], WithinRel(tb.grad().item(), 1e-12));
            for (std::size_t j = 0; j < d; ++j) CHECK_THAT(r.grad[w][j], WithinRel(tw.grad().to_vector()[j], 1e-11));
            // into a caller's buffer, and X transposed twice (column stride N: the general pass)
            std::vector<double> gw(d, -1.0), xt(N * d);
            for (std::size_t i = 0; i < N; ++i)
                for (std::size_t j = 0; j < d; ++j) xt[j * N + i] = D.X[i * d + j];
            const auto s =
                value_and_grad(loss, wrt(w, b), into(w, gw), X = as_matrix(D.X, D.N, D.d), y = D.y, w = D.w, b = D.b);
            const auto xtt = as_matrix(xt.data(), N, d, 1, std::ptrdiff_t(N));
            const auto g = value_and_grad(loss, wrt(w, b), X = xtt, y = D.y, w = D.w, b = D.b);
            CHECK(gw == r.grad[w]);
            CHECK(s.value == r.value);
            CHECK_THAT(g.value, WithinRel(r.value, 1e-14));
            CHECK_THAT(g.grad[b], WithinRel(r.grad[b], 1e-13));
            for (std::size_t j = 0; j < d; ++j) CHECK_THAT(g.grad[w][j], WithinRel(r.grad[w][j], 1e-13));
        }
    }
}

TEST_CASE("matmul's gradient with respect to the matrix is a w^T, row by row", "[static][array][matrix]") {
    const logreg D(37, 6);
    const auto r = value_and_grad(mean(bce_with_logits(matmul(X, w) + b, y)), wrt(X, w), X = as_matrix(D.X, D.N, D.d),
                                  y = D.y, w = D.w, b = D.b);
    REQUIRE(r.grad[X].rows() == D.N);
    REQUIRE(r.grad[X].cols() == D.d);
    for (std::size_t i = 0; i < D.N; ++i)
        for (std::size_t j = 0; j < D.d; ++j) CHECK_THAT(r.grad[X](i, j), WithinRel(D.residual(i) * D.w[j], 1e-12));
    // into a caller's buffer: a contiguous one row by row, or a strided view
    std::vector<double> gx(D.N * D.d), gw(D.d);
    const auto s = value_and_grad(mean(bce_with_logits(matmul(X, w) + b, y)), wrt(X, w), into(X, gx, w, gw),
                                  X = as_matrix(D.X, D.N, D.d), y = D.y, w = D.w, b = D.b);
    for (std::size_t i = 0; i < D.N; ++i)
        for (std::size_t j = 0; j < D.d; ++j) CHECK(gx[i * D.d + j] == r.grad[X](i, j));
    for (std::size_t j = 0; j < D.d; ++j) CHECK(gw[j] == r.grad[w][j]);
    CHECK(s.grad[X].data() == gx.data());
    std::vector<double> wide(D.N * 2 * D.d, -7.0);
    auto view = as_matrix(wide.data(), D.N, D.d, std::ptrdiff_t(2 * D.d));
    (void)value_and_grad(mean(bce_with_logits(matmul(X, w) + b, y)), wrt(X), into(X, view),
                         X = as_matrix(D.X, D.N, D.d), y = D.y, w = D.w, b = D.b);
    for (std::size_t i = 0; i < D.N; ++i)
        for (std::size_t j = 0; j < D.d; ++j) {
            CHECK(wide[i * 2 * D.d + j] == r.grad[X](i, j));
            CHECK(wide[i * 2 * D.d + D.d + j] == -7.0);  // untouched between the rows
        }
}

TEST_CASE("matrices broadcast as in PyTorch: (N, d) with (d), with (N, 1), with (1, d) and with numbers",
          "[static][array][matrix]") {
    const std::size_t N = 300, d = 7;
    const std::vector<double> m = random_values(N * d, 5, -2, 2), v = random_values(d, 6, -1, 1),
                              c = random_values(N, 7, -1, 1);
    const auto r = value_and_grad(sum(X * w + sin(X)), X = as_matrix(m, N, d), w = v);
    double total = 0;
    std::vector<double> gw(d, 0.0);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < d; ++j) {
            total += m[i * d + j] * v[j] + std::sin(m[i * d + j]);
            gw[j] += m[i * d + j];
        }
    CHECK_THAT(r.value, WithinRel(total, 1e-12));
    for (std::size_t j = 0; j < d; ++j) CHECK_THAT(r.grad[w][j], WithinRel(gw[j], 1e-12));
    for (std::size_t i = 0; i < N; i += 17)
        for (std::size_t j = 0; j < d; ++j)
            CHECK_THAT(r.grad[X](i, j), WithinRel(v[j] + std::cos(m[i * d + j]), 1e-14));
    // a column (N, 1): each of its elements is used along a whole row
    const auto col = value_and_grad(mean(X * y), X = as_matrix(m, N, d), y = as_matrix(c, N, 1));
    REQUIRE(col.grad[y].rows() == N);
    REQUIRE(col.grad[y].cols() == 1);
    for (std::size_t i = 0; i < N; i += 13) {
        double row = 0;
        for (std::size_t j = 0; j < d; ++j) row += m[i * d + j];
        CHECK_THAT(col.grad[y](i, 0), WithinRel(row / double(N * d), 1e-13));
    }
    // a row (1, d) and a number
    const auto row = value_and_grad(sum(X * y * b), X = as_matrix(m, N, d), y = as_matrix(v, 1, d), b = 2.0);
    CHECK_THAT(row.value, WithinRel(2 * r.value - 2 * [&] {
                                        double s = 0;
                                        for (double e : m) s += std::sin(e);
                                        return s;
                                    }(),
                                    1e-12));
    for (std::size_t j = 0; j < d; ++j) CHECK_THAT(row.grad[y](0, j), WithinRel(2 * gw[j], 1e-12));
    CHECK_THAT(row.grad[b], WithinRel(row.value / 2, 1e-12));
}

TEST_CASE("strided and transposed views read the right elements", "[static][array][matrix]") {
    const std::size_t N = 20, d = 9;
    const std::vector<double> m = random_values(N * d, 8, -1, 1);
    // the transpose of m, viewed with a column stride: (d, N)
    const auto t = as_matrix(m.data(), d, N, 1, std::ptrdiff_t(d));
    const auto r = value_and_grad(sum(X * X * X), X = t);
    for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < N; ++j)
            CHECK_THAT(r.grad[X](i, j), WithinRel(3 * m[j * d + i] * m[j * d + i], 1e-15));
    // every other column
    const auto half = as_matrix(m.data(), N, (d + 1) / 2, std::ptrdiff_t(d), 2);
    const auto s = value_and_grad(sum(X), X = half);
    double total = 0;
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < d; j += 2) total += m[i * d + j];
    CHECK_THAT(s.value, WithinRel(total, 1e-14));
}

TEST_CASE("shapes that do not fit throw shape_error naming both, before any work", "[static][array][matrix]") {
    const std::vector<double> m(12, 1.0), five(5, 1.0), four(4, 1.0);
    CHECK_THROWS_WITH(value_and_grad(sum(X * w), X = as_matrix(m, 3, 4), w = five),
                      etgrad_test::contains("sum: the shapes do not broadcast: X is [3, 4] and w is [5]"));
    CHECK_THROWS_WITH(value_and_grad(mean(matmul(X, w)), X = as_matrix(m, 3, 4), w = five),
                      etgrad_test::contains("matmul: X is [3, 4] and w is [5]"));
    CHECK_THROWS_WITH(value_and_grad(mean(matmul(X, w) * y), X = as_matrix(m, 3, 4), w = four, y = four),
                      etgrad_test::contains("matmul(X, w) is [3] and y is [4]"));
    CHECK_THROWS_WITH(as_matrix(m, 5, 3), etgrad_test::contains("12 values cannot be viewed as [5, 3]"));
    std::vector<double> small(11);
    CHECK_THROWS_WITH(value_and_grad(sum(X), into(X, small), X = as_matrix(m, 3, 4)),
                      etgrad_test::contains("the gradient buffer for X has 11 elements, its array 12"));
    std::vector<double> buffer(12);
    auto wrong = as_matrix(buffer, 4, 3);
    CHECK_THROWS_WITH(value_and_grad(sum(X), into(X, wrong), X = as_matrix(m, 3, 4)),
                      etgrad_test::contains("the gradient buffer for X is [4, 3], its array [3, 4]"));
    // a view may claim any shape: one whose count overflows, or broadcasts that do, are refused
    const double one = 1.0;
    const auto huge = as_matrix(&one, std::size_t(1) << 40, std::size_t(1) << 40, 0, 0);
    CHECK_THROWS_WITH(value_and_grad(sum(X), X = huge), etgrad_test::contains("their number overflows"));
    const auto column = as_matrix(&one, std::size_t(1) << 40, 1, 0, 0);
    const auto row = as_matrix(&one, 1, std::size_t(1) << 40, 0, 0);
    CHECK_THROWS_WITH(value_and_grad(sum(X * y), X = column, y = row),
                      etgrad_test::contains("broadcast to more elements than a size_t counts"));
    // a buffer that does not fit is reported before any is written
    std::vector<double> untouched(4, 7.0), short_buffer(2);
    CHECK_THROWS_AS(value_and_grad(sum(X), wrt(X, w), into(w, untouched, X, short_buffer), X = as_matrix(m, 3, 4),
                                   w = four),
                    shape_error);
    CHECK(untouched == std::vector<double>(4, 7.0));
    // empty matrices: the mean of none is NaN, as torch.mean
    const std::vector<double> none;
    const auto e = value_and_grad(mean(X * b), X = as_matrix(none, 0, 3), b = 1.0);
    CHECK(std::isnan(e.value));
    CHECK(e.grad[X].size() == 0);
}

namespace {
// each op's rule on SIMD packs against the scalar static sweep, element by element
template <class T, class F>
void check_against_scalar(const F& f, const std::vector<T>& xs, const std::vector<T>& ys, double rel) {
    const auto r = value_and_grad(sum(f), x = xs, y = ys);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const auto e = value_and_grad(f, x = xs[i], y = ys[i]);
        INFO("element " << i << ": x = " << xs[i] << ", y = " << ys[i]);
        for (auto [got, want] : {std::pair{r.grad[x][i], e.grad[x]}, std::pair{r.grad[y][i], e.grad[y]}}) {
            if (std::isnan(want)) CHECK(std::isnan(got));
            else if (rel == 0 || std::fabs(want) < 1e-300) CHECK(got == want);
            else CHECK_THAT(double(got), WithinRel(double(want), rel));
        }
    }
}
}  // namespace

TEST_CASE("every op on SIMD packs gives the scalar engine's gradient, kinks and ties as PyTorch",
          "[static][array][simd]") {
    // kinks, ties and bounds on purpose (0, equal operands, the clamp's bounds), and a NaN
    std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, 0.5, 0.5, 2.0, -2.0, 0.25, 3.0, -0.75, 1.5, 0.1, -3.0, 0.0, 0.5,
                              1.0};
    std::vector<double> ys = {0.0, 1.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1.0, 0.25, 2.0, 0.75, -1.5, 0.3, 3.0, -1.0, 1.0,
                              1.0};
    xs.push_back(std::numeric_limits<double>::quiet_NaN());
    ys.push_back(0.5);
    check_against_scalar(relu(x) + abs(y) + max(x, y) + min(x, y) + clamp(x, -0.5, y), xs, ys, 0);
    check_against_scalar(x * y - x / (y + 5.0) + pow(x, 3) + square(y), xs, ys, 1e-15);
    check_against_scalar(sin(x) * cos(y) + tanh(x) + sigmoid(y) + softplus(x), xs, ys, 1e-13);
    check_against_scalar(exp(x) + log1p(x * x) + sqrt(y * y + 1.0) + atan(x) + erf(y), xs, ys, 1e-13);
    check_against_scalar(bce_with_logits(x, y) + mse(x, y) + gelu(x) + sinh(y) + asinh(x), xs, ys, 1e-13);
    const std::vector<float> xf(xs.begin(), xs.end()), yf(ys.begin(), ys.end());
    check_against_scalar(relu(x) + abs(y) + max(x, y) + clamp(x, -0.5f, y), xf, yf, 0);
    check_against_scalar(sin(x) * exp(y) + tanh(x) + bce_with_logits(x, y), xf, yf, 1e-5);
}

TEST_CASE("threads: the same result on every run for a thread count, within 1e-12 of one thread",
          "[static][array][threads]") {
    const std::size_t N = 40000, d = 16;
    const logreg D(N, d);
    auto run = [&] {
        return value_and_grad(mean(bce_with_logits(matmul(X, w) + b, y)), wrt(w, b), X = as_matrix(D.X, N, d), y = D.y,
                              w = D.w, b = D.b);
    };
    set_num_threads(1);
    const auto one = run();
    set_num_threads(2);
    CHECK(get_num_threads() == 2);
    const auto two = run(), again = run();
    const std::vector<double> big = random_values(300000, 9, -1, 1);
    const auto s2 = value_and_grad(mean(exp(x) * x), x = big);
    set_num_threads(1);
    const auto s1 = value_and_grad(mean(exp(x) * x), x = big);
    CHECK(two.value == again.value);
    CHECK(two.grad[b] == again.grad[b]);
    CHECK(two.grad[w] == again.grad[w]);
    CHECK_THAT(two.value, WithinRel(one.value, 1e-12));
    CHECK_THAT(two.grad[b], WithinRel(one.grad[b], 1e-12));
    for (std::size_t j = 0; j < d; ++j) CHECK_THAT(two.grad[w][j], WithinRel(one.grad[w][j], 1e-12));
    CHECK_THAT(s2.value, WithinRel(s1.value, 1e-12));
    CHECK(s2.grad[x] == s1.grad[x]);  // elementwise gradients do not depend on the split
    // callers on several threads at once, each splitting its pass in two
    set_num_threads(2);
    std::vector<double> values(4);
    std::vector<std::thread> callers;
    for (std::size_t t = 0; t < 4; ++t) callers.emplace_back([&, t] { values[t] = run().value; });
    for (auto& c : callers) c.join();
    set_num_threads(1);
    for (double v : values) CHECK(v == two.value);
    set_num_threads(0);
    CHECK(get_num_threads() == 1);
}

TEST_CASE("an expression evaluated at arrays is the array of its values, element by element",
          "[static][array][evaluate]") {
    const std::vector<double> v{1.0, 2.0, 3.0}, m{1, 2, 3, 4, 5, 6};
    const std::vector<double> e = (x * x + 1.0)(x = v);
    CHECK(e == std::vector<double>{2.0, 5.0, 10.0});
    const matrix<double> p = evaluate(X * w, X = as_matrix(m, 2, 3), w = v);  // (2, 3) with (3)
    REQUIRE(p.rows() == 2);
    REQUIRE(p.cols() == 3);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j) CHECK(p(i, j) == m[i * 3 + j] * v[j]);
    const std::vector<double> z = evaluate(matmul(X, w) + b, X = as_matrix(m, 2, 3), w = v, b = 0.5);
    CHECK(z == std::vector<double>{14.5, 32.5});
    CHECK_THROWS_AS(evaluate(x * y, x = v, y = std::vector<double>{1.0, 2.0}), shape_error);
}

TEST_CASE("d() of a sum or a mean: the elementwise derivative, printed, and the gradient it gives",
          "[static][array][symbolic]") {
    const std::vector<double> v{1.0, 2.0, 3.0};
    constexpr auto dm = d(mean(w * x * x), x);
    CHECK(dm.str() == "(2*w*x)/n");
    static_assert(dm.elementwise() == 2_c * w * x);
    const std::vector<double> gx = dm(x = v, w = 2.0);
    const auto r = value_and_grad(mean(w * x * x), x = v, w = 2.0);
    CHECK(gx == r.grad[x]);
    const std::vector<double> each = dm.elementwise()(x = v, w = 2.0);  // element i, before the 1/n
    for (std::size_t i = 0; i < v.size(); ++i) CHECK_THAT(each[i] / 3.0, WithinRel(gx[i], 1e-15));
    // a number: the sum over the elements
    constexpr auto dw = d(sum(sin(w * x)), w);
    CHECK(dw.str() == "x*cos(w*x)");
    CHECK_THAT(dw(x = v, w = 0.5), WithinRel(std::cos(0.5) + 2 * std::cos(1.0) + 3 * std::cos(1.5), 1e-15));
    // dot
    constexpr auto dd = d(dot(x, y), y);
    CHECK(dd.str() == "x");
    CHECK(dd(x = v, y = v) == v);
}
