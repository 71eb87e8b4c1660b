/// @file cx_math.hpp  constexpr elementary functions for constant evaluation (compile-time
/// checked formulas). Run-time code uses <cmath>; these agree with it within a few ulp on the
/// ranges tested in tests/static/cx_math.tests.cpp.
#pragma once
#include <limits>

namespace etgrad::math::cx {

template <class T>
constexpr bool isnan(T x) noexcept {
    return x != x;
}
template <class T>
constexpr T inf() noexcept {
    return std::numeric_limits<T>::infinity();
}
template <class T>
constexpr T nan() noexcept {
    return std::numeric_limits<T>::quiet_NaN();
}
template <class T>
constexpr T fabs(T x) noexcept {
    return x < 0 ? -x : x;
}

// ln 2 and pi/2 split in a head exact in few bits and a tail, for accurate range reduction.
template <class T>
inline constexpr T ln2_hi = static_cast<T>(0.693145751953125L);
template <class T>
inline constexpr T ln2_lo = static_cast<T>(1.42860682030941723212e-6L);
template <class T>
inline constexpr T ln2 = static_cast<T>(0.693147180559945309417232121458176568L);

/// 2^k, exact while representable (subnormal results included).
template <class T>
constexpr T exp2i(int k) noexcept {
    T r = 1, b = k < 0 ? T(0.5) : T(2);
    int n = k < 0 ? -k : k;
    // split so that intermediate powers stay finite for large |k| with subnormal results
    while (n) {
        if (n & 1) r *= b;
        n >>= 1;
        if (n) b *= b;
    }
    return r;
}

template <class T>
constexpr T exp(T x) noexcept {
    if (isnan(x)) return x;
    if (x > std::numeric_limits<T>::max_exponent * ln2<T>) return inf<T>();
    if (x < (std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits - 1) * ln2<T>) return T(0);
    T kf = x / ln2<T>;
    int k = static_cast<int>(kf < 0 ? kf - T(0.5) : kf + T(0.5));
    T r = (x - T(k) * ln2_hi<T>) - T(k) * ln2_lo<T>;  // |r| <= ln2/2
    T term = 1, sum = 1;
    for (int n = 1; n < 40; ++n) {
        term *= r / T(n);
        T next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    if (k < std::numeric_limits<T>::min_exponent) return sum * exp2i<T>(k / 2) * exp2i<T>(k - k / 2);
    return sum * exp2i<T>(k);
}

template <class T>
constexpr T expm1(T x) noexcept {
    if (fabs(x) < T(0.5)) {
        T term = x, sum = x;
        for (int n = 2; n < 60; ++n) {
            term *= x / T(n);
            T next = sum + term;
            if (next == sum) break;
            sum = next;
        }
        return sum;
    }
    return exp(x) - T(1);
}

template <class T>
constexpr T log(T x) noexcept {
    if (isnan(x) || x < 0) return nan<T>();
    if (x == 0) return -inf<T>();
    if (x == inf<T>()) return x;
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2))
    int e = 0;
    T m = x;
    while (m < T(0.70710678118654752440L)) {
        m *= 2;
        --e;
    }
    while (m >= T(1.41421356237309504880L)) {
        m /= 2;
        ++e;
    }
    // log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.172
    T s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int n = 1; n < 200; n += 2) {
        T next = sum + term / T(n);
        if (next == sum) break;
        sum = next;
        term *= s2;
    }
    return T(e) * ln2_hi<T> + (2 * sum + T(e) * ln2_lo<T>);
}

template <class T>
constexpr T log1p(T x) noexcept {
    if (isnan(x) || x < -1) return nan<T>();
    T u = 1 + x;
    if (u == 1) return x;
    if (u == inf<T>()) return u;
    return log(u) * (x / (u - 1));  // corrects the rounding of 1 + x
}

template <class T>
constexpr T sqrt(T x) noexcept {
    if (isnan(x) || x < 0) return nan<T>();
    if (x == 0 || x == inf<T>()) return x;
    // scale into [1, 4) by powers of 4, Newton from a linear guess, scale back
    T m = x, s = 1;
    while (m >= 4) {
        m /= 4;
        s *= 2;
    }
    while (m < 1) {
        m *= 4;
        s /= 2;
    }
    T r = (m + 1) / 2;
    for (int i = 0; i < 8; ++i) r = (r + m / r) / 2;
    return r * s;
}

// pi/2 in three parts (Cody-Waite), enough for arguments up to about 1e6.
template <class T>
inline constexpr T pio2_1 = static_cast<T>(1.57079632673412561417e+00L);
template <class T>
inline constexpr T pio2_2 = static_cast<T>(6.07710050650619224932e-11L);
template <class T>
inline constexpr T pio2_3 = static_cast<T>(2.02226624879595063154e-21L);

template <class T>
constexpr T sin_poly(T r) noexcept {  // |r| <= pi/4
    T r2 = r * r, term = r, sum = r;
    for (int n = 3; n < 60; n += 2) {
        term *= -r2 / (T(n - 1) * T(n));
        T next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    return sum;
}
template <class T>
constexpr T cos_poly(T r) noexcept {
    T r2 = r * r, term = 1, sum = 1;
    for (int n = 2; n < 60; n += 2) {
        term *= -r2 / (T(n - 1) * T(n));
        T next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    return sum;
}

/// x = q * pi/2 + r, |r| <= pi/4; returns q mod 4.
template <class T>
constexpr int reduce_pio2(T x, T& r) noexcept {
    T qf = x / (pio2_1<T> + pio2_2<T>);
    long long q = static_cast<long long>(qf < 0 ? qf - T(0.5) : qf + T(0.5));
    r = ((x - T(q) * pio2_1<T>) - T(q) * pio2_2<T>) - T(q) * pio2_3<T>;
    return static_cast<int>(((q % 4) + 4) % 4);
}

template <class T>
constexpr T sin(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    switch (reduce_pio2(x, r)) {
        case 0: return sin_poly(r);
        case 1: return cos_poly(r);
        case 2: return -sin_poly(r);
        default: return -cos_poly(r);
    }
}
template <class T>
constexpr T cos(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    switch (reduce_pio2(x, r)) {
        case 0: return cos_poly(r);
        case 1: return -sin_poly(r);
        case 2: return -cos_poly(r);
        default: return sin_poly(r);
    }
}
template <class T>
constexpr T tan(T x) noexcept {
    if (isnan(x) || fabs(x) == inf<T>()) return nan<T>();
    T r = 0;
    int q = reduce_pio2(x, r);
    T s = sin_poly(r), c = cos_poly(r);
    return (q & 1) ? -c / s : s / c;
}
template <class T>
constexpr T tanh(T x) noexcept {
    if (isnan(x)) return x;
    if (x > T(40)) return T(1);
    if (x < T(-40)) return T(-1);
    T e = expm1(2 * x);  // tanh x = (e^{2x} - 1) / (e^{2x} + 1)
    return e / (e + 2);
}

template <class T>
constexpr T pow(T x, T y) noexcept {
    if (y == 0) return T(1);
    if (isnan(x) || isnan(y)) return nan<T>();
    bool y_int = y == static_cast<T>(static_cast<long long>(y)) && fabs(y) < T(1e15);
    if (y_int && fabs(y) <= T(64)) {  // exact repeated squaring for small integer powers
        long long n = static_cast<long long>(y);
        T r = 1, b = x;
        long long k = n < 0 ? -n : n;
        while (k) {
            if (k & 1) r *= b;
            k >>= 1;
            if (k) b *= b;
        }
        return n < 0 ? T(1) / r : r;
    }
    if (x == 0) return y > 0 ? T(0) : inf<T>();
    if (x < 0) {
        if (!y_int) return nan<T>();
        T m = exp(y * log(-x));
        return (static_cast<long long>(y) % 2 != 0) ? -m : m;
    }
    return exp(y * log(x));
}

}  // namespace etgrad::math::cx
