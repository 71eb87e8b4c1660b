// Arrays in the static engine: reductions (sum, mean, dot) of elementwise expressions whose
// variables are bound to arrays and numbers, against the hand-written loops, the tape and
// central differences, in double and float.
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <span>
#include <type_traits>
#include <vector>

#include <etgrad/array.hpp>
#include <etgrad/tape.hpp>

#include "support/branchy_op.hpp"
#include "support/catch.hpp"
#include "support/simd_paths.hpp"

using namespace etgrad;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;

std::vector<double> random_values(std::size_t n, unsigned seed, double lo, double hi) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(n);
    for (double& e : v) e = u(gen);
    return v;
}
}  // namespace

TEST_CASE("the seed: mean(x**2) over [1, 2, 3] from one static expression", "[static][array][seeds]") {
    const auto r = value_and_grad(mean(x * x), x = std::vector{1.0, 2.0, 3.0});
    CHECK_THAT(r.value, WithinRel(14.0 / 3.0, 1e-15));
    REQUIRE(r.grad[x].size() == 3);
    CHECK(std::round(r.grad[x][0] * 1e4) / 1e4 == 0.6667);
    CHECK(std::round(r.grad[x][1] * 1e4) / 1e4 == 1.3333);
    CHECK(r.grad[x][2] == 2.0);
    CHECK(grad(mean(pow(x, 2)), x = std::vector{1.0, 2.0, 3.0})[x] == r.grad[x]);
}

TEST_CASE("W3: mean(x*x) over 1000 values equals the hand-written loop", "[static][array]") {
    const std::vector<double> v = random_values(1000, 1, -2, 2);
    const auto r = value_and_grad(mean(x * x), x = v);
    double total = 0;
    for (double e : v) total += e * e;
    CHECK_THAT(r.value, WithinRel(total / 1000.0, 1e-14));
    for (std::size_t i = 0; i < v.size(); ++i) CHECK(r.grad[x][i] == 2.0 * v[i] * (1.0 / 1000.0));
}

TEST_CASE("W4 with d = 1: logistic regression as one expression, against the hand loop, the tape and finite "
          "differences",
          "[static][array]") {
    const std::vector<double> xs = random_values(200, 2, -3, 3);
    std::vector<double> ys(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) ys[i] = xs[i] + 0.3 * std::sin(7.0 * double(i)) > 0 ? 1.0 : 0.0;
    const double wv = 0.8, bv = -0.2;
    constexpr auto loss = mean(bce_with_logits(w * x + b, y));
    const auto r = value_and_grad(loss, wrt(w, b), x = xs, y = ys, w = wv, b = bv);
    // the hand-written loop
    double l = 0, dw = 0, db = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double z = wv * xs[i] + bv, p = 1.0 / (1.0 + std::exp(-z));
        l += std::fmax(z, 0.0) - z * ys[i] + std::log1p(std::exp(-std::fabs(z)));
        dw += (p - ys[i]) * xs[i];
        db += p - ys[i];
    }
    const double n = double(xs.size());
    CHECK_THAT(r.value, WithinRel(l / n, 1e-13));
    CHECK_THAT(r.grad[w], WithinRel(dw / n, 1e-12));
    CHECK_THAT(r.grad[b], WithinRel(db / n, 1e-12));
    // the tape
    Tensor tw = tensor(wv, requires_grad), tb = tensor(bv, requires_grad);
    Tensor tl = mean(bce_with_logits(tw * from_vector(xs, {200}) + tb, from_vector(ys, {200})));
    tl.backward();
    CHECK_THAT(r.value, WithinRel(tl.item(), 1e-13));
    CHECK_THAT(r.grad[w], WithinRel(tw.grad().item(), 1e-12));
    CHECK_THAT(r.grad[b], WithinRel(tb.grad().item(), 1e-12));
    // central differences in w, b and one element of x
    const double h = 1e-6;
    auto at = [&](double wq, double bq, const std::vector<double>& xq) {
        return value_and_grad(loss, wrt(), x = xq, y = ys, w = wq, b = bq).value;
    };
    CHECK_THAT(r.grad[w], WithinAbs((at(wv + h, bv, xs) - at(wv - h, bv, xs)) / (2 * h), 1e-8));
    CHECK_THAT(r.grad[b], WithinAbs((at(wv, bv + h, xs) - at(wv, bv - h, xs)) / (2 * h), 1e-8));
    const auto all = value_and_grad(loss, x = xs, y = ys, w = wv, b = bv);
    std::vector<double> up = xs, down = xs;
    up[17] += h;
    down[17] -= h;
    CHECK_THAT(all.grad[x][17], WithinAbs((at(wv, bv, up) - at(wv, bv, down)) / (2 * h), 1e-9));
    CHECK(all.grad[y].size() == 200);
}

TEST_CASE("a few elements, one run and many runs: every path gives the scalar engine's gradient", "[static][array]") {
    // Contiguous double vectors take the engine's short paths (under 8 elements, one run of up to
    // 256); integer labels are converted, which takes the general path. Both against the scalar
    // engine element by element, to a tolerance scaled by the sum of the terms' magnitudes.
    // On each SIMD path this machine has (the AVX2 loops of run-time dispatch too).
    constexpr auto f = bce_with_logits(w * x + b, y);
    etgrad_test::on_each_simd_path([&] {
        for (std::size_t n : {1u, 2u, 3u, 5u, 7u, 8u, 9u, 255u, 256u, 257u, 1000u}) {
            CAPTURE(n);
            const std::vector<double> xs = random_values(n, unsigned(n), -3, 3);
            std::vector<int> labels(n);
            for (std::size_t i = 0; i < n; ++i) labels[i] = xs[(i * 7) % n] > 0.5 ? 1 : 0;
            const std::vector<double> ys(labels.begin(), labels.end());
            const double inv = 1.0 / double(n);
            double value = 0, gw = 0, gb = 0, mw = 0, mb = 0, mv = 0;
            std::vector<double> gx(n);
            for (std::size_t i = 0; i < n; ++i) {
                const auto e = value_and_grad(f, x = xs[i], y = ys[i], w = 0.7, b = -0.2);
                value += e.value, gw += e.grad[w], gb += e.grad[b];
                mv += std::fabs(e.value), mw += std::fabs(e.grad[w]), mb += std::fabs(e.grad[b]);
                gx[i] = e.grad[x] * inv;
            }
            auto agrees = [&](const auto& r) {
                CHECK_THAT(r.value, WithinAbs(value * inv, 1e-13 * mv * inv));
                CHECK_THAT(r.grad[w], WithinAbs(gw * inv, 1e-13 * mw * inv));
                CHECK_THAT(r.grad[b], WithinAbs(gb * inv, 1e-13 * mb * inv));
                REQUIRE(r.grad[x].size() == n);
                for (std::size_t i = 0; i < n; ++i)
                    CHECK_THAT(r.grad[x][i], WithinAbs(gx[i], 1e-14 * std::fabs(gx[i])));
            };
            const auto fast = value_and_grad(mean(f), x = xs, y = ys, w = 0.7, b = -0.2);
            agrees(fast);
            agrees(value_and_grad(mean(f), x = xs, y = labels, w = 0.7, b = -0.2));
            std::vector<double> buf(n, -1.0);
            const auto into_buf =
                value_and_grad(mean(f), wrt(x, w, b), into(x, buf), x = xs, y = ys, w = 0.7, b = -0.2);
            agrees(into_buf);
            CHECK(buf == fast.grad[x]);
            const auto total = value_and_grad(sum(f), x = xs, y = ys, w = 0.7, b = -0.2);
            CHECK_THAT(total.value, WithinAbs(value, 1e-13 * mv));
            CHECK_THAT(total.grad[w], WithinAbs(gw, 1e-13 * mw));
        }
    });
}

TEST_CASE("an op whose rules take no packs runs element by element in an array expression", "[static][array]") {
    const std::vector<double> v = random_values(37, 5, -2, 2);  // whole packs and a tail
    const auto f = sum(apply<etgrad_test::branchy_op>(x) * w);
    const auto r = value_and_grad(f, x = v, w = 1.5);
    double value = 0, dw = 0;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const double l = v[k] > 0 ? v[k] : 0.25 * v[k];
        value += 1.5 * l;
        dw += l;
        CHECK(r.grad[x][k] == 1.5 * (v[k] > 0 ? 1.0 : 0.25));
    }
    CHECK_THAT(r.value, WithinRel(value, 1e-14));
    CHECK_THAT(r.grad[w], WithinRel(dw, 1e-14));
}

TEST_CASE("arrays of every kind bind: vectors, std::array, spans, temporaries; numbers broadcast", "[static][array]") {
    const std::vector<double> a{1.0, -2.0, 0.5};
    const std::array<double, 3> c{3.0, 1.0, 2.0};
    const auto d = value_and_grad(dot(x, y), x = a, y = c);
    CHECK(d.value == 3.0 - 2.0 + 1.0);
    CHECK(d.grad[x] == std::vector<double>{3.0, 1.0, 2.0});
    CHECK(d.grad[y] == a);
    const auto s = value_and_grad(sum(w * sin(x)), x = std::span<const double>(a), w = 2.0);
    CHECK(s.grad[w] == std::sin(1.0) + std::sin(-2.0) + std::sin(0.5));
    CHECK(s.grad[x][1] == 2.0 * std::cos(-2.0));
    // only numbers: the reduction of one element is the expression itself
    const auto one = value_and_grad(sum(x * x), x = 3.0);
    CHECK(one.value == 9.0);
    CHECK(one.grad[x] == 6.0);
    // integers promote to double
    const auto ints = value_and_grad(sum(x * w), x = std::vector<int>{1, 2, 3}, w = 2.0);
    CHECK(ints.grad[w] == 6.0);
}

TEST_CASE("float arrays compute in float and agree with double", "[static][array]") {
    const std::vector<float> xf{0.3f, 1.7f, -0.9f, 2.4f};
    const std::vector<double> xd(xf.begin(), xf.end());
    const auto rf = value_and_grad(mean(tanh(w * x) + 0.5f * x * x), x = xf, w = 1.5f);
    const auto rd = value_and_grad(mean(tanh(w * x) + 0.5 * x * x), x = xd, w = 1.5);
    static_assert(std::is_same_v<decltype(rf.value), float>);
    CHECK_THAT(double(rf.value), WithinRel(rd.value, 1e-6));
    CHECK_THAT(double(rf.grad[w]), WithinRel(rd.grad[w], 1e-5));
    for (std::size_t i = 0; i < xf.size(); ++i) CHECK_THAT(double(rf.grad[x][i]), WithinRel(rd.grad[x][i], 1e-5));
}

TEST_CASE("arrays of different lengths throw shape_error naming both; empty arrays follow PyTorch",
          "[static][array]") {
    const std::vector<double> three{1, 2, 3}, two{1, 2};
    CHECK_THROWS_AS(value_and_grad(sum(x * y), x = three, y = two), shape_error);
    CHECK_THROWS_WITH(value_and_grad(sum(x * y), x = three, y = two),
                      etgrad_test::contains("sum: the shapes do not broadcast: x is [3] and y is [2]"));
    const std::vector<double> none;
    const auto m = value_and_grad(mean(w * x), x = none, w = 2.0);
    CHECK(std::isnan(m.value));  // the mean of no element, as torch.mean
    CHECK(m.grad[x].empty());
    CHECK(m.grad[w] == 0.0);
    const auto s = value_and_grad(sum(w * x), x = none, w = 2.0);
    CHECK(s.value == 0.0);
}

TEST_CASE("into(x, buffer) writes an array's gradient into the caller's buffer", "[static][array]") {
    const std::vector<double> v{1.0, 2.0, 3.0};
    std::vector<double> g(3, -1.0);
    const auto r = value_and_grad(mean(w * x * x), into(x, g), x = v, w = 2.0);
    CHECK(r.grad[x].data() == g.data());  // a view of the buffer: nothing allocated for it
    CHECK(g == std::vector<double>{4.0 / 3.0, 8.0 / 3.0, 4.0});
    CHECK_THAT(r.grad[w], WithinRel((1.0 + 4.0 + 9.0) / 3.0, 1e-15));
    // with wrt, and two buffers
    std::vector<double> gx(3), gy(3);
    const auto d = value_and_grad(dot(x, y), wrt(x, y), into(x, gx, y, gy), x = v, y = std::vector{4.0, 5.0, 6.0});
    CHECK(d.value == 32.0);
    CHECK(gx == std::vector<double>{4.0, 5.0, 6.0});
    CHECK(gy == v);
    std::vector<double> small(2);
    CHECK_THROWS_WITH(value_and_grad(sum(x), into(x, small), x = v),
                      etgrad_test::contains("the gradient buffer for x has 2 elements, its array 3"));
}
