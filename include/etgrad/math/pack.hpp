/// @file pack.hpp  etgrad's SIMD pack: `vec_pack<T, Bytes>`, Bytes / sizeof(T) lanes of T written
/// with the compilers' vector extensions (GCC and clang), so that any target compiles its
/// operators: 16 bytes are SSE2's registers (or NEON's), 32 bytes AVX's, and a function compiled
/// for AVX2 (run-time dispatch, <etgrad/math/wide.hpp>) computes on 32-byte packs in a
/// translation unit compiled for SSE2. Comparisons give a `vec_mask` (all bits set where true).
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <etgrad/core/traits.hpp>

namespace etgrad::detail {

template <class T, std::size_t Bytes>
struct vec_pack;

/// The lane-wise result of comparing two vec_pack<T, Bytes>: all bits set where true.
template <class T, std::size_t Bytes>
struct vec_mask {
    using ivec = decltype(typename vec_pack<T, Bytes>::vec{} < typename vec_pack<T, Bytes>::vec{});
    ivec m;
    vec_mask() noexcept = default;
    [[gnu::always_inline]] vec_mask(const ivec& c) noexcept : m(c) {}  // NOLINT
    [[gnu::always_inline]] vec_mask(const vec_mask& o) noexcept : m(o.m) {}  // through memory, as vec_pack
    [[gnu::always_inline]] vec_mask& operator=(const vec_mask& o) noexcept {
        m = o.m;
        return *this;
    }
    [[gnu::always_inline]] friend vec_mask operator&&(const vec_mask& a, const vec_mask& b) noexcept {
        return {a.m & b.m};
    }
    [[gnu::always_inline]] friend vec_mask operator||(const vec_mask& a, const vec_mask& b) noexcept {
        return {a.m | b.m};
    }
    [[gnu::always_inline]] friend vec_mask operator&(const vec_mask& a, const vec_mask& b) noexcept {
        return {a.m & b.m};
    }
    [[gnu::always_inline]] friend vec_mask operator|(const vec_mask& a, const vec_mask& b) noexcept {
        return {a.m | b.m};
    }
    [[gnu::always_inline]] friend vec_mask operator!(const vec_mask& a) noexcept { return {~a.m}; }
    // with a condition on numbers (a rule's operand that is not a pack): every lane alike
    [[gnu::always_inline]] static vec_mask all(bool c) noexcept { return {ivec{} - (c ? 1 : 0)}; }
    [[gnu::always_inline]] friend vec_mask operator&&(const vec_mask& a, bool b) noexcept { return a && all(b); }
    [[gnu::always_inline]] friend vec_mask operator&&(bool a, const vec_mask& b) noexcept { return all(a) && b; }
    [[gnu::always_inline]] friend vec_mask operator||(const vec_mask& a, bool b) noexcept { return a || all(b); }
    [[gnu::always_inline]] friend vec_mask operator||(bool a, const vec_mask& b) noexcept { return all(a) || b; }
};

/// Bytes / sizeof(T) lanes of T as one pack: a number type of op rules. Not trivially copyable
/// (see its copies), so that a function that takes or returns one by value does so through
/// memory whatever it is compiled for.
template <class T, std::size_t Bytes>
struct vec_pack {
    // aligned as T: a wider alignment would make g++ note an ABI change wherever a rule takes a
    // pack by value (rules inlined into the loops pass nothing)
    typedef T vec __attribute__((vector_size(Bytes), aligned(sizeof(T))));
    // how the loops read and write elements (as the compilers' own unaligned loads do)
    typedef T unaligned __attribute__((vector_size(Bytes), aligned(1), may_alias));
    using value_type = T;
    static constexpr std::size_t size = Bytes / sizeof(T);
    vec v;

    vec_pack() noexcept = default;
    // Copies written out, so that the type is not trivially copyable: every call then passes and
    // returns it through memory, the same in a function compiled for AVX2 and one that is not
    // (a trivially copyable 32-byte vector travels in a ymm register only under AVX). A call the
    // optimiser leaves in an AVX2 loop (every call at -O0) is then still correct.
    [[gnu::always_inline]] vec_pack(const vec_pack& o) noexcept : v(o.v) {}
    [[gnu::always_inline]] vec_pack& operator=(const vec_pack& o) noexcept {
        v = o.v;
        return *this;
    }
    [[gnu::always_inline]] vec_pack(T x) noexcept : v(x - vec{}) {}  // NOLINT: a number is a pack of it (-0 kept)
    template <class U>
        requires(std::is_arithmetic_v<U> && !std::is_same_v<U, T>)
    [[gnu::always_inline]] vec_pack(U x) noexcept : vec_pack(T(x)) {}  // NOLINT
    [[gnu::always_inline]] static vec_pack of(const vec& x) noexcept {
        vec_pack r;
        r.v = x;
        return r;
    }
    [[gnu::always_inline]] static vec_pack load_unaligned(const T* p) noexcept {
        vec_pack r;
        r.v = *reinterpret_cast<const unaligned*>(p);
        return r;
    }
    [[gnu::always_inline]] static vec_pack load_aligned(const T* p) noexcept { return load_unaligned(p); }
    [[gnu::always_inline]] void store_unaligned(T* p) const noexcept { *reinterpret_cast<unaligned*>(p) = v; }
    [[gnu::always_inline]] void store_aligned(T* p) const noexcept { store_unaligned(p); }
    [[gnu::always_inline]] T operator[](std::size_t i) const noexcept { return v[i]; }

#define ETGRAD_PACK_BINARY(op)                                                                        \
    [[gnu::always_inline]] friend vec_pack operator op(const vec_pack& a, const vec_pack& b) noexcept {  \
        return of(a.v op b.v);                                                                       \
    }                                                                                                \
    [[gnu::always_inline]] vec_pack& operator op##=(const vec_pack& b) noexcept {                    \
        v = v op b.v;                                                                                \
        return *this;                                                                                \
    }
    ETGRAD_PACK_BINARY(+)
    ETGRAD_PACK_BINARY(-)
    ETGRAD_PACK_BINARY(*)
    ETGRAD_PACK_BINARY(/)
#undef ETGRAD_PACK_BINARY
    [[gnu::always_inline]] friend vec_pack operator-(const vec_pack& a) noexcept { return of(-a.v); }
    [[gnu::always_inline]] friend vec_pack operator+(const vec_pack& a) noexcept { return a; }
    // the integer packs of the functions' bit manipulation
    [[gnu::always_inline]] friend vec_pack operator>>(const vec_pack& a, int n) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v >> n);
    }
    [[gnu::always_inline]] friend vec_pack operator<<(const vec_pack& a, int n) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v << n);
    }
    [[gnu::always_inline]] friend vec_pack operator|(const vec_pack& a, const vec_pack& b) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v | b.v);
    }
    [[gnu::always_inline]] friend vec_pack operator&(const vec_pack& a, const vec_pack& b) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v & b.v);
    }
    [[gnu::always_inline]] friend vec_pack operator^(const vec_pack& a, const vec_pack& b) noexcept
        requires std::is_integral_v<T>
    {
        return of(a.v ^ b.v);
    }

#define ETGRAD_PACK_COMPARE(op)                                                                       \
    [[gnu::always_inline]] friend vec_mask<T, Bytes> operator op(const vec_pack& a, const vec_pack& b) noexcept { \
        return {a.v op b.v};                                                                         \
    }
    ETGRAD_PACK_COMPARE(<)
    ETGRAD_PACK_COMPARE(<=)
    ETGRAD_PACK_COMPARE(>)
    ETGRAD_PACK_COMPARE(>=)
    ETGRAD_PACK_COMPARE(==)
    ETGRAD_PACK_COMPARE(!=)
#undef ETGRAD_PACK_COMPARE
};

template <class T, std::size_t Bytes>
struct is_pack<vec_pack<T, Bytes>> : std::true_type {};

/// a where m is set, else b.
template <class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, Bytes> pack_select(const vec_mask<T, Bytes>& m, const vec_pack<T, Bytes>& a,
                                                             const vec_pack<T, Bytes>& b) noexcept {
    using P = vec_pack<T, Bytes>;
    using I = typename vec_mask<T, Bytes>::ivec;
    return P::of(typename P::vec((I(a.v) & m.m) | (I(b.v) & ~m.m)));
}

/// a b + c, fused where the code is compiled for FMA.
template <class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, Bytes> pack_fma(const vec_pack<T, Bytes>& a, const vec_pack<T, Bytes>& b,
                                                          const vec_pack<T, Bytes>& c) noexcept {
#if defined(__clang__)
#pragma clang fp contract(fast)
#endif
    return vec_pack<T, Bytes>::of(a.v * b.v + c.v);
}
/// c - a b, fused where the code is compiled for FMA (the same rounding as pack_fma(-a, b, c)).
template <class T, std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<T, Bytes> pack_fnma(const vec_pack<T, Bytes>& a, const vec_pack<T, Bytes>& b,
                                                           const vec_pack<T, Bytes>& c) noexcept {
    return pack_fma(-a, b, c);
}
/// A pack of doubles as 64-bit integers, and back.
template <std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<std::uint64_t, Bytes> pack_bits(const vec_pack<double, Bytes>& x) noexcept {
    using V = typename vec_pack<std::uint64_t, Bytes>::vec;
    return vec_pack<std::uint64_t, Bytes>::of(V(x.v));
}
template <std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<double, Bytes> pack_from_bits(const vec_pack<std::uint64_t, Bytes>& u) noexcept {
    using V = typename vec_pack<double, Bytes>::vec;
    return vec_pack<double, Bytes>::of(V(u.v));
}
/// A pack of floats as the doubles of its lanes (twice the bytes), and back (each rounded).
template <std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<double, 2 * Bytes> pack_widen(const vec_pack<float, Bytes>& x) noexcept {
    using D = vec_pack<double, 2 * Bytes>;
    return D::of(__builtin_convertvector(x.v, typename D::vec));
}
template <std::size_t Bytes>
[[gnu::always_inline]] inline vec_pack<float, Bytes / 2> pack_narrow(const vec_pack<double, Bytes>& x) noexcept {
    using F = vec_pack<float, Bytes / 2>;
    return F::of(__builtin_convertvector(x.v, typename F::vec));
}

/// f applied lane by lane (the scalar function itself).
template <class P, class F>
P lanewise(F f, const P& x, const P& y = P(0)) noexcept {
    P r;
    for (std::size_t i = 0; i < P::size; ++i) r.v[i] = f(x.v[i], y.v[i]);
    return r;
}

}  // namespace etgrad::detail
