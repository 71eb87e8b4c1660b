/// @file fuzz_check.hpp  The differential check behind tests/fuzz/fuzz.py. Each generated case is
/// one generic function f(a, b, c): called with variables it is a static expression, called
/// with scalar Tensors it is a tensor_expression, recorded as one statement by the chain rule
/// over it. At each point the engines must agree:
///   static value_and_grad (double)  ==  tape expression  ==  tape static statement  (1e-12, or
///   1e-14 of the gradient's size where terms cancel)  ==  the array engine over all points at
///   once, on SIMD packs (1e-9: its exp and log1p differ from glibc's by a few ulp)
///   == symbolic d() evaluated (1e-9, where the values are finite)
///   == central finite differences in long double (1e-6, where the function is smooth there)
///   and the static gradient in float == in double (2e-3, where float computes the value well).
/// NaN and infinities must match between the numeric engines (PyTorch's conventions decide).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <etgrad/etgrad.hpp>

namespace fuzz {

inline constexpr auto A = etgrad::var<"a">;
inline constexpr auto B = etgrad::var<"b">;
inline constexpr auto C = etgrad::var<"c">;

struct point {
    double a, b, c;
    bool special;  // a kink, a tie, an infinity or a NaN: only the numeric engines are compared
};

/// Points for a case: random ones in [-3, 3] and special ones, from the case's seed.
inline std::vector<point> points_for(std::uint64_t seed, int count) {
    std::vector<point> out;
    std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) * (1.0 / 9007199254740992.0);
    };
    for (int i = 0; i < count; ++i) out.push_back({6 * next() - 3, 6 * next() - 3, 6 * next() - 3, false});
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    const double r = 6 * next() - 3;
    out.push_back({0.0, 0.0, 0.0, true});
    out.push_back({r, r, r, true});  // ties
    out.push_back({1.0, -1.0, 0.5, true});
    out.push_back({inf, r, 1.0, true});
    out.push_back({-inf, 2.0, r, true});
    out.push_back({nan, r, 0.5, true});
    out.push_back({r, nan, -0.5, true});
    return out;
}

struct result {
    int checks = 0, failures = 0;
};

inline bool both_nan(double x, double y) { return std::isnan(x) && std::isnan(y); }
/// x and y agree: both NaN, equal (infinities included), or within rel/abs.
inline bool agree(double x, double y, double rel, double abs) {
    if (both_nan(x, y) || x == y) return true;
    if (!std::isfinite(x) || !std::isfinite(y)) return false;
    return std::fabs(x - y) <= abs || std::fabs(x - y) <= rel * std::fmax(std::fabs(x), std::fabs(y));
}

inline double grad_of(const etgrad::Tensor& t) {
    const etgrad::Tensor g = t.grad();
    return g.defined() ? g.item() : 0.0;
}

struct reporter {
    int id;
    const char* text;
    result& r;
    const char* names = "abc";  // the variables' names in the text
    bool loud = true;           // print mismatches (else only count them)
    void check(bool ok, const char* what, const point& p, double got, double want) {
        ++r.checks;
        if (ok) return;
        ++r.failures;
        if (loud)
            std::printf("MISMATCH case %d: %s\n  at %c=%.17g %c=%.17g %c=%.17g: %s: %.17g, expected %.17g\n", id, text,
                        names[0], p.a, names[1], p.b, names[2], p.c, what, got, want);
    }
};

/// The derivative at 0 of the long double function at(d): central differences with steps h and
/// h/2, extrapolated (Richardson). Nothing when the two steps disagree (a kink or a steep region
/// nearby), when rounding of the function's value would swamp the difference (a huge value
/// that absorbs the variable's term), or when double does not compute the value well (the value
/// in double, `computed`, is more than 1e-11 off: 1 + 1e-13 minus 1, say), so neither its gradient.
template <class At>
bool central_difference(At at, long double x, double computed, long double& out) {
    using L = long double;
    const L h = 1e-5L * (1 + std::fabs(x));
    const L f0 = at(L(0));
    const L d1 = (at(h) - at(-h)) / (2 * h), d2 = (at(h / 2) - at(-h / 2)) / h;
    if (!std::isfinite(double(d1)) || !std::isfinite(double(d2)) || !std::isfinite(double(f0))) return false;
    if (!agree(double(f0), computed, 1e-11, 1e-13)) return false;
    if (std::fabs(double(d1 - d2)) > 1e-7 * (1 + std::fabs(double(d2)))) return false;
    if (std::numeric_limits<L>::epsilon() * std::fabs(f0) / h > 1e-10 * (1 + std::fabs(d2))) return false;
    out = (4 * d2 - d1) / 3;
    return true;
}

/// The central difference of e in variable k at p (long double); `computed` is e's value there
/// in double.
template <class E>
bool finite_difference(const E& e, const point& p, int k, double computed, long double& out) {
    using L = long double;
    const L a = p.a, b = p.b, c = p.c;
    auto at = [&](L d) { return L(e(A = a + (k == 0 ? d : 0), B = b + (k == 1 ? d : 0), C = c + (k == 2 ? d : 0))); };
    return central_difference(at, k == 0 ? a : (k == 1 ? b : c), computed, out);
}

template <class F>
void check_case(int id, const char* text, F f, result& res) {
    using namespace etgrad;
    const auto e = f(A, B, C);
    reporter rep{id, text, res};
    const auto df = d(e, A, B, C);
    const std::vector<point> points = points_for(std::uint64_t(id) + 1, 12);
    // the array engine: every point at once, as arrays (SIMD packs, then one by one)
    std::vector<double> as, bs, cs;
    for (const point& p : points) as.push_back(p.a), bs.push_back(p.b), cs.push_back(p.c);
    const auto arrays = value_and_grad(sum(e), A = as, B = bs, C = cs);
    std::size_t index = 0;
    double total = 0, magnitude = 0;
    for (const point& p : points) {
        const std::size_t i = index++;
        const auto r = value_and_grad(e, A = p.a, B = p.b, C = p.c);
        const double g[3] = {r.grad[A], r.grad[B], r.grad[C]};
        total += r.value;
        magnitude += std::fabs(r.value);
        // the tape: f of Tensors, a tensor_expression recorded as one statement
        Tensor ta = tensor(p.a, requires_grad), tb = tensor(p.b, requires_grad), tc = tensor(p.c, requires_grad);
        Tensor out = f(ta, tb, tc);
        rep.check(agree(out.item(), r.value, 1e-12, 1e-300), "tape expression value", p, out.item(), r.value);
        if (out.requires_grad()) out.backward();
        const double tg[3] = {grad_of(ta), grad_of(tb), grad_of(tc)};
        // the tape, one static statement
        Tensor sa = tensor(p.a, requires_grad), sb = tensor(p.b, requires_grad), sc = tensor(p.c, requires_grad);
        Tensor st = e(A = sa, B = sb, C = sc);
        rep.check(agree(st.item(), r.value, 1e-12, 1e-300), "tape statement value", p, st.item(), r.value);
        st.backward();
        const double sg[3] = {grad_of(sa), grad_of(sb), grad_of(sc)};
        const bool finite = std::isfinite(r.value) && std::isfinite(g[0]) && std::isfinite(g[1]) && std::isfinite(g[2]);
        const auto sym = df(A = p.a, B = p.b, C = p.c);
        const auto rf = value_and_grad(e, A = float(p.a), B = float(p.b), C = float(p.c));
        const float gf[3] = {rf.grad[A], rf.grad[B], rf.grad[C]};
        static const char* const tape_names[3] = {"tape expression d/da", "tape expression d/db",
                                                  "tape expression d/dc"};
        static const char* const stmt_names[3] = {"tape statement d/da", "tape statement d/db", "tape statement d/dc"};
        static const char* const sym_names[3] = {"symbolic d/da", "symbolic d/db", "symbolic d/dc"};
        static const char* const fd_names[3] = {"finite difference d/da", "finite difference d/db",
                                                "finite difference d/dc"};
        static const char* const float_names[3] = {"float d/da", "float d/db", "float d/dc"};
        // The tape folds temporaries into their consumer's statement, multiplying partials in
        // another order than the static sweep: where terms cancel to nearly zero the results
        // differ by rounding of the terms, so the absolute floor scales with the gradient.
        const double scale = std::fmax(1.0, std::fmax(std::fabs(g[0]), std::fmax(std::fabs(g[1]), std::fabs(g[2]))));
        const double floor = std::isfinite(scale) ? 1e-14 * scale : 1e-300;
        // the packs' exp and log1p are within a few ulp of glibc's, not equal to them
        const double ag[3] = {arrays.grad[A][i], arrays.grad[B][i], arrays.grad[C][i]};
        static const char* const array_names[3] = {"array engine d/da", "array engine d/db", "array engine d/dc"};
        for (int k = 0; k < 3; ++k) rep.check(agree(ag[k], g[k], 1e-9, 1e-9 * scale), array_names[k], p, ag[k], g[k]);
        for (int k = 0; k < 3; ++k) {
            rep.check(agree(tg[k], g[k], 1e-12, floor), tape_names[k], p, tg[k], g[k]);
            rep.check(agree(sg[k], g[k], 1e-12, floor), stmt_names[k], p, sg[k], g[k]);
            if (p.special || !finite) continue;
            rep.check(agree(sym[std::size_t(k)], g[k], 1e-9, 1e-12), sym_names[k], p, sym[std::size_t(k)], g[k]);
            long double fd = 0;
            if (std::fabs(g[k]) < 1e6 && finite_difference(e, p, k, r.value, fd))
                rep.check(agree(double(fd), g[k], 1e-6, 1e-8), fd_names[k], p, g[k], double(fd));
            // float against double, where double's value is well within float's range, float's
            // value agrees with it (else the expression cancels in float: 1 + 1e-6, say) and the
            // finite-difference test above says the function is smooth here
            const bool float_conditioned = agree(double(rf.value), r.value, 1e-5, 1e-6);
            if (std::fabs(g[k]) < 1e3 && std::fabs(r.value) < 1e3 && float_conditioned &&
                finite_difference(e, p, k, r.value, fd))
                rep.check(agree(double(gf[k]), g[k], 2e-3, 2e-3), float_names[k], p, double(gf[k]), g[k]);
        }
    }
    rep.check(agree(arrays.value, total, 1e-9, 1e-12 * magnitude), "array engine sum", points[0], arrays.value, total);
}

inline int report(const result& r) {
    std::printf("%d passed, %d failed\n", r.checks - r.failures, r.failures);
    return r.failures ? 1 : 0;
}

}  // namespace fuzz
