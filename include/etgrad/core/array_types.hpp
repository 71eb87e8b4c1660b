/// @file array_types.hpp  What a variable can be bound to besides a number: vectors (anything
/// with data() and size()) and matrices (rows(), cols() and strides: etgrad's matrix_view, Eigen's
/// dense matrices, Ref and Map), detected without including their headers.
#pragma once
#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace etgrad {

/// A plain number usable as a value or a run-time constant (bool excluded: it is not a quantity).
template <class T>
concept arithmetic = std::is_arithmetic_v<std::remove_cvref_t<T>> && !std::is_same_v<std::remove_cvref_t<T>, bool>;

/// A row-major view of a matrix: element (i, j) at ptr[i * row_stride() + j * col_stride()].
/// `as_matrix(values, rows, cols)` makes one of a contiguous array (<etgrad/array.hpp>).
template <class T>
struct matrix_view {
    T* ptr = nullptr;
    std::size_t n_rows = 0, n_cols = 0;
    std::ptrdiff_t rstride = 0, cstride = 1;

    constexpr T* data() const noexcept { return ptr; }
    constexpr std::size_t rows() const noexcept { return n_rows; }
    constexpr std::size_t cols() const noexcept { return n_cols; }
    constexpr std::size_t size() const noexcept { return n_rows * n_cols; }
    constexpr std::ptrdiff_t row_stride() const noexcept { return rstride; }
    constexpr std::ptrdiff_t col_stride() const noexcept { return cstride; }
    constexpr T& operator()(std::size_t i, std::size_t j) const noexcept {
        return ptr[std::ptrdiff_t(i) * rstride + std::ptrdiff_t(j) * cstride];
    }
};

/// A view of a caller's vector bound to a variable (`x = values` with values an lvalue):
/// element i at ptr[i * stride]. Extent is its length when fixed at compile time (std::array,
/// std::span of a static extent), else std::size_t(-1).
template <class T, std::size_t Extent = std::size_t(-1)>
struct array_ref {
    const T* ptr = nullptr;
    std::size_t n = 0;
    std::ptrdiff_t stride = 1;
    constexpr const T* data() const noexcept { return ptr; }
    constexpr std::size_t size() const noexcept { return n; }
};

namespace detail {
/// An array of numbers: anything with data() and size() (std::vector, std::array, std::span,
/// Eigen's dense types, matrix_view, ...).
template <class T>
concept array_value = requires(const std::remove_cvref_t<T>& t) {
    t.data();
    { t.size() } -> std::convertible_to<std::size_t>;
} && arithmetic<decltype(*std::declval<const std::remove_cvref_t<T>&>().data())>;

/// An Eigen type whose shape is a vector at compile time (VectorXd, RowVectorXf, Ref<VectorXd>).
template <class T>
concept eigen_vector_type = requires {
    std::remove_cvref_t<T>::RowsAtCompileTime;
    std::remove_cvref_t<T>::ColsAtCompileTime;
} && (std::remove_cvref_t<T>::RowsAtCompileTime == 1 || std::remove_cvref_t<T>::ColsAtCompileTime == 1);

/// Strides stated as etgrad's (row_stride(), col_stride()) or as Eigen's (outerStride(),
/// innerStride(), IsRowMajor).
template <class T>
concept etgrad_strided = requires(const std::remove_cvref_t<T>& t) {
    { t.row_stride() } -> std::convertible_to<std::ptrdiff_t>;
    { t.col_stride() } -> std::convertible_to<std::ptrdiff_t>;
};
template <class T>
concept eigen_strided = requires(const std::remove_cvref_t<T>& t) {
    { t.outerStride() } -> std::convertible_to<std::ptrdiff_t>;
    { t.innerStride() } -> std::convertible_to<std::ptrdiff_t>;
    std::remove_cvref_t<T>::IsRowMajor;
};

/// A matrix: an array with rows(), cols() and known strides.
template <class T>
concept matrix_value = array_value<T> && !eigen_vector_type<T> && requires(const std::remove_cvref_t<T>& t) {
    { t.rows() } -> std::convertible_to<std::size_t>;
    { t.cols() } -> std::convertible_to<std::size_t>;
} && (etgrad_strided<T> || eigen_strided<T>);

/// A matrix's strides (rows, then columns), in elements.
template <matrix_value M>
constexpr std::pair<std::ptrdiff_t, std::ptrdiff_t> matrix_strides(const M& m) noexcept {
    if constexpr (etgrad_strided<M>) {
        return {std::ptrdiff_t(m.row_stride()), std::ptrdiff_t(m.col_stride())};
    } else if constexpr (std::remove_cvref_t<M>::IsRowMajor) {
        return {std::ptrdiff_t(m.outerStride()), std::ptrdiff_t(m.innerStride())};
    } else {
        return {std::ptrdiff_t(m.innerStride()), std::ptrdiff_t(m.outerStride())};
    }
}
/// A vector's stride: Eigen's innerStride() where it has one, else 1.
template <array_value V>
constexpr std::ptrdiff_t vector_stride(const V& v) noexcept {
    if constexpr (requires { v.innerStride(); }) return std::ptrdiff_t(v.innerStride());
    else if constexpr (requires { v.stride; }) return v.stride;
    else return 1;
}

/// The element type of an array.
template <class V>
using element_t = std::remove_cvref_t<decltype(*std::declval<const std::remove_cvref_t<V>&>().data())>;
/// A bound value's number type: an array's elements, or the number itself.
template <class V>
struct element_type {
    using type = V;
};
template <class V>
    requires array_value<V>
struct element_type<V> {
    using type = element_t<V>;
};

/// An array's length when fixed at compile time (std::array, std::span<T, N>), else size_t(-1).
template <class V>
struct fixed_extent : std::integral_constant<std::size_t, std::size_t(-1)> {};
template <class V>
    requires requires { std::tuple_size<V>::value; }
struct fixed_extent<V> : std::integral_constant<std::size_t, std::tuple_size<V>::value> {};
template <class V>
    requires(requires { V::extent; } && !requires { std::tuple_size<V>::value; })
struct fixed_extent<V> : std::integral_constant<std::size_t, std::size_t(V::extent)> {};
template <class T, std::size_t N>
struct fixed_extent<array_ref<T, N>> : std::integral_constant<std::size_t, N> {};

/// What `x = values` stores for an lvalue array: a view (matrix_view or array_ref).
template <class V>
constexpr auto view_of(const V& v) noexcept {
    using E = element_t<V>;
    if constexpr (matrix_value<V>) {
        const auto [rs, cs] = matrix_strides(v);
        return matrix_view<const E>{v.data(), std::size_t(v.rows()), std::size_t(v.cols()), rs, cs};
    } else {
        return array_ref<E, fixed_extent<V>::value>{v.data(), std::size_t(v.size()), vector_stride(v)};
    }
}
}  // namespace detail
}  // namespace etgrad
