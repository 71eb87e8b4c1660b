/// @file fd_checker.hpp  The law checker every op goes through: the static sweep's value and
/// gradient against the expression evaluated in long double and a central finite difference
/// (also in long double), at many points of a domain, for a value type T; and the symbolic
/// derivative d(e, v), evaluated, against the sweep.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include <etgrad/symbolic.hpp>

#include "support/catch.hpp"

namespace etgrad_test {

inline constexpr auto A = etgrad::var<"a">;
inline constexpr auto B = etgrad::var<"b">;
inline constexpr auto C = etgrad::var<"c">;

struct range {
    double lo = 0, hi = 0;
};

/// Deterministic points spread over a range (a fixed LCG: failures reproduce).
class points {
  public:
    explicit points(std::uint64_t seed) : s_(seed * 2654435761u + 1) {}
    double in(range r) {
        s_ = s_ * 6364136223846793005ull + 1442695040888963407ull;
        double u = double(s_ >> 11) * (1.0 / 9007199254740992.0);
        return r.lo + (r.hi - r.lo) * u;
    }

  private:
    std::uint64_t s_;
};

template <class T>
struct tolerance {
    double rel, abs;
};
template <class T>
constexpr tolerance<T> default_tolerance() {
    if constexpr (sizeof(T) == sizeof(float))
        return {2e-4, 2e-5};
    else
        return {1e-7, 1e-9};
}

/// Checks expression e (in variables a, b, c; unused ones are bound and ignored) at `count`
/// points of ra x rb x rc, in value type T.
template <class T, class E>
void check_op(const std::string& name, const E& e, range ra, range rb = {}, range rc = {}, int count = 40) {
    using L = long double;
    points gen(std::hash<std::string>{}(name));
    const auto tol = default_tolerance<T>();
    for (int i = 0; i < count; ++i) {
        const T a = T(gen.in(ra)), b = T(gen.in(rb)), c = T(gen.in(rc));
        const auto r = etgrad::value_and_grad(e, A = a, B = b, C = c);
        const L la = a, lb = b, lc = c;
        const L h = 1e-6L;
        const L fd[3] = {
            (e(A = la + h, B = lb, C = lc) - e(A = la - h, B = lb, C = lc)) / (2 * h),
            (e(A = la, B = lb + h, C = lc) - e(A = la, B = lb - h, C = lc)) / (2 * h),
            (e(A = la, B = lb, C = lc + h) - e(A = la, B = lb, C = lc - h)) / (2 * h)};
        const T got[3] = {r.grad[A], r.grad[B], r.grad[C]};
        INFO(name << " at a=" << double(a) << " b=" << double(b) << " c=" << double(c));
        const double exact = double(e(A = la, B = lb, C = lc));
        CHECK_THAT(double(r.value), WithinRel(exact, tol.rel) || WithinAbs(exact, tol.abs));
        if constexpr (std::is_same_v<T, double>) {
            const double sym[3] = {d(e, A)(A = a, B = b, C = c), d(e, B)(A = a, B = b, C = c),
                                   d(e, C)(A = a, B = b, C = c)};
            for (int k = 0; k < 3; ++k) {
                INFO("d(e, " << char('a' + k) << "): symbolic " << sym[k] << ", sweep " << double(got[k]));
                CHECK_THAT(sym[k], WithinRel(double(got[k]), 1e-10) || WithinAbs(double(got[k]), 1e-12));
            }
        }
        for (int k = 0; k < 3; ++k) {
            INFO("d/d" << char('a' + k) << ": sweep " << double(got[k]) << ", finite difference " << double(fd[k]));
            CHECK_THAT(double(got[k]), WithinRel(double(fd[k]), 100 * tol.rel) || WithinAbs(double(fd[k]), 100 * tol.abs));
        }
    }
}

/// The same check in float and double.
template <class E>
void check_op_all_types(const std::string& name, const E& e, range ra, range rb = {}, range rc = {}) {
    SECTION(name + " in double") { check_op<double>(name, e, ra, rb, rc); }
    SECTION(name + " in float") { check_op<float>(name, e, ra, rb, rc); }
}

}  // namespace etgrad_test
