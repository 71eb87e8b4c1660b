// LibTorch's C++ autograd (PyTorch's own engine): scalars op by op on W1, W2, W5, and
// vectorized on W3 and W4 (with 1 and 2 intra-op threads).
#include <torch/torch.h>

#include "common.hpp"

namespace {
using namespace suite;
const auto f64 = torch::dtype(torch::kFloat64);

torch::Tensor leaf(double v) { return torch::tensor(v, f64.requires_grad(true)); }

w1_result w1(double xv) {
    auto x = leaf(xv);
    auto y = torch::sin(x * x);
    y.backward();
    return {y.item<double>(), x.grad().item<double>()};
}
w2_result w2(double wv, double bv, double xv, double yv) {
    auto w = leaf(wv), b = leaf(bv);
    auto x = torch::tensor(xv, f64), y = torch::tensor(yv, f64);
    auto p = torch::clamp(torch::sigmoid(w * x + b), 1e-8, 1 - 1e-8);  // the clamped BCE
    auto loss = -(y * torch::log(p) + (1 - y) * torch::log(1 - p));
    loss.backward();
    return {loss.item<double>(), w.grad().item<double>(), b.grad().item<double>()};
}
w5_result w5(double wv, double x0v, int K) {
    auto w = leaf(wv), x0 = leaf(x0v);
    auto x = x0;
    for (int k = 0; k < K; ++k) x = x + w * torch::sin(x);
    x.backward();
    return {x.item<double>(), w.grad().item<double>(), x0.grad().item<double>()};
}

/// W3 and W4 (N <= 1,000) one scalar tensor at a time (0-dim tensors).
w3_result w3_scalar(const std::vector<double>& x) {
    std::vector<torch::Tensor> xs;
    for (double v : x) xs.push_back(leaf(v));
    auto m = w3_scalar_loss(xs);
    m.backward();
    w3_result r{m.item<double>(), {}};
    for (const auto& t : xs) r.grad.push_back(t.grad().item<double>());
    return r;
}
w4_result w4_scalar(const w4_data& D) {
    std::vector<torch::Tensor> w;
    for (double v : D.w) w.push_back(leaf(v));
    auto b = leaf(D.b);
    auto l = w4_scalar_loss(D, w, b, [](const torch::Tensor& z) { return torch::abs(z); });
    l.backward();
    w4_result r{l.item<double>(), {}, b.grad().item<double>()};
    for (const auto& t : w) r.dw.push_back(t.grad().item<double>());
    return r;
}

/// W6: the MLP, as in PyTorch (one intra-op thread).
struct w6_torch_state {
    torch::Tensor X, y, W1, b1, w2, b2;
    explicit w6_torch_state(const w6_data& D) {
        w6_params P = w6_init(D);
        X = torch::from_blob(const_cast<double*>(D.X.data()), {D.N, D.d}, f64).clone();
        y = torch::from_blob(const_cast<double*>(D.y.data()), {D.N}, f64).clone();
        W1 = torch::from_blob(P.W1.data(), {D.d, D.h}, f64).clone().requires_grad_(true);
        b1 = torch::from_blob(P.b1.data(), {D.h}, f64).clone().requires_grad_(true);
        w2 = torch::from_blob(P.w2.data(), {D.h}, f64).clone().requires_grad_(true);
        b2 = torch::tensor(P.b2, f64.requires_grad(true));
    }
    double step() {
        auto H = torch::tanh(X.mm(W1) + b1);
        auto loss = torch::binary_cross_entropy_with_logits(H.mv(w2) + b2, y);
        loss.backward();
        torch::NoGradGuard off;
        for (torch::Tensor* p : {&W1, &b1, &w2, &b2}) {
            p->sub_(p->grad() * w6_lr);
            p->grad().zero_();
        }
        return loss.item<double>();
    }
    static std::vector<double> values(const torch::Tensor& t) {
        auto c = t.detach().contiguous();
        return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
    }
    w6_params params() const { return {values(W1), values(b1), values(w2), b2.item<double>()}; }
};

void register_all() {
    torch::set_num_threads(1);
    register_scalar_workloads("libtorch", w1, w2, w5);
    register_per_scalar("libtorch_scalar", w3_scalar, w4_scalar);
    register_w6("libtorch", [](const w6_data& D) { return w6_torch_state(D); });
    for (std::int64_t n : w3_sizes) {
        const std::string name = "W3_mean_sq_n" + std::to_string(n);
        auto data = std::make_shared<std::vector<double>>(w3_data(n));
        auto run = [data] {
            auto x = torch::from_blob(data->data(), {std::int64_t(data->size())}, f64).clone().requires_grad_(true);
            auto y = (x * x).mean();
            y.backward();
            return std::make_pair(y.item<double>(), x.grad());
        };
        registrars().emplace_back(name + " libtorch", [data, run] {
            auto [v, g] = run();
            double hv = 0;
            for (double xi : *data) hv += xi * xi / double(data->size());
            return close(v, hv, 1e-10) && close(g[0].item<double>(), 2 * (*data)[0] / double(data->size()), 1e-12);
        });
        benchmark::RegisterBenchmark((name + "/libtorch").c_str(), [data](benchmark::State& st) {
            auto x = torch::from_blob(data->data(), {std::int64_t(data->size())}, f64).clone().requires_grad_(true);
            for (auto _ : st) {
                if (x.grad().defined()) x.grad().zero_();
                auto y = (x * x).mean();
                y.backward();
                benchmark::DoNotOptimize(x.grad().data_ptr());
            }
        });
    }
    for (const w4_shape& sh : w4_shapes) {
        const std::string name = "W4_logreg_N" + std::to_string(sh.N) + "_d" + std::to_string(sh.d);
        auto D = std::make_shared<w4_data>(make_w4(sh.N, sh.d));
        auto setup = [D] {
            auto X = torch::from_blob(D->X.data(), {D->N, D->d}, f64).clone();
            auto y = torch::from_blob(D->y.data(), {D->N}, f64).clone();
            auto w = torch::from_blob(D->w.data(), {D->d}, f64).clone().requires_grad_(true);
            auto b = torch::tensor(D->b, f64.requires_grad(true));
            return std::make_tuple(X, y, w, b);
        };
        registrars().emplace_back(name + " libtorch", [D, setup] {
            auto [X, y, w, b] = setup();
            auto l = torch::binary_cross_entropy_with_logits(X.mv(w) + b, y);
            l.backward();
            const w4_result h = w4_hand(*D);
            std::vector<double> dw(std::size_t(D->d));
            for (std::int64_t j = 0; j < D->d; ++j) dw[std::size_t(j)] = w.grad()[j].item<double>();
            return same(h, w4_result{l.item<double>(), dw, b.grad().item<double>()});
        });
        for (int threads : {1, 2}) {
            benchmark::RegisterBenchmark((name + "/libtorch_" + std::to_string(threads) + "thread").c_str(),
                                         [setup, threads](benchmark::State& st) {
                                             torch::set_num_threads(threads);
                                             auto [X, y, w, b] = setup();
                                             for (auto _ : st) {
                                                 if (w.grad().defined()) {
                                                     w.grad().zero_();
                                                     b.grad().zero_();
                                                 }
                                                 auto l = torch::binary_cross_entropy_with_logits(X.mv(w) + b, y);
                                                 l.backward();
                                                 benchmark::DoNotOptimize(w.grad().data_ptr());
                                             }
                                             torch::set_num_threads(1);
                                         });
        }
    }
}
}  // namespace

int main(int argc, char** argv) {
    register_all();
    return suite::main(argc, argv, "suite_libtorch");
}
