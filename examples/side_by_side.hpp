/// @file side_by_side.hpp  Prints a hand-derived figure beside etgrad's, and remembers mismatches.
#pragma once
#include <cmath>
#include <cstdio>

namespace example {
inline int failures = 0;

/// Prints `label  manual  automatic` and records a failure when they differ by more than rel.
inline void compare(const char* label, double manual, double automatic, double rel = 1e-12) {
    const bool ok = std::fabs(manual - automatic) <= rel * std::fmax(1.0, std::fabs(manual));
    std::printf("  %-28s manual %20.15f   etgrad %20.15f   %s\n", label, manual, automatic, ok ? "ok" : "MISMATCH");
    if (!ok) ++failures;
}
/// The figure PyTorch prints for the same computation (4 decimals).
inline void expect4(const char* label, double value, double printed) {
    const bool ok = std::fabs(std::round(value * 1e4) / 1e4 - printed) < 1e-9;
    std::printf("  %-28s %.4f (PyTorch prints %.4f)   %s\n", label, value, printed, ok ? "ok" : "MISMATCH");
    if (!ok) ++failures;
}
inline int done() {
    std::printf(failures ? "%d MISMATCH(ES)\n" : "all checks passed\n", failures);
    return failures ? 1 : 0;
}
}  // namespace example
