/// @file wide.hpp  Run-time dispatch to AVX2: a translation unit compiled for baseline x86-64
/// (SSE2 packs, no -march) also carries its elementwise loops compiled for AVX2 and FMA, and
/// takes them where the processor has both (checked once). The wide loops compute on `wide<T>`,
/// a 32-byte pack written with the compilers' vector extensions, so that nothing outside the
/// AVX2 functions is compiled for AVX2: the loops are functions with the target attribute whose
/// calls are all inlined into them (flatten). exp, expm1, log, log1p and the hyperbolic functions
/// of doubles are etgrad's own on the wide pack; the other functions run on its two SSE2 halves
/// (xsimd's, as on the baseline).
///
/// Off where the TU is already compiled for AVX2 (-mavx2, -march=native: xsimd's packs are the
/// wide ones), without xsimd, off x86-64, or with ETGRAD_NO_DISPATCH defined.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <etgrad/math/simd.hpp>

#if ETGRAD_HAS_SIMD && defined(__x86_64__) && !defined(__AVX2__) && !defined(ETGRAD_NO_DISPATCH) && \
    (defined(__GNUC__) || defined(__clang__))
#define ETGRAD_HAS_WIDE 1
#else
#define ETGRAD_HAS_WIDE 0
#endif

namespace etgrad {

namespace detail {
inline bool& dispatch_setting() noexcept {
    static bool on = true;
    return on;
}
/// Whether this processor runs AVX2 and FMA (and the system saves their registers).
inline bool cpu_has_avx2_fma() noexcept {
#if ETGRAD_HAS_WIDE
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return has;
#else
    return false;
#endif
}
}  // namespace detail

/// Allows (the default) or forbids the AVX2 loops of run-time dispatch. Forbidden, the array
/// engine and tape tensors compute on the packs the translation unit was compiled for, so that
/// results are the same on every x86-64 processor; allowed, they are the same on every processor
/// that runs AVX2 (and on every run of one processor).
inline void set_simd_dispatch(bool allow) noexcept {
    __atomic_store_n(&detail::dispatch_setting(), allow, __ATOMIC_RELAXED);
}
/// Whether the AVX2 loops run: dispatch compiled in (see wide.hpp), allowed, and the processor
/// runs AVX2 and FMA.
inline bool simd_dispatch_active() noexcept {
    return ETGRAD_HAS_WIDE && __atomic_load_n(&detail::dispatch_setting(), __ATOMIC_RELAXED) &&
           detail::cpu_has_avx2_fma();
}

}  // namespace etgrad

#if ETGRAD_HAS_WIDE
/// The attribute of a function whose body runs on AVX2 and FMA, every call in it inlined.
#define ETGRAD_WIDE_FUNCTION [[gnu::target("avx2,fma"), gnu::flatten, gnu::noinline]]

namespace etgrad::detail {

template <class T>
struct wide;

/// The lane-wise result of comparing two wide<T>: all bits set where true.
template <class T>
struct wide_mask {
    using ivec = decltype(typename wide<T>::vec{} < typename wide<T>::vec{});
    ivec m;
    wide_mask() noexcept = default;
    [[gnu::always_inline]] wide_mask(const ivec& c) noexcept : m(c) {}  // NOLINT
    [[gnu::always_inline]] wide_mask(const wide_mask& o) noexcept : m(o.m) {}  // through memory, as wide
    [[gnu::always_inline]] wide_mask& operator=(const wide_mask& o) noexcept {
        m = o.m;
        return *this;
    }
    [[gnu::always_inline]] friend wide_mask operator&&(const wide_mask& a, const wide_mask& b) noexcept {
        return {a.m & b.m};
    }
    [[gnu::always_inline]] friend wide_mask operator||(const wide_mask& a, const wide_mask& b) noexcept {
        return {a.m | b.m};
    }
    [[gnu::always_inline]] friend wide_mask operator&(const wide_mask& a, const wide_mask& b) noexcept {
        return {a.m & b.m};
    }
    [[gnu::always_inline]] friend wide_mask operator|(const wide_mask& a, const wide_mask& b) noexcept {
        return {a.m | b.m};
    }
    [[gnu::always_inline]] friend wide_mask operator!(const wide_mask& a) noexcept { return {~a.m}; }
    // with a condition on numbers (a rule's operand that is not a pack): every lane alike
    [[gnu::always_inline]] static wide_mask all(bool c) noexcept { return {ivec{} - (c ? 1 : 0)}; }
    [[gnu::always_inline]] friend wide_mask operator&&(const wide_mask& a, bool b) noexcept { return a && all(b); }
    [[gnu::always_inline]] friend wide_mask operator&&(bool a, const wide_mask& b) noexcept { return all(a) && b; }
    [[gnu::always_inline]] friend wide_mask operator||(const wide_mask& a, bool b) noexcept { return a || all(b); }
    [[gnu::always_inline]] friend wide_mask operator||(bool a, const wide_mask& b) noexcept { return all(a) || b; }
};

/// 32 bytes of T (4 doubles, 8 floats) as one pack: the number type of op rules in the AVX2
/// loops. Not trivially copyable (see its copies), so that a function that takes or returns one
/// by value does so through memory whatever it is compiled for.
template <class T>
struct wide {
    // aligned as T: a 32-byte alignment would make g++ note an ABI change wherever a rule takes
    // a pack by value (rules inlined into the AVX2 loops pass nothing)
    typedef T vec __attribute__((vector_size(32), aligned(sizeof(T))));
    // how the loops read and write elements (as the compilers' own unaligned AVX loads do)
    typedef T unaligned __attribute__((vector_size(32), aligned(1), may_alias));
    using value_type = T;
    static constexpr std::size_t size = 32 / sizeof(T);
    vec v;

    wide() noexcept = default;
    // Copies written out, so that the type is not trivially copyable: every call then passes and
    // returns it through memory, the same in a function compiled for AVX2 and one that is not
    // (a trivially copyable 32-byte vector travels in a ymm register only under AVX). A call the
    // optimiser leaves in an AVX2 loop (every call at -O0) is then still correct.
    [[gnu::always_inline]] wide(const wide& o) noexcept : v(o.v) {}
    [[gnu::always_inline]] wide& operator=(const wide& o) noexcept {
        v = o.v;
        return *this;
    }
    [[gnu::always_inline]] wide(T x) noexcept : v(vec{} + x) {}  // NOLINT: a number is a pack of it
    template <class U>
        requires(std::is_arithmetic_v<U> && !std::is_same_v<U, T>)
    [[gnu::always_inline]] wide(U x) noexcept : wide(T(x)) {}  // NOLINT
    [[gnu::always_inline]] static wide of(const vec& x) noexcept {
        wide r;
        r.v = x;
        return r;
    }
    [[gnu::always_inline]] static wide load_unaligned(const T* p) noexcept {
        wide r;
        r.v = *reinterpret_cast<const unaligned*>(p);
        return r;
    }
    [[gnu::always_inline]] static wide load_aligned(const T* p) noexcept { return load_unaligned(p); }
    [[gnu::always_inline]] void store_unaligned(T* p) const noexcept { *reinterpret_cast<unaligned*>(p) = v; }
    [[gnu::always_inline]] void store_aligned(T* p) const noexcept { store_unaligned(p); }

#define ETGRAD_WIDE_BINARY(op)                                                                        \
    [[gnu::always_inline]] friend wide operator op(const wide& a, const wide& b) noexcept {          \
        return of(a.v op b.v);                                                                       \
    }                                                                                                \
    [[gnu::always_inline]] wide& operator op##=(const wide& b) noexcept {                            \
        v = v op b.v;                                                                                \
        return *this;                                                                                \
    }
    ETGRAD_WIDE_BINARY(+)
    ETGRAD_WIDE_BINARY(-)
    ETGRAD_WIDE_BINARY(*)
    ETGRAD_WIDE_BINARY(/)
#undef ETGRAD_WIDE_BINARY
    [[gnu::always_inline]] friend wide operator-(const wide& a) noexcept { return of(-a.v); }
    [[gnu::always_inline]] friend wide operator+(const wide& a) noexcept { return a; }
    // the integer packs of exp and log1p's bit manipulation
    [[gnu::always_inline]] friend wide operator>>(const wide& a, int n) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v >> n);
    }
    [[gnu::always_inline]] friend wide operator<<(const wide& a, int n) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v << n);
    }
    [[gnu::always_inline]] friend wide operator|(const wide& a, const wide& b) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v | b.v);
    }
    [[gnu::always_inline]] friend wide operator&(const wide& a, const wide& b) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v & b.v);
    }

#define ETGRAD_WIDE_COMPARE(op)                                                                       \
    [[gnu::always_inline]] friend wide_mask<T> operator op(const wide& a, const wide& b) noexcept {  \
        return {a.v op b.v};                                                                         \
    }
    ETGRAD_WIDE_COMPARE(<)
    ETGRAD_WIDE_COMPARE(<=)
    ETGRAD_WIDE_COMPARE(>)
    ETGRAD_WIDE_COMPARE(>=)
    ETGRAD_WIDE_COMPARE(==)
    ETGRAD_WIDE_COMPARE(!=)
#undef ETGRAD_WIDE_COMPARE
};

template <class T>
struct is_pack<wide<T>> : std::true_type {};

/// c - a b, fused where the loop is compiled for FMA.
template <class T>
[[gnu::always_inline]] inline wide<T> pack_fnma(const wide<T>& a, const wide<T>& b, const wide<T>& c) noexcept {
#if defined(__clang__)
#pragma clang fp contract(fast)
#endif
    return wide<T>::of(c.v - a.v * b.v);
}
/// a b + c, fused where the loop is compiled for FMA.
template <class T>
[[gnu::always_inline]] inline wide<T> pack_fma(const wide<T>& a, const wide<T>& b, const wide<T>& c) noexcept {
#if defined(__clang__)
#pragma clang fp contract(fast)
#endif
    return wide<T>::of(a.v * b.v + c.v);
}
[[gnu::always_inline]] inline wide<std::uint64_t> pack_bits(const wide<double>& x) noexcept {
    using V = wide<std::uint64_t>::vec;
    return wide<std::uint64_t>::of(V(x.v));
}
[[gnu::always_inline]] inline wide<double> pack_from_bits(const wide<std::uint64_t>& u) noexcept {
    using V = wide<double>::vec;
    return wide<double>::of(V(u.v));
}

/// The functions op rules call, on wide packs: select as bit operations; exp, expm1, log, log1p
/// and the hyperbolic functions of doubles as on the baseline's packs (etgrad's own); the others
/// on the two halves, as xsimd's SSE2 packs (the same functions, and the same checks of their
/// ranges, as the baseline).
template <class T>
struct pack_math<wide<T>> {
    using P = wide<T>;
    using H = xsimd::batch<T, xsimd::sse2>;
    // (math::select answers a bool condition itself: only a mask reaches a pack's select)
    [[gnu::always_inline]] static P select(const wide_mask<T>& m, const P& a, const P& b) noexcept {
        using I = typename wide_mask<T>::ivec;
        return P::of(typename P::vec((I(a.v) & m.m) | (I(b.v) & ~m.m)));
    }
    /// f on the two SSE2 halves of x (and y).
    template <class F>
    [[gnu::always_inline]] static P halves(F f, const P& x, const P& y = P(T(0))) noexcept {
        alignas(32) T a[P::size], b[P::size];
        x.store_unaligned(a);
        y.store_unaligned(b);
        f(H::load_aligned(a), H::load_aligned(b)).store_aligned(a);
        f(H::load_aligned(a + H::size), H::load_aligned(b + H::size)).store_aligned(a + H::size);
        return P::load_unaligned(a);
    }
    static P exp(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) return exp_pack(x);
        else return halves([](const H& a, const H&) { return pack_math<H>::exp(a); }, x);
    }
    static P log1p(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) return log1p_pack(x);
        else return halves([](const H& a, const H&) { return pack_math<H>::log1p(a); }, x);
    }
    static P log(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) return log_pack(x);
        else return halves([](const H& a, const H&) { return pack_math<H>::log(a); }, x);
    }
    static P expm1(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) return expm1_pack(x);
        else return halves([](const H& a, const H&) { return pack_math<H>::expm1(a); }, x);
    }
    static P tanh(const P& x) noexcept {
        if constexpr (std::is_same_v<T, double>) return tanh_pack(x);
        else return halves([](const H& a, const H&) { return pack_math<H>::tanh(a); }, x);
    }
    static P atan2(const P& y, const P& x) noexcept {
        return halves([](const H& a, const H& b) { return pack_math<H>::atan2(a, b); }, y, x);
    }
    static P pow(const P& x, const P& y) noexcept {
        return halves([](const H& a, const H& b) { return pack_math<H>::pow(a, b); }, x, y);
    }
#define ETGRAD_WIDE_OWN(fn)                                                 \
    static P fn(const P& x) noexcept {                                      \
        if constexpr (std::is_same_v<T, double>) return fn##_pack(x);       \
        else return halves([](const H& a, const H&) { return pack_math<H>::fn(a); }, x); \
    }
    ETGRAD_WIDE_OWN(sinh)
    ETGRAD_WIDE_OWN(cosh)
    ETGRAD_WIDE_OWN(asinh)
    ETGRAD_WIDE_OWN(acosh)
    ETGRAD_WIDE_OWN(atanh)
#undef ETGRAD_WIDE_OWN
#define ETGRAD_WIDE_UNARY(fn) \
    static P fn(const P& x) noexcept { return halves([](const H& a, const H&) { return pack_math<H>::fn(a); }, x); }
    ETGRAD_WIDE_UNARY(erf)
    ETGRAD_WIDE_UNARY(sqrt)
    ETGRAD_WIDE_UNARY(sin)
    ETGRAD_WIDE_UNARY(cos)
    ETGRAD_WIDE_UNARY(tan)
    ETGRAD_WIDE_UNARY(asin)
    ETGRAD_WIDE_UNARY(acos)
    ETGRAD_WIDE_UNARY(atan)
#undef ETGRAD_WIDE_UNARY
};

template <class T>
ETGRAD_WIDE_FUNCTION void dot_rows_wide(const T* x, std::ptrdiff_t rs, const T* w, std::size_t d, std::size_t L,
                                        T* out) noexcept {
    dot_rows_in<wide<T>>(x, rs, w, d, L, out);
}
template <class T>
ETGRAD_WIDE_FUNCTION void axpy_rows_wide(const T* g, const T* x, std::ptrdiff_t rs, std::size_t d, std::size_t L,
                                         T* y) noexcept {
    axpy_rows_in<wide<T>>(g, x, rs, d, L, y);
}

}  // namespace etgrad::detail
#endif

namespace etgrad::detail {
/// out[k] = row k of x (rows rs apart, contiguous) dotted with w, for k < L: on AVX2 where
/// dispatch runs, else on the baseline's packs.
template <class T>
void dot_rows(const T* x, std::ptrdiff_t rs, const T* w, std::size_t d, std::size_t L, T* out) noexcept {
#if ETGRAD_HAS_WIDE
    if (simd_dispatch_active()) return dot_rows_wide(x, rs, w, d, L, out);
#endif
    for (std::size_t k = 0; k < L; ++k) out[k] = dot_contiguous(x + std::ptrdiff_t(k) * rs, w, d);
}
/// y += sum over k < L of g[k] times row k of x (rows rs apart, contiguous).
template <class T>
void axpy_rows(const T* g, const T* x, std::ptrdiff_t rs, std::size_t d, std::size_t L, T* y) noexcept {
#if ETGRAD_HAS_WIDE
    if (simd_dispatch_active()) return axpy_rows_wide(g, x, rs, d, L, y);
#endif
    for (std::size_t k = 0; k < L; ++k) axpy_contiguous(g[k], x + std::ptrdiff_t(k) * rs, y, d);
}
}  // namespace etgrad::detail
