/// @file print.hpp  `std::cout << t` in PyTorch's default format: 4 decimals ("6.7000"), "3."
/// for whole values, scientific past PyTorch's thresholds, a common width, requires_grad or
/// grad_fn, and the dtype when it is not the default (float64).
#pragma once
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {

/// PyTorch's _Formatter: integer mode when every finite value is whole; scientific when the
/// largest and smallest nonzero magnitudes differ by more than 1000x, or exceed 1e8 or fall
/// below 1e-4; fixed with 4 decimals otherwise.
inline std::vector<std::string> format_values(const double* v, std::int64_t n) {
    bool all_int = true;
    double lo = INFINITY, hi = 0;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = std::fabs(v[k]);
        if (!std::isfinite(v[k])) continue;
        if (v[k] != std::ceil(v[k])) all_int = false;
        if (a != 0) {
            lo = std::fmin(lo, a);
            hi = std::fmax(hi, a);
        }
    }
    const bool sci = hi != 0 && (hi / lo > 1000.0 || hi > 1e8 || lo < 1e-4);
    std::vector<std::string> out;
    char buf[64];
    for (std::int64_t k = 0; k < n; ++k) {
        const double x = v[k];
        if (std::isnan(x)) std::snprintf(buf, sizeof buf, "nan");
        else if (std::isinf(x)) std::snprintf(buf, sizeof buf, x > 0 ? "inf" : "-inf");
        else if (all_int && !sci) std::snprintf(buf, sizeof buf, "%.0f.", x);
        else if (sci) std::snprintf(buf, sizeof buf, "%.4e", x);
        else std::snprintf(buf, sizeof buf, "%.4f", x);
        out.emplace_back(buf);
    }
    std::size_t width = 0;
    for (const auto& s : out) width = s.size() > width ? s.size() : width;
    for (auto& s : out) s.insert(0, width - s.size(), ' ');
    return out;
}

}  // namespace detail

inline std::ostream& operator<<(std::ostream& os, const Tensor& t) {
    using namespace detail;
    if (!t.defined()) return os << "None";
    const Impl* p = tensor_access::impl(t);
    const auto s = format_values(as_doubles(p).data(), p->numel());
    std::string body;
    if (p->shape.rank == 0) {
        body = s[0];
    } else if (p->shape.rank == 1) {
        body = "[";
        for (std::size_t k = 0; k < s.size(); ++k) body += (k ? ", " : "") + s[k];
        body += "]";
    } else {
        const std::int64_t R = p->shape.dims[0], C = p->shape.dims[1];
        body = "[";
        for (std::int64_t r = 0; r < R; ++r) {
            body += r ? ",\n        [" : "[";
            for (std::int64_t c = 0; c < C; ++c) body += (c ? ", " : "") + s[std::size_t(r * C + c)];
            body += "]";
        }
        body += "]";
    }
    os << "tensor(" << body;
    if (p->dtype != float64) os << ", dtype=" << to_string(p->dtype);
    if (p->name) os << ", grad_fn=<" << p->name << ">";
    else if (p->requires_grad) os << ", requires_grad=True";
    return os << ")";
}

}  // namespace etgrad
