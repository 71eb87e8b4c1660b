/// @file factory.hpp  Making tensors: tensor(3.0), tensor({...}), tensor({{...}, {...}}),
/// from_vector(values, shape), zeros(shape).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {

/// A scalar tensor: `tensor(3.0)`, `tensor(3.0, requires_grad)`.
inline Tensor tensor(double v) {
    detail::Impl* p = detail::make_impl(detail::Shape::scalar());
    p->data[0] = v;
    return detail::tensor_access::adopt(p);
}
inline Tensor tensor(double v, requires_grad_t) {
    Tensor t = tensor(v);
    t.requires_grad_(true);
    return t;
}
/// A vector: `tensor({1.0, 2.0, 3.0}, requires_grad)`.
inline Tensor tensor(std::initializer_list<double> v) {
    detail::Impl* p = detail::make_impl(detail::Shape::vector(std::int64_t(v.size())), false);
    std::int64_t k = 0;
    for (double x : v) p->data[k++] = x;
    return detail::tensor_access::adopt(p);
}
inline Tensor tensor(std::initializer_list<double> v, requires_grad_t) {
    Tensor t = tensor(v);
    t.requires_grad_(true);
    return t;
}
/// A matrix, row by row: `tensor({{1.0, 2.0}, {3.0, 4.0}})`.
inline Tensor tensor(std::initializer_list<std::initializer_list<double>> rows) {
    const std::int64_t R = std::int64_t(rows.size()), C = R ? std::int64_t(rows.begin()->size()) : 0;
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
/// A tensor from flat row-major data and a shape of rank 0, 1 or 2.
inline Tensor from_vector(const std::vector<double>& values, const std::vector<std::int64_t>& shape) {
    detail::Shape s;
    if (shape.size() > 2) throw shape_error("etgrad tensors have rank 0, 1 or 2");
    s.rank = int(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) s.dims[i] = shape[i];
    if (s.numel() != std::int64_t(values.size()))
        throw shape_error("from_vector: " + std::to_string(values.size()) + " values do not fill shape " + s.str());
    detail::Impl* p = detail::make_impl(s, false);  // filled below
    for (std::size_t k = 0; k < values.size(); ++k) p->data[k] = values[k];
    return detail::tensor_access::adopt(p);
}
inline Tensor zeros(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return from_vector(std::vector<double>(std::size_t(n), 0.0), shape);
}

}  // namespace etgrad
