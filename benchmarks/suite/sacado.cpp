// Sacado (Trilinos): Rad (reverse mode, re-recorded per gradient) and the forward modes SFad and
// ELRFad::SFad with a fixed number of derivatives.
#include <Sacado.hpp>

#include "common.hpp"

namespace {
using namespace suite;
using Rad = Sacado::Rad::ADvar<double>;

w1_result w1_rad(double xv) {
    Rad x = xv;
    Rad y = sin(x * x);
    Rad::Gradcomp();
    return {y.val(), x.adj()};
}
template <class T>
T clamp01(const T& p) {
    return p < 1e-8 ? T(1e-8) : (p > 1 - 1e-8 ? T(1 - 1e-8) : p);
}
w2_result w2_rad(double wv, double bv, double xv, double yv) {
    Rad w = wv, b = bv;
    Rad p = 1.0 / (1.0 + exp(-(w * xv + b)));
    Rad pc = clamp01(p);
    Rad l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
    Rad::Gradcomp();
    return {l.val(), w.adj(), b.adj()};
}
w5_result w5_rad(double wv, double x0v, int K) {
    Rad w = wv, x0 = x0v;
    Rad x = x0;
    for (int k = 0; k < K; ++k) x = x + w * sin(x);
    Rad::Gradcomp();
    return {x.val(), w.adj(), x0.adj()};
}

/// W3 and W4 (N <= 1,000) recorded one scalar at a time.
w3_result w3_rad(const std::vector<double>& x) {
    std::vector<Rad> xs(x.begin(), x.end());
    Rad m = w3_scalar_loss(xs);
    Rad::Gradcomp();
    w3_result r{m.val(), {}};
    for (const Rad& v : xs) r.grad.push_back(v.adj());
    return r;
}
w4_result w4_rad(const w4_data& D) {
    std::vector<Rad> w(D.w.begin(), D.w.end());
    Rad b = D.b;
    // fabs returns an ADvari&: copied by value, the copy would leave the tape; return an ADvar
    Rad l = w4_scalar_loss(D, w, b, [](const Rad& z) -> Rad { return fabs(z); });
    Rad::Gradcomp();
    w4_result r{l.val(), {}, b.adj()};
    for (const Rad& v : w) r.dw.push_back(v.adj());
    return r;
}

/// Rad's tape: what one W5 step records, from its record types (Rad exposes no allocation
/// counter): sin is an ADvar1 (value, adjoint, one partial edge), + and * are ADvar2.
void rad_memory(benchmark::State& state, int) {
    state.counters["tape_bytes_per_step"] =
        double(sizeof(Sacado::Rad::ADvar1<double>) + 2 * sizeof(Sacado::Rad::ADvar2<double>));
}

template <template <class, int> class F>
struct forward {
    using F1 = F<double, 1>;
    using F2 = F<double, 2>;
    static w1_result w1(double xv) {
        F1 x(1, 0, xv);
        F1 y = sin(x * x);
        return {y.val(), y.dx(0)};
    }
    static w2_result w2(double wv, double bv, double xv, double yv) {
        F2 w(2, 0, wv), b(2, 1, bv);
        F2 p = 1.0 / (1.0 + exp(-(w * xv + b)));
        F2 pc = clamp01(p);
        F2 l = -(yv * log(pc) + (1 - yv) * log(1.0 - pc));
        return {l.val(), l.dx(0), l.dx(1)};
    }
    static w5_result w5(double wv, double x0v, int K) {
        F2 w(2, 0, wv), x(2, 1, x0v);
        for (int k = 0; k < K; ++k) {
            F2 next = x + w * sin(x);
            x = next;
        }
        return {x.val(), x.dx(0), x.dx(1)};
    }
};
template <class T, int N>
using sfad = Sacado::Fad::SFad<T, N>;
template <class T, int N>
using elrfad = Sacado::ELRFad::SFad<T, N>;
}  // namespace

int main(int argc, char** argv) {
    register_scalar_workloads("sacado_rad", w1_rad, w2_rad, w5_rad, rad_memory);
    register_per_scalar("sacado_rad", w3_rad, w4_rad);
    register_scalar_workloads("sacado_sfad", forward<sfad>::w1, forward<sfad>::w2, forward<sfad>::w5);
    register_scalar_workloads("sacado_elrfad", forward<elrfad>::w1, forward<elrfad>::w2, forward<elrfad>::w5);
    return suite::main(argc, argv, "suite_sacado");
}
