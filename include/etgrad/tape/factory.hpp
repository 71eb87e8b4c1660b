/// @file factory.hpp  Making tensors: tensor(3.0), tensor({...}), tensor({{...}, {...}}),
/// from_vector(values, shape), zeros(shape), ones(shape), full(shape, value), arange(...),
/// rand(shape), randn(shape) and manual_seed(seed). Numbers of type float make float32 tensors,
/// and the shape-taking factories take a dtype; float64 is the default.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <etgrad/core/expression.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {

namespace detail {
/// float32 for float, float64 for every other number type.
template <class T>
inline constexpr scalar_type dtype_of = std::is_same_v<T, float> ? float32 : float64;
}  // namespace detail

/// A scalar tensor: `tensor(3.0)`, `tensor(3.0, requires_grad)`; `tensor(3.0f)` is float32.
inline Tensor tensor(double v) {
    detail::Impl* p = detail::make_scalar_impl(detail::state());
    p->local = v;
    return detail::tensor_access::adopt(p);
}
inline Tensor tensor(float v) {
    detail::Impl* p = detail::make_scalar_impl(detail::state(), float32);
    p->local_f32 = v;
    return detail::tensor_access::adopt(p);
}
inline Tensor tensor(double v, requires_grad_t) {
    Tensor t = tensor(v);
    detail::tensor_access::impl(t)->requires_grad = true;  // a new leaf on this thread
    return t;
}
inline Tensor tensor(float v, requires_grad_t) {
    Tensor t = tensor(v);
    detail::tensor_access::impl(t)->requires_grad = true;
    return t;
}
/// A vector: `tensor({1.0, 2.0, 3.0}, requires_grad)` (a template, so that `{{1.0}}` is a
/// matrix); of floats, a float32 vector.
template <class T>
    requires arithmetic<T>
Tensor tensor(std::initializer_list<T> v) {
    detail::Impl* p =
        detail::make_impl(detail::Shape::vector(std::int64_t(v.size())), false, detail::dtype_of<T>);
    std::int64_t k = 0;
    for (T x : v) detail::store(p, k++, double(x));
    return detail::tensor_access::adopt(p);
}
template <class T>
    requires arithmetic<T>
Tensor tensor(std::initializer_list<T> v, requires_grad_t) {
    Tensor t = tensor(v);
    t.requires_grad_(true);
    return t;
}
/// A matrix, row by row: `tensor({{1.0, 2.0}, {3.0, 4.0}})`; `tensor({})` is the empty vector,
/// as torch.tensor([]).
inline Tensor tensor(std::initializer_list<std::initializer_list<double>> rows) {
    if (rows.size() == 0) return detail::tensor_access::adopt(detail::make_impl(detail::Shape::vector(0), false));
    const std::int64_t R = std::int64_t(rows.size()), C = std::int64_t(rows.begin()->size());
    detail::Impl* p = detail::make_impl(detail::Shape::matrix(R, C));
    Tensor t = detail::tensor_access::adopt(p);
    std::int64_t k = 0;
    for (const auto& row : rows) {
        if (std::int64_t(row.size()) != C)
            throw shape_error("tensor({{...}}): rows of different lengths (" + std::to_string(C) + " and " +
                              std::to_string(row.size()) + ")");
        for (double x : row) p->data[k++] = x;
    }
    return t;
}
inline Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, requires_grad_t) {
    Tensor t = tensor(rows);
    t.requires_grad_(true);
    return t;
}
namespace detail {
/// The shape given by a user, checked once where a tensor is made: rank 0-2, no negative
/// dimension, and a number of elements that fits in memory.
inline Shape checked_shape(const std::vector<std::int64_t>& shape, const char* what) {
    Shape s;
    if (shape.size() > 2)
        throw shape_error(std::string(what) + ": etgrad tensors have rank 0, 1 or 2, not " + std::to_string(shape.size()));
    s.rank = int(shape.size());
    std::int64_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        s.dims[i] = shape[i];
        if (shape[i] < 0)
            throw shape_error(std::string(what) + ": Trying to create tensor with negative dimension " +
                              std::to_string(shape[i]) + ": " + s.str());
        if (shape[i] != 0 && n > std::numeric_limits<std::int64_t>::max() / 8 / shape[i])
            throw shape_error(std::string(what) + ": shape " + s.str() + " has too many elements to be stored");
        n *= shape[i];
    }
    return s;
}
}  // namespace detail

namespace detail {
template <class T>
Tensor from_values(const std::vector<T>& values, const std::vector<std::int64_t>& shape) {
    const Shape s = checked_shape(shape, "from_vector");
    if (s.numel() != std::int64_t(values.size()))
        throw shape_error("from_vector: " + std::to_string(values.size()) + " values do not fill shape " + s.str());
    Impl* p = make_impl(s, false, dtype_of<T>);  // filled below
    std::copy(values.begin(), values.end(), reinterpret_cast<T*>(p->data));
    return tensor_access::adopt(p);
}
}  // namespace detail
/// A float64 tensor from flat row-major data and a shape of rank 0, 1 or 2.
inline Tensor from_vector(const std::vector<double>& values, const std::vector<std::int64_t>& shape) {
    return detail::from_values(values, shape);
}
/// A float32 tensor from flat row-major floats (a template, so that a braced list of numbers
/// stays float64).
template <class T>
    requires std::is_same_v<T, float>
Tensor from_vector(const std::vector<T>& values, const std::vector<std::int64_t>& shape) {
    return detail::from_values(values, shape);
}
/// A tensor of zeros of a shape of rank 0, 1 or 2.
inline Tensor zeros(const std::vector<std::int64_t>& shape, scalar_type dtype = float64) {
    return detail::tensor_access::adopt(detail::make_impl(detail::checked_shape(shape, "zeros"), true, dtype));
}
/// A tensor of a shape of rank 0, 1 or 2 filled with `value`.
inline Tensor full(const std::vector<std::int64_t>& shape, double value, scalar_type dtype = float64) {
    detail::Impl* p = detail::make_impl(detail::checked_shape(shape, "full"), false, dtype);
    for (std::int64_t k = 0; k < p->numel(); ++k) detail::store(p, k, value);
    return detail::tensor_access::adopt(p);
}
/// A tensor of ones of a shape of rank 0, 1 or 2.
inline Tensor ones(const std::vector<std::int64_t>& shape, scalar_type dtype = float64) {
    return full(shape, 1.0, dtype);
}

/// The vector start, start + step, ... below end (above it for a negative step), as torch.arange.
inline Tensor arange(double start, double end, double step = 1.0) {
    if (!(step != 0.0)) throw std::invalid_argument("arange: step must be nonzero");
    if (!std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
        throw std::invalid_argument("arange: unsupported range: " + std::to_string(start) + " -> " + std::to_string(end));
    if ((end - start) / step < 0)
        throw std::invalid_argument("arange: upper bound and larger bound inconsistent with step sign");
    const double n = std::ceil((end - start) / step);
    if (n > double(std::numeric_limits<std::int64_t>::max() / 8))
        throw shape_error("arange: " + std::to_string(n) + " elements are too many to be stored");
    detail::Impl* p = detail::make_impl(detail::Shape::vector(std::int64_t(n)), false);
    for (std::int64_t k = 0; k < std::int64_t(n); ++k) p->data[k] = start + double(k) * step;
    return detail::tensor_access::adopt(p);
}
/// 0, 1, ..., end - 1 (as doubles).
inline Tensor arange(double end) { return arange(0.0, end, 1.0); }

namespace detail {
/// The calling thread's generator for rand and randn (seeded by manual_seed; 0 until then).
inline std::mt19937_64& random_engine() {
    thread_local std::mt19937_64 engine{0};
    return engine;
}
/// Uniform in [0, 1): the top 53 bits of one draw (the same on every platform).
inline double uniform01() { return double(random_engine()() >> 11) * 0x1.0p-53; }
}  // namespace detail

/// Seeds the calling thread's generator for rand and randn, as torch.manual_seed (the values
/// differ from PyTorch's; for a given seed they are the same on every platform).
inline void manual_seed(std::uint64_t seed) { detail::random_engine().seed(seed); }

/// A tensor of a shape of rank 0-2 with values uniform in [0, 1), as torch.rand (float32
/// values are the float64 draws rounded down, so they stay below 1).
inline Tensor rand(const std::vector<std::int64_t>& shape, scalar_type dtype = float64) {
    detail::Impl* p = detail::make_impl(detail::checked_shape(shape, "rand"), false, dtype);
    for (std::int64_t k = 0; k < p->numel(); ++k) {
        const double u = detail::uniform01();
        if (dtype == float32) detail::f32_data(p)[k] = std::min(float(u), std::nextafter(1.0f, 0.0f));
        else p->data[k] = u;
    }
    return detail::tensor_access::adopt(p);
}
/// A tensor of a shape of rank 0-2 with standard normal values, as torch.randn (Box-Muller on
/// the generator's uniform draws).
inline Tensor randn(const std::vector<std::int64_t>& shape, scalar_type dtype = float64) {
    detail::Impl* p = detail::make_impl(detail::checked_shape(shape, "randn"), false, dtype);
    constexpr double two_pi = 6.283185307179586476925286766559;
    for (std::int64_t k = 0; k < p->numel(); k += 2) {
        const double u = 1.0 - detail::uniform01(), v = detail::uniform01();  // u in (0, 1]: log(u) is finite
        const double r = std::sqrt(-2.0 * std::log(u));
        detail::store(p, k, r * std::cos(two_pi * v));
        if (k + 1 < p->numel()) detail::store(p, k + 1, r * std::sin(two_pi * v));
    }
    return detail::tensor_access::adopt(p);
}

}  // namespace etgrad
