/// @file array_shape.hpp  Shapes of the arrays bound to variables, PyTorch's broadcasting, and
/// the matrix types of the array engine: matrix (an owning gradient) and as_matrix (a view).
#pragma once
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include <etgrad/core/array_types.hpp>
#include <etgrad/core/exceptions.hpp>

namespace etgrad {

/// A row-major matrix of its own: the gradient of a variable bound to a matrix.
template <class T>
struct matrix {
    std::size_t n_rows = 0, n_cols = 0;
    std::vector<T> values;  // row by row

    std::size_t rows() const noexcept { return n_rows; }
    std::size_t cols() const noexcept { return n_cols; }
    std::size_t size() const noexcept { return values.size(); }
    T* data() noexcept { return values.data(); }
    const T* data() const noexcept { return values.data(); }
    std::ptrdiff_t row_stride() const noexcept { return std::ptrdiff_t(n_cols); }
    std::ptrdiff_t col_stride() const noexcept { return 1; }
    T& operator()(std::size_t i, std::size_t j) noexcept { return values[i * n_cols + j]; }
    const T& operator()(std::size_t i, std::size_t j) const noexcept { return values[i * n_cols + j]; }
};

/// A row-major view of rows x cols numbers at p, rows row_stride apart.
template <class T>
constexpr matrix_view<T> as_matrix(T* p, std::size_t rows, std::size_t cols, std::ptrdiff_t row_stride,
                                   std::ptrdiff_t col_stride = 1) noexcept {
    return {p, rows, cols, row_stride, col_stride};
}
/// A row-major view of a contiguous array as rows x cols (shape_error if it has another size).
template <class V>
    requires detail::array_value<V>
auto as_matrix(V& values, std::size_t rows, std::size_t cols) {
    using E = std::remove_reference_t<decltype(*values.data())>;
    if (std::size_t(values.size()) != rows * cols || (cols != 0 && rows * cols / cols != rows))
        throw shape_error("as_matrix: " + std::to_string(values.size()) + " values cannot be viewed as [" +
                          std::to_string(rows) + ", " + std::to_string(cols) + "]");
    return matrix_view<E>{values.data(), rows, cols, std::ptrdiff_t(cols), 1};
}

namespace detail {

/// A shape of rank 0 (a number), 1 ([n]) or 2 ([rows, cols]).
struct array_shape {
    int rank = 0;
    std::size_t dims[2] = {1, 1};
    std::size_t count() const noexcept { return rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1]; }
    std::size_t rows() const noexcept { return rank == 2 ? dims[0] : 1; }
    std::size_t cols() const noexcept { return rank == 2 ? dims[1] : rank == 1 ? dims[0] : 1; }
};
inline std::string to_string(const array_shape& s) {
    std::string r(1, '[');  // appended: g++ 12 -O3 misreads "[" + std::string as overlapping copies
    for (int k = 0; k < s.rank; ++k) {
        if (k > 0) r += ", ";
        r += std::to_string(s.dims[k]);
    }
    r += ']';
    return r;
}

/// A bound value's elements: where they are, its shape, and its strides (rows, then columns).
template <class E>
struct array_access {
    const E* ptr = nullptr;
    array_shape shape;
    std::ptrdiff_t row_stride = 0, col_stride = 0;
};
template <class V>
array_access<element_t<V>> access_of(const V& v) {
    if constexpr (matrix_value<V>) {
        const auto [rs, cs] = matrix_strides(v);
        const std::size_t rows = std::size_t(v.rows()), cols = std::size_t(v.cols());
        if (cols != 0 && rows > std::size_t(-1) / cols)  // a view can claim any shape: its count must exist
            throw shape_error("a matrix of " + std::to_string(rows) + " x " + std::to_string(cols) +
                              " elements: their number overflows");
        return {v.data(), {2, {rows, cols}}, rs, cs};
    } else {
        return {v.data(), {1, {std::size_t(v.size()), 1}}, 0, vector_stride(v)};
    }
}

/// The shape of a and b broadcast together as in PyTorch (trailing dimensions align, 1 stretches),
/// or shape_error naming both (a_name() and b_name() give their names).
template <class NameA, class NameB>
array_shape broadcast(const array_shape& a, const array_shape& b, const char* what, NameA a_name, NameB b_name) {
    const int rank = a.rank > b.rank ? a.rank : b.rank;
    array_shape r{rank, {1, 1}};
    for (int k = 0; k < rank; ++k) {  // k-th dimension from the end
        const std::size_t da = k < a.rank ? a.dims[a.rank - 1 - k] : 1, db = k < b.rank ? b.dims[b.rank - 1 - k] : 1;
        if (da != db && da != 1 && db != 1)
            throw shape_error(std::string(what) + ": the shapes do not broadcast: " + a_name() + " is " + to_string(a) +
                              " and " + b_name() + " is " + to_string(b));
        r.dims[rank - 1 - k] = da == 1 ? db : da;
    }
    if (rank == 2 && r.dims[1] != 0 && r.dims[0] > std::size_t(-1) / r.dims[1])
        throw shape_error(std::string(what) + ": " + a_name() + " " + to_string(a) + " and " + b_name() + " " +
                          to_string(b) + " broadcast to more elements than a size_t counts");
    return r;
}

/// Strides of a value of shape s (strides rs, cs) over a domain of R rows and C columns: 0 along
/// a dimension it is broadcast over.
struct domain_strides {
    std::ptrdiff_t row = 0, col = 0;
};
inline domain_strides strides_over(const array_shape& s, std::ptrdiff_t rs, std::ptrdiff_t cs, std::size_t R,
                                   std::size_t C) noexcept {
    if (s.rank == 0) return {0, 0};
    if (s.rank == 1) return {0, s.dims[0] == C && C != 1 ? cs : 0};
    return {s.dims[0] == R && R != 1 ? rs : 0, s.dims[1] == C && C != 1 ? cs : 0};
}

}  // namespace detail
}  // namespace etgrad
