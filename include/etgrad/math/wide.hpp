/// @file wide.hpp  Run-time dispatch to AVX2: a translation unit compiled for baseline x86-64
/// (SSE2 packs, no -march) also carries its elementwise loops compiled for AVX2 and FMA, and
/// takes them where the processor has both (checked once). The wide loops compute on `wide<T>`,
/// the 32-byte vec_pack (the compilers' vector extensions), so that nothing outside the
/// AVX2 functions is compiled for AVX2: the loops are functions with the target attribute whose
/// calls are all inlined into them (flatten). The functions are the same code as on the
/// baseline's packs (pack_functions.hpp), on 4 lanes and with fused multiply-adds.
///
/// Off where the TU is already compiled for AVX2 (-mavx2, -march=native: its packs are the wide
/// ones), without SIMD, off x86-64, or with ETGRAD_NO_DISPATCH defined.
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

/// 32 bytes of T (4 doubles, 8 floats): the pack of the AVX2 loops.
template <class T>
using wide = vec_pack<T, 32>;

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
