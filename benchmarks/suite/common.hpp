/// @file common.hpp  The benchmark suite's workloads, their hand-written gradients (the
/// reference every peer is checked against before it is timed) and a shared main().
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "../bench_main.hpp"
#include "../hand.hpp"

namespace suite {

// ---- W1: sin(x*x), value and derivative; W2: the neuron bce(sigmoid(w*x+b), y) ----
using hand::w1_result;
using hand::w2_result;
inline constexpr double w1_x = 3.0;
inline constexpr double w2_w = 1.0, w2_b = 0.0, w2_x = 6.7, w2_y = 0.0;
inline w1_result w1_hand(double x) { return hand::w1(x); }
inline w2_result w2_hand(double w, double b, double x, double y) { return hand::w2(w, b, x, y); }

// ---- W5: x = x + w*sin(x), K run-time steps, gradient w.r.t. w and x0 ----
struct w5_result {
    double x, dw, dx0;
};
inline constexpr double w5_w = 0.001, w5_x0 = 0.5;  // adjoints stay normal floats for K = 10,000
/// The hand-written adjoint: one sincos per step in the forward loop, whose values the reverse
/// loop reuses (xs holds sin and cos of every x_k).
inline w5_result w5_hand(double w, double x0, int K, std::vector<double>& xs) {
    xs.resize(2 * std::size_t(K));
    double x = x0;
    for (int k = 0; k < K; ++k) {
        const double s = std::sin(x), c = std::cos(x);
        xs[2 * std::size_t(k)] = s;
        xs[2 * std::size_t(k) + 1] = c;
        x += w * s;
    }
    double ax = 1, aw = 0;
    for (int k = K - 1; k >= 0; --k) {
        aw += ax * xs[2 * std::size_t(k)];
        ax *= 1 + w * xs[2 * std::size_t(k) + 1];
    }
    return {x, aw, ax};
}
inline constexpr int w5_steps[] = {100, 10000};

// ---- checks: every peer's gradient is compared with the hand-written one before timing ----
inline bool close(double a, double b, double rel = 1e-9) {
    return std::fabs(a - b) <= rel * std::fmax(1.0, std::fmax(std::fabs(a), std::fabs(b)));
}
inline std::vector<std::function<bool()>>& checks() {
    static std::vector<std::function<bool()>> c;
    return c;
}
struct check_registrar {
    check_registrar(std::string name, std::function<bool()> f) {
        checks().push_back([name, f] {
            const bool ok = f();
            if (!ok) std::fprintf(stderr, "suite: %s: gradient differs from the hand-written one\n", name.c_str());
            return ok;
        });
    }
};
inline bool same(const w1_result& a, const w1_result& b) { return close(a.value, b.value) && close(a.dx, b.dx); }
inline bool same(const w2_result& a, const w2_result& b) {
    return close(a.loss, b.loss) && close(a.dw, b.dw) && close(a.db, b.db);
}
inline bool same(const w5_result& a, const w5_result& b) {
    return close(a.x, b.x, 1e-8) && close(a.dw, b.dw, 1e-8) && close(a.dx0, b.dx0, 1e-8);
}
inline bool check_w5(const std::function<w5_result(double, double, int)>& f) {
    std::vector<double> xs;
    for (int K : w5_steps)
        if (!same(f(w5_w, w5_x0, K), w5_hand(w5_w, w5_x0, K, xs))) return false;
    return true;
}

// ---- timing loops shared by every peer ----
template <class F>
void time_w1(benchmark::State& state, F f) {
    double x = w1_x;
    for (auto _ : state) {
        benchmark::DoNotOptimize(x);
        auto r = f(x);
        benchmark::DoNotOptimize(r);
    }
}
template <class F>
void time_w2(benchmark::State& state, F f) {
    double w = w2_w, b = w2_b, x = w2_x, y = w2_y;
    for (auto _ : state) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(x);
        auto r = f(w, b, x, y);
        benchmark::DoNotOptimize(r);
    }
}
template <class F>
void time_w5(benchmark::State& state, F f) {
    const int K = int(state.range(0));
    double w = w5_w, x0 = w5_x0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(w);
        auto r = f(w, x0, K);
        benchmark::DoNotOptimize(r);
    }
}

inline std::vector<check_registrar>& registrars() {
    static std::vector<check_registrar> r;
    return r;
}
/// Registers W1 for one variant, with its check (likewise W2, W5 for K = 100 and 10,000).
template <class F1>
void register_w1(const std::string& variant, F1 f1) {
    registrars().emplace_back(variant + " W1", [f1] { return same(f1(w1_x), w1_hand(w1_x)); });
    benchmark::RegisterBenchmark(("W1_sin_sq/" + variant).c_str(), [f1](benchmark::State& s) { time_w1(s, f1); });
}
template <class F2>
void register_w2(const std::string& variant, F2 f2) {
    registrars().emplace_back(variant + " W2",
                              [f2] { return same(f2(w2_w, w2_b, w2_x, w2_y), w2_hand(w2_w, w2_b, w2_x, w2_y)); });
    benchmark::RegisterBenchmark(("W2_neuron/" + variant).c_str(), [f2](benchmark::State& s) { time_w2(s, f2); });
}
/// W5 for K = 100 and 10,000; `counters(K)` (optional) adds counters such as tape memory.
template <class F5>
void register_w5(const std::string& variant, F5 f5,
                 std::function<void(benchmark::State&, int)> counters = nullptr) {
    registrars().emplace_back(variant + " W5", [f5] { return check_w5(f5); });
    for (int K : w5_steps)
        benchmark::RegisterBenchmark(("W5_loop_K" + std::to_string(K) + "/" + variant).c_str(),
                                     [f5, counters](benchmark::State& s) {
                                         time_w5(s, f5);
                                         if (counters) counters(s, int(s.range(0)));
                                     })
            ->Arg(K);
}
template <class F1, class F2, class F5>
void register_scalar_workloads(const std::string& variant, F1 f1, F2 f2, F5 f5,
                               std::function<void(benchmark::State&, int)> w5_counters = nullptr) {
    register_w1(variant, f1);
    register_w2(variant, f2);
    register_w5(variant, f5, std::move(w5_counters));
}

// ---- W3: mean(x^2) over n elements; W4: logistic regression, mean BCE over N samples ----
inline std::vector<double> w3_data(std::int64_t n) {
    std::vector<double> x(static_cast<std::size_t>(n), 0.0);
    for (std::int64_t i = 0; i < n; ++i) x[std::size_t(i)] = 1.0 + 0.1 * double(i % 17);
    return x;
}
struct w4_data {
    std::int64_t N, d;
    std::vector<double> X, y, w;  // X row-major N x d
    double b = 0.1;
};
inline w4_data make_w4(std::int64_t N, std::int64_t d) {
    w4_data D{N, d, std::vector<double>(std::size_t(N * d)), std::vector<double>(std::size_t(N)),
              std::vector<double>(std::size_t(d))};
    std::uint64_t s = 12345;
    auto u = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    for (auto& v : D.X) v = 2 * u() - 1;
    for (std::int64_t j = 0; j < d; ++j) D.w[std::size_t(j)] = 0.5 * (2 * u() - 1);
    for (std::int64_t i = 0; i < N; ++i) D.y[std::size_t(i)] = u() < 0.5 ? 0.0 : 1.0;
    return D;
}
struct w4_result {
    double loss;
    std::vector<double> dw;
    double db;
};
inline w4_result w4_hand(const w4_data& D) {
    w4_result r{0, std::vector<double>(std::size_t(D.d), 0.0), 0};
    const double inv = 1.0 / double(D.N);
    for (std::int64_t i = 0; i < D.N; ++i) {
        const double* xi = &D.X[std::size_t(i * D.d)];
        double z = D.b;
        for (std::int64_t j = 0; j < D.d; ++j) z += xi[j] * D.w[std::size_t(j)];
        const double yi = D.y[std::size_t(i)];
        r.loss += ((z > 0 ? z : 0) - z * yi + std::log1p(std::exp(-std::fabs(z)))) * inv;
        const double g = (1 / (1 + std::exp(-z)) - yi) * inv;
        for (std::int64_t j = 0; j < D.d; ++j) r.dw[std::size_t(j)] += g * xi[j];
        r.db += g;
    }
    return r;
}
inline bool same(const w4_result& a, const w4_result& b) {
    if (!close(a.loss, b.loss, 1e-8) || !close(a.db, b.db, 1e-8) || a.dw.size() != b.dw.size()) return false;
    for (std::size_t j = 0; j < a.dw.size(); ++j)
        if (!close(a.dw[j], b.dw[j], 1e-8)) return false;
    return true;
}
inline constexpr std::int64_t w3_sizes[] = {3, 1000, 1000000};
struct w3_result {
    double value;
    std::vector<double> grad;
};
/// Accumulates in a local and writes through a raw pointer, so the loop is not slowed by the
/// store to r.grad possibly aliasing r.value.
inline void w3_hand(const std::vector<double>& x, w3_result& r) {
    const double inv = 1.0 / double(x.size());
    r.grad.resize(x.size());
    double* g = r.grad.data();
    double v = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        v += x[i] * x[i] * inv;
        g[i] = 2 * x[i] * inv;
    }
    r.value = v;
}
inline bool same(const w3_result& a, const w3_result& b) {
    if (!close(a.value, b.value, 1e-10) || a.grad.size() != b.grad.size()) return false;
    for (std::size_t i = 0; i < a.grad.size(); ++i)
        if (!close(a.grad[i], b.grad[i], 1e-12)) return false;
    return true;
}
struct w4_shape {
    std::int64_t N, d;
};
inline constexpr w4_shape w4_shapes[] = {{3, 1}, {3, 16}, {1000, 1}, {1000, 16}, {1000000, 1}, {1000000, 16}};

// ---- W3 and W4 recorded one scalar at a time (tape peers, N <= 1,000 only) ----
/// mean(x^2) written with a scalar type T (recorded op by op: 2n + 1 ops).
template <class T>
T w3_scalar_loss(const std::vector<T>& x) {
    T acc = x[0] * x[0];
    for (std::size_t i = 1; i < x.size(); ++i) acc = acc + x[i] * x[i];
    return acc * (1.0 / double(x.size()));
}
/// Mean BCE with logits written with a scalar type T: per sample z = b + x_i . w and
/// max(z, 0) - z y + log(1 + exp(-|z|)), with max(z, 0) as (z + |z|) / 2 (no branch on values).
template <class T, class Abs>
T w4_scalar_loss(const w4_data& D, const std::vector<T>& w, const T& b, Abs abs_fn) {
    using std::exp;
    using std::log;
    T acc = b * 0.0;
    for (std::int64_t i = 0; i < D.N; ++i) {
        const double* xi = &D.X[std::size_t(i * D.d)];
        T z = b + w[0] * xi[0];
        for (std::int64_t j = 1; j < D.d; ++j) z = z + w[std::size_t(j)] * xi[j];
        const T a = abs_fn(z);
        acc = acc + ((z + a) * 0.5 - z * D.y[std::size_t(i)] + log(1.0 + exp(-a)));
    }
    return acc * (1.0 / double(D.N));
}
/// W3 (n = 3, 1,000) and W4 (N = 1,000) for a per-scalar variant, each checked first.
template <class F3, class F4>
void register_per_scalar(const std::string& variant, F3 f3, F4 f4) {
    for (std::int64_t n : w3_sizes) {
        if (n > 1000) continue;
        const std::string w = "W3_mean_sq_n" + std::to_string(n);
        auto x = std::make_shared<std::vector<double>>(w3_data(n));
        registrars().emplace_back(w + " " + variant, [x, f3] {
            w3_result h;
            w3_hand(*x, h);
            return same(h, f3(*x));
        });
        benchmark::RegisterBenchmark((w + "/" + variant).c_str(), [x, f3](benchmark::State& st) {
            for (auto _ : st) benchmark::DoNotOptimize(f3(*x));
        });
    }
    for (const w4_shape& sh : w4_shapes) {
        if (sh.N > 1000) continue;
        const std::string w = "W4_logreg_N" + std::to_string(sh.N) + "_d" + std::to_string(sh.d);
        auto D = std::make_shared<w4_data>(make_w4(sh.N, sh.d));
        registrars().emplace_back(w + " " + variant, [D, f4] { return same(w4_hand(*D), f4(*D)); });
        benchmark::RegisterBenchmark((w + "/" + variant).c_str(), [D, f4](benchmark::State& st) {
            for (auto _ : st) benchmark::DoNotOptimize(f4(*D));
        });
    }
}

// ---- W6: a 30 -> 16 (tanh) -> 1 MLP, full-batch SGD on 569 standardised samples ----
/// The shape of scikit-learn's breast-cancer set (569 x 30), generated: features standardised
/// per column, labels from a random linear teacher with noise.
struct w6_data {
    std::int64_t N = 569, d = 30, h = 16;
    std::vector<double> X, y;  // X row-major N x d
};
/// The parameters: W1 (d x h, row-major), b1 (h), w2 (h), b2.
struct w6_params {
    std::vector<double> W1, b1, w2;
    double b2 = 0;
};
inline constexpr double w6_lr = 0.5;
inline constexpr int w6_check_steps = 50;
inline w6_data make_w6() {
    w6_data D;
    D.X.resize(std::size_t(D.N * D.d));
    D.y.resize(std::size_t(D.N));
    std::uint64_t s = 987654321;
    auto u = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    auto normal = [&] { return u() + u() + u() + u() - 2.0; };
    for (auto& v : D.X) v = normal();
    for (std::int64_t j = 0; j < D.d; ++j) {  // standardise column j
        double m = 0, v = 0;
        for (std::int64_t i = 0; i < D.N; ++i) m += D.X[std::size_t(i * D.d + j)] / double(D.N);
        for (std::int64_t i = 0; i < D.N; ++i) v += std::pow(D.X[std::size_t(i * D.d + j)] - m, 2) / double(D.N);
        for (std::int64_t i = 0; i < D.N; ++i) {
            double& x = D.X[std::size_t(i * D.d + j)];
            x = (x - m) / std::sqrt(v);
        }
    }
    std::vector<double> teacher(std::size_t(D.d));
    for (auto& t : teacher) t = normal();
    for (std::int64_t i = 0; i < D.N; ++i) {
        double z = 0.3 * normal();
        for (std::int64_t j = 0; j < D.d; ++j) z += D.X[std::size_t(i * D.d + j)] * teacher[std::size_t(j)] / 5;
        D.y[std::size_t(i)] = z > 0 ? 1.0 : 0.0;
    }
    return D;
}
inline w6_params w6_init(const w6_data& D) {
    w6_params P{std::vector<double>(std::size_t(D.d * D.h)), std::vector<double>(std::size_t(D.h), 0.0),
                std::vector<double>(std::size_t(D.h)), 0.0};
    std::uint64_t s = 424242;
    auto u = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) / 9007199254740992.0;
    };
    for (auto& v : P.W1) v = (2 * u() - 1) / std::sqrt(double(D.d));
    for (auto& v : P.w2) v = (2 * u() - 1) / std::sqrt(double(D.h));
    return P;
}
/// One hand-written SGD step (forward, backward, update) in plain loops; returns the loss.
struct w6_hand_state {
    std::vector<double> H, g, dW1, db1, dw2;
    double step(const w6_data& D, w6_params& P) {
        const std::int64_t N = D.N, d = D.d, h = D.h;
        H.assign(std::size_t(N * h), 0.0);
        g.resize(std::size_t(N));
        dW1.assign(std::size_t(d * h), 0.0);
        db1.assign(std::size_t(h), 0.0);
        dw2.assign(std::size_t(h), 0.0);
        double loss = 0, db2 = 0;
        const double inv = 1.0 / double(N);
        for (std::int64_t i = 0; i < N; ++i) {
            double* Hi = &H[std::size_t(i * h)];
            const double* Xi = &D.X[std::size_t(i * d)];
            for (std::int64_t c = 0; c < h; ++c) Hi[c] = P.b1[std::size_t(c)];
            for (std::int64_t k = 0; k < d; ++k)
                for (std::int64_t c = 0; c < h; ++c) Hi[c] += Xi[k] * P.W1[std::size_t(k * h + c)];
            double z = P.b2;
            for (std::int64_t c = 0; c < h; ++c) {
                Hi[c] = std::tanh(Hi[c]);
                z += Hi[c] * P.w2[std::size_t(c)];
            }
            const double y = D.y[std::size_t(i)];
            loss += ((z > 0 ? z : 0) - z * y + std::log1p(std::exp(-std::fabs(z)))) * inv;
            const double gi = (1 / (1 + std::exp(-z)) - y) * inv;
            db2 += gi;
            for (std::int64_t c = 0; c < h; ++c) {
                dw2[std::size_t(c)] += gi * Hi[c];
                const double dz = gi * P.w2[std::size_t(c)] * (1 - Hi[c] * Hi[c]);
                db1[std::size_t(c)] += dz;
                for (std::int64_t k = 0; k < d; ++k) dW1[std::size_t(k * h + c)] += Xi[k] * dz;
            }
        }
        for (std::size_t k = 0; k < P.W1.size(); ++k) P.W1[k] -= w6_lr * dW1[k];
        for (std::size_t c = 0; c < P.b1.size(); ++c) P.b1[c] -= w6_lr * db1[c];
        for (std::size_t c = 0; c < P.w2.size(); ++c) P.w2[c] -= w6_lr * dw2[c];
        P.b2 -= w6_lr * db2;
        return loss;
    }
};
/// The parameters after `w6_check_steps` hand-written steps, and the last loss.
inline std::pair<w6_params, double> w6_reference(const w6_data& D) {
    w6_params P = w6_init(D);
    w6_hand_state st;
    double loss = 0;
    for (int k = 0; k < w6_check_steps; ++k) loss = st.step(D, P);
    return {P, loss};
}
inline bool same(const w6_params& a, const w6_params& b) {
    auto all = [](const std::vector<double>& u, const std::vector<double>& v) {
        if (u.size() != v.size()) return false;
        for (std::size_t k = 0; k < u.size(); ++k)
            if (!close(u[k], v[k], 1e-8)) return false;
        return true;
    };
    return all(a.W1, b.W1) && all(a.b1, b.b1) && all(a.w2, b.w2) && close(a.b2, b.b2, 1e-8);
}
/// Registers W6 for one variant: `make(D)` gives a state whose `step()` trains one step and
/// returns the loss and whose `params()` reads the parameters; checked against the hand-written
/// steps first.
template <class Make>
void register_w6(const std::string& variant, Make make) {
    auto D = std::make_shared<w6_data>(make_w6());
    registrars().emplace_back("W6 " + variant, [D, make] {
        auto st = make(*D);
        double loss = 0;
        for (int k = 0; k < w6_check_steps; ++k) loss = st.step();
        const auto [P, ref_loss] = w6_reference(*D);
        return close(loss, ref_loss, 1e-8) && same(st.params(), P);
    });
    benchmark::RegisterBenchmark(("W6_mlp_569x30_h16/" + variant).c_str(), [D, make](benchmark::State& s) {
        auto st = make(*D);
        for (auto _ : s) benchmark::DoNotOptimize(st.step());
    });
}

inline bool all_checks_pass() {
    bool ok = true;
    for (auto& c : checks()) ok = c() && ok;
    return ok;
}
inline int main(int argc, char** argv, const char* name) { return etgrad_bench::run(argc, argv, all_checks_pass, name); }

}  // namespace suite
