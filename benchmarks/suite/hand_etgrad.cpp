// The suite's hand-written baselines and etgrad (static engine, tape op by op, tape with static
// statements) on W1-W5.
#include <etgrad/array.hpp>
#include <etgrad/tape.hpp>

#include "common.hpp"

namespace {
using namespace etgrad;
using namespace suite;

constexpr auto X = var<"x">;
constexpr auto W = var<"w">;
constexpr auto B = var<"b">;
constexpr auto Y = var<"y">;
constexpr auto Z = var<"z">;
constexpr auto neuron = bce(sigmoid(W * X + B), Y);
constexpr auto w5_body = X + W * sin(X);

w1_result w1_static(double x) {
    const auto r = value_and_grad(sin(X * X), X = x);
    return {r.value, r.grad[X]};
}
w2_result w2_static(double w, double b, double x, double y) {
    const auto r = value_and_grad(neuron, wrt(W, B), W = w, B = b, X = x, Y = y);
    return {r.value, r.grad[W], r.grad[B]};
}
w1_result w1_tape(double xv) {
    Tensor x = tensor(xv, requires_grad);
    Tensor v = sin(x * x);
    v.backward();
    return {v.item(), x.grad().item()};
}
w2_result w2_tape(double wv, double bv, double xv, double yv) {
    Tensor w = tensor(wv, requires_grad), b = tensor(bv, requires_grad);
    Tensor l = bce(sigmoid(w * tensor(xv) + b), tensor(yv));
    l.backward();
    return {l.item(), w.grad().item(), b.grad().item()};
}
w1_result w1_tape_statement(double xv) {
    Tensor x = tensor(xv, requires_grad);
    Tensor v = sin(X * X)(X = x);
    v.backward();
    return {v.item(), x.grad().item()};
}
w2_result w2_tape_statement(double wv, double bv, double xv, double yv) {
    Tensor w = tensor(wv, requires_grad), b = tensor(bv, requires_grad);
    Tensor l = neuron(W = w, B = b, X = xv, Y = yv);
    l.backward();
    return {l.item(), w.grad().item(), b.grad().item()};
}
w5_result w5_tape(double wv, double x0v, int K) {
    Tensor w = tensor(wv, requires_grad), x0 = tensor(x0v, requires_grad);
    Tensor x = x0;
    for (int k = 0; k < K; ++k) x = x + w * sin(x);
    x.backward();
    return {x.item(), w.grad().item(), x0.grad().item()};
}
w5_result w5_tape_statement(double wv, double x0v, int K) {
    Tensor w = tensor(wv, requires_grad), x0 = tensor(x0v, requires_grad);
    Tensor x = x0;
    for (int k = 0; k < K; ++k) x = w5_body(X = x, W = w);
    x.backward();
    return {x.item(), w.grad().item(), x0.grad().item()};
}

/// Tape bytes per W5 step: what the steps write to the tape (statements, leaf registrations).
void tape_memory(benchmark::State& state, int K, bool statement) {
    auto& s = detail::state();
    const std::size_t before = s.tape.bytes_written();
    Tensor w = tensor(w5_w, requires_grad), x = tensor(w5_x0, requires_grad);
    for (int k = 0; k < K; ++k) x = statement ? w5_body(X = x, W = w) : x + w * sin(x);
    state.counters["tape_bytes_per_step"] = double(s.tape.bytes_written() - before) / double(K);
}

// W3: mean(x^2)
void w3_static(const std::vector<double>& x, w3_result& r) {  // the static gradient per element
    const double inv = 1.0 / double(x.size());
    r.grad.resize(x.size());
    double* g = r.grad.data();
    double v = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto e = value_and_grad(X * X, X = x[i]);
        v += e.value * inv;
        g[i] = e.grad[X] * inv;
    }
    r.value = v;
}
/// W3 as ONE static expression over the array, its gradient written into the result's buffer.
/// Declared inline as suite::w3_hand is: both are then inlined into the timed loop alike.
inline void w3_static_array(const std::vector<double>& x, w3_result& r) {
    r.grad.resize(x.size());
    r.value = value_and_grad(mean(X * X), into(X, r.grad), X = x).value;
}
/// W3 with the square as a static statement: ONE elementwise node (ExprBackward0), then mean.
Tensor w3_statement(const Tensor& t) { return mean((X * X)(X = t)); }

/// W3 and W4 on the tape one scalar at a time (every element its own tensor), op by op.
w3_result w3_tape_scalar(const std::vector<double>& x) {
    std::vector<Tensor> xs;
    xs.reserve(x.size());
    for (double v : x) xs.push_back(tensor(v, requires_grad));
    Tensor m = w3_scalar_loss(xs);
    m.backward();
    w3_result r{m.item(), {}};
    for (const Tensor& t : xs) r.grad.push_back(t.grad().item());
    return r;
}
w4_result w4_tape_scalar(const w4_data& D) {
    std::vector<Tensor> w;
    for (double v : D.w) w.push_back(tensor(v, requires_grad));
    Tensor b = tensor(D.b, requires_grad);
    Tensor l = w4_scalar_loss(D, w, b, [](const Tensor& z) { return abs(z); });
    l.backward();
    w4_result r{l.item(), {}, b.grad().item()};
    for (const Tensor& t : w) r.dw.push_back(t.grad().item());
    return r;
}

// W4: logistic regression
w4_result w4_static(const w4_data& D) {  // etgrad's static gradient per sample, summed
    w4_result r{0, std::vector<double>(std::size_t(D.d), 0.0), 0};
    const double inv = 1.0 / double(D.N);
    constexpr auto loss = bce_with_logits(Z, Y);
    for (std::int64_t i = 0; i < D.N; ++i) {
        const double* xi = &D.X[std::size_t(i * D.d)];
        double z = D.b;
        for (std::int64_t j = 0; j < D.d; ++j) z += xi[j] * D.w[std::size_t(j)];
        const auto g = value_and_grad(loss, wrt(Z), Z = z, Y = D.y[std::size_t(i)]);
        r.loss += g.value * inv;
        const double gz = g.grad[Z] * inv;
        for (std::int64_t j = 0; j < D.d; ++j) r.dw[std::size_t(j)] += gz * xi[j];
        r.db += gz;
    }
    return r;
}
/// W4 as ONE static expression: mean(bce_with_logits(matmul(X, w) + b, y)), dL/dw into a buffer.
struct w4_array_state {
    const w4_data& D;
    std::vector<double> dw;
    explicit w4_array_state(const w4_data& d) : D(d), dw(std::size_t(d.d)) {}
    w4_result run() {
        static constexpr auto Xv = var<"X">;
        static constexpr auto w = var<"w">;
        static constexpr auto b = var<"b">;
        const auto r = value_and_grad(mean(bce_with_logits(matmul(Xv, w) + b, Y)), wrt(w, b), into(w, dw),
                                      Xv = as_matrix(D.X.data(), std::size_t(D.N), std::size_t(D.d), D.d), Y = D.y,
                                      w = D.w, b = D.b);
        return {r.value, dw, r.grad[b]};
    }
};
struct w4_tape_state {
    Tensor X, y, w, b;
    bool statement;
    w4_tape_state(const w4_data& D, bool statement_)
        : X(from_vector(D.X, {D.N, D.d})), y(from_vector(D.y, {D.N})), w(from_vector(D.w, {D.d}).requires_grad_()),
          b(tensor(D.b, requires_grad)), statement(statement_) {}
    w4_result run() {
        Tensor gw = w.grad(), gb = b.grad();
        if (gw.defined()) gw.zero_();
        if (gb.defined()) gb.zero_();
        // op by op: one BinaryCrossEntropyWithLogits node (a mean); statement: the per-sample
        // loss as a static expression recorded as ONE elementwise node, then its mean
        Tensor l = statement ? mean(bce_with_logits(Z, Y)(Z = matmul(X, w) + b, Y = y))
                             : bce_with_logits(matmul(X, w) + b, y);
        l.backward();
        return {l.item(), w.grad().to_vector(), b.grad().item()};
    }
};

// W6: the MLP on the tape, as a PyTorch user writes it
struct w6_tape_state {
    Tensor X, y, W1, b1, w2, b2;
    explicit w6_tape_state(const w6_data& D) {
        const w6_params P = w6_init(D);
        X = from_vector(D.X, {D.N, D.d});
        y = from_vector(D.y, {D.N});
        W1 = from_vector(P.W1, {D.d, D.h}).requires_grad_();
        b1 = from_vector(P.b1, {D.h}).requires_grad_();
        w2 = from_vector(P.w2, {D.h}).requires_grad_();
        b2 = tensor(P.b2, requires_grad);
    }
    double step() {
        Tensor H = tanh(matmul(X, W1) + b1);
        Tensor loss = bce_with_logits(matmul(H, w2) + b2, y);
        loss.backward();
        no_grad_guard off;
        for (Tensor* p : {&W1, &b1, &w2, &b2}) {
            Tensor g = p->grad();
            *p -= w6_lr * g;
            g.zero_();
        }
        return loss.item();
    }
    w6_params params() const { return {W1.to_vector(), b1.to_vector(), w2.to_vector(), b2.item()}; }
};
struct w6_hand_variant {
    const w6_data* D;
    w6_params P;
    w6_hand_state st;
    double step() { return st.step(*D, P); }
    w6_params params() const { return P; }
};

void register_all() {
    register_scalar_workloads("hand", w1_hand, w2_hand, [](double w, double x0, int K) {
        thread_local std::vector<double> xs;
        return w5_hand(w, x0, K, xs);
    });
    register_w1("etgrad_static", w1_static);
    register_w6("hand", [](const w6_data& D) { return w6_hand_variant{&D, w6_init(D), {}}; });
    register_w6("etgrad_tape_ops", [](const w6_data& D) { return w6_tape_state(D); });
    register_w2("etgrad_static", w2_static);
    register_scalar_workloads("etgrad_tape_ops", w1_tape, w2_tape, w5_tape,
                              [](benchmark::State& s, int K) { tape_memory(s, K, false); });
    register_scalar_workloads("etgrad_tape_statement", w1_tape_statement, w2_tape_statement, w5_tape_statement,
                              [](benchmark::State& s, int K) { tape_memory(s, K, true); });

    register_per_scalar("etgrad_tape_scalar", w3_tape_scalar, w4_tape_scalar);
    for (std::int64_t n : w3_sizes) {
        const std::string w = "W3_mean_sq_n" + std::to_string(n);
        auto x = std::make_shared<std::vector<double>>(w3_data(n));
        registrars().emplace_back(w + " etgrad", [x] {
            w3_result h, s;
            w3_hand(*x, h);
            w3_static(*x, s);
            Tensor t = from_vector(*x, {std::int64_t(x->size())}).requires_grad_();
            Tensor m = mean(pow(t, 2));
            m.backward();
            Tensor t2 = from_vector(*x, {std::int64_t(x->size())}).requires_grad_();
            Tensor m2 = w3_statement(t2);
            m2.backward();
            w3_result a;
            w3_static_array(*x, a);
            return same(h, s) && same(h, a) && same(h, {m.item(), t.grad().to_vector()}) &&
                   same(h, {m2.item(), t2.grad().to_vector()});
        });
        auto time_w3 = [&](const char* variant, auto f) {  // f a lambda: its own type, inlined
            benchmark::RegisterBenchmark((w + variant).c_str(), [x, f](benchmark::State& st) {
                w3_result r;
                for (auto _ : st) {
                    benchmark::DoNotOptimize(x->data());
                    f(*x, r);
                    benchmark::DoNotOptimize(r.grad.data());
                    benchmark::DoNotOptimize(r.value);
                    benchmark::ClobberMemory();  // the inputs and outputs are memory: no hoisting across iterations
                }
            });
        };
        time_w3("/hand", [](const std::vector<double>& v, w3_result& r) { w3_hand(v, r); });
        time_w3("/etgrad_static", [](const std::vector<double>& v, w3_result& r) { w3_static(v, r); });
        time_w3("/etgrad_static_array", [](const std::vector<double>& v, w3_result& r) { w3_static_array(v, r); });
        time_w3("/etgrad_static_array_no_dispatch", [](const std::vector<double>& v, w3_result& r) {
            set_simd_dispatch(false);  // the packs this TU is compiled for (SSE2 without -march)
            w3_static_array(v, r);
            set_simd_dispatch(true);
        });
        time_w3("/etgrad_static_array_2thread", [](const std::vector<double>& v, w3_result& r) {
            set_num_threads(2);
            w3_static_array(v, r);
            set_num_threads(1);
        });
        for (bool statement : {false, true})
            benchmark::RegisterBenchmark((w + (statement ? "/etgrad_tape_statement" : "/etgrad_tape_ops")).c_str(),
                                         [x, statement](benchmark::State& st) {
                                             Tensor t = from_vector(*x, {std::int64_t(x->size())}).requires_grad_();
                                             for (auto _ : st) {
                                                 Tensor g = t.grad();
                                                 if (g.defined()) g.zero_();
                                                 Tensor m = statement ? w3_statement(t) : mean(pow(t, 2));
                                                 m.backward();
                                                 benchmark::DoNotOptimize(t.grad().data());
                                             }
                                         });
    }
    for (const w4_shape& sh : w4_shapes) {
        const std::string w = "W4_logreg_N" + std::to_string(sh.N) + "_d" + std::to_string(sh.d);
        auto D = std::make_shared<w4_data>(make_w4(sh.N, sh.d));
        registrars().emplace_back(w + " etgrad", [D] {
            w4_tape_state t(*D, false), s(*D, true);
            w4_array_state a(*D);
            return same(w4_hand(*D), w4_static(*D)) && same(w4_hand(*D), t.run()) && same(w4_hand(*D), s.run()) &&
                   same(w4_hand(*D), a.run());
        });
        // one thread, two threads, and one thread on the packs this TU is compiled for
        for (int threads : {1, 2, 0})
            benchmark::RegisterBenchmark(
                (w + "/etgrad_static_array" + (threads == 2 ? "_2thread" : threads == 0 ? "_no_dispatch" : "")).c_str(),
                [D, threads](benchmark::State& st) {
                    w4_array_state a(*D);
                    set_num_threads(threads == 2 ? 2 : 1);
                    set_simd_dispatch(threads != 0);
                    for (auto _ : st) {
                        benchmark::DoNotOptimize(D->X.data());
                        benchmark::DoNotOptimize(a.run().db);
                        benchmark::ClobberMemory();
                    }
                    set_num_threads(1);
                    set_simd_dispatch(true);
                });
        benchmark::RegisterBenchmark((w + "/hand").c_str(), [D](benchmark::State& st) {
            for (auto _ : st) {
                benchmark::DoNotOptimize(D->X.data());
                benchmark::DoNotOptimize(w4_hand(*D));
                benchmark::ClobberMemory();
            }
        });
        benchmark::RegisterBenchmark((w + "/etgrad_static").c_str(), [D](benchmark::State& st) {
            for (auto _ : st) {
                benchmark::DoNotOptimize(D->X.data());
                benchmark::DoNotOptimize(w4_static(*D));
                benchmark::ClobberMemory();
            }
        });
        for (bool statement : {false, true})
            benchmark::RegisterBenchmark((w + (statement ? "/etgrad_tape_statement" : "/etgrad_tape_ops")).c_str(),
                                         [D, statement](benchmark::State& st) {
                                             w4_tape_state t(*D, statement);
                                             for (auto _ : st) benchmark::DoNotOptimize(t.run());
                                         });
        benchmark::RegisterBenchmark((w + "/etgrad_tape_ops_no_dispatch").c_str(), [D](benchmark::State& st) {
            w4_tape_state t(*D, false);
            set_simd_dispatch(false);
            for (auto _ : st) benchmark::DoNotOptimize(t.run());
            set_simd_dispatch(true);
        });
    }
}
}  // namespace

int main(int argc, char** argv) {
    register_all();
    return suite::main(argc, argv, "suite_hand_etgrad");
}
