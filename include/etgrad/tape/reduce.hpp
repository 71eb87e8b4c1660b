/// @file reduce.hpp  sum, mean (all elements or along an axis), dot, matmul on tape tensors.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <etgrad/math/sum.hpp>
#include <etgrad/tape/kernels.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {

inline Impl* checked(const Tensor& t, const char* what) {
    if (!t.defined()) throw autograd_error(std::string(what) + ": an undefined Tensor");
    return tensor_access::impl(t);
}

/// Output tensor (of the inputs' promoted dtype unless one is given) and, when recording, its
/// node with the given inputs and `elements` values per input (partials, or a gather's map) for
/// the caller to fill; an input that does not require grad is kept for its values, not
/// differentiated.
inline Tensor make_result(const Shape& shape, const char* name, Kind kind, std::span<Impl* const> inputs,
                          std::int64_t elements, Node** node_out, std::optional<scalar_type> dtype = std::nullopt) {
    ThreadState& s = state();
    bool any = false;
    for (Impl* in : inputs) any = any || in->requires_grad;
    const bool recording = any && s.grad_enabled;
    std::uint32_t few[2]{no_index, no_index};
    std::vector<std::uint32_t> many;  // a gather (cat) may have up to 255 inputs
    if (inputs.size() > 2) many.assign(inputs.size(), no_index);
    std::uint32_t* index = inputs.size() > 2 ? many.data() : few;
    if (recording)
        for (std::size_t k = 0; k < inputs.size(); ++k)
            index[k] = inputs[k]->requires_grad ? operand_index(s, inputs[k]) : no_index;
    Impl* out = make_impl(s, shape, false, dtype ? *dtype : result_dtype(inputs));  // the callers write every element
    Tensor result = tensor_access::adopt(out);
    *node_out = nullptr;
    if (recording) {
        std::uint32_t i = 0;
        char* end = nullptr;
        Node* n = make_node(s, shape, int(inputs.size()), elements, &i, &end);
        n->kind = kind;
        for (std::size_t k = 0; k < inputs.size(); ++k) set_input(s, n, int(k), inputs[k], index[k]);
        attach(s, out, name, i, end);
        out->node = n;
        *node_out = n;
    }
    return result;
}
inline Tensor make_result(const Shape& shape, const char* name, Kind kind, std::initializer_list<Impl*> inputs,
                          Node** node_out) {
    return make_result(shape, name, kind, std::span<Impl* const>(inputs.begin(), inputs.size()), 0, node_out);
}

inline Tensor reduce_all(const Tensor& t, bool mean, const char* name) {
    Impl* x = checked(t, name);
    Node* n = nullptr;
    Tensor r = make_result(Shape::scalar(), name, Kind::reduce_all, {x}, &n);
    const double s = pairwise_sum(as_doubles(x).data(), x->numel());
    const double scale = mean ? 1.0 / double(x->numel()) : 1.0;
    store(tensor_access::impl(r), 0, mean ? s / double(x->numel()) : s);  // divided, as PyTorch: correctly rounded
    if (n) n->scale = scale;
    return r;
}

inline Tensor reduce_axis(const Tensor& t, int axis, bool mean, const char* name) {
    Impl* x = checked(t, name);
    if (x->shape.rank == 0 || axis < -x->shape.rank || axis >= x->shape.rank)
        throw shape_error(std::string(name) + ": dimension " + std::to_string(axis) + " is out of range for shape " +
                          x->shape.str());
    if (axis < 0) axis += x->shape.rank;
    if (x->shape.rank == 1) return reduce_all(t, mean, name);
    const std::int64_t R = x->shape.dims[0], C = x->shape.dims[1];
    Node* n = nullptr;
    Tensor r = make_result(Shape::vector(axis == 0 ? C : R), name, Kind::reduce_axis, {x}, &n);
    const double n_along = double(axis == 0 ? R : C), scale = mean ? 1.0 / n_along : 1.0;
    const doubles_out o(tensor_access::impl(r));
    const as_doubles xs(x);
    if (axis == 0)  // down each column
        for (std::int64_t j = 0; j < C; ++j) o[j] = pairwise_sum(xs.data() + j, R, C);
    else  // along each row
        for (std::int64_t i = 0; i < R; ++i) o[i] = pairwise_sum(xs.data() + i * C, C);
    if (mean)
        for (std::int64_t k = 0; k < (axis == 0 ? C : R); ++k) o[k] /= n_along;
    o.done();
    if (n) {
        n->scale = scale;
        n->axis = axis;
    }
    return r;
}

}  // namespace detail

/// The sum of all elements (SumBackward0).
inline Tensor sum(const Tensor& t) { return detail::reduce_all(t, false, "SumBackward0"); }
/// The mean of all elements (MeanBackward0).
inline Tensor mean(const Tensor& t) { return detail::reduce_all(t, true, "MeanBackward0"); }
/// The sum along a dimension (SumBackward1).
inline Tensor sum(const Tensor& t, int axis) { return detail::reduce_axis(t, axis, false, "SumBackward1"); }
/// The mean along a dimension (MeanBackward1).
inline Tensor mean(const Tensor& t, int axis) { return detail::reduce_axis(t, axis, true, "MeanBackward1"); }

/// Matrix products: (n, m) @ (m, p) (MmBackward0), (n, m) @ (m) (MvBackward0),
/// (m) @ (m, p), and (m) @ (m) (DotBackward0).
inline Tensor matmul(const Tensor& a, const Tensor& b) {
    using namespace detail;
    Impl* A = checked(a, "matmul");
    Impl* B = checked(b, "matmul");
    if (A->shape.rank == 0 || B->shape.rank == 0)
        throw shape_error("matmul: both arguments need at least 1 dimension, got shapes " + A->shape.str() + " and " +
                          B->shape.str());
    // as 2-d: a vector on the left is a row (1 x m), on the right a column (m x 1)
    const std::int64_t R = A->shape.rank == 2 ? A->shape.dims[0] : 1;
    const std::int64_t M = A->shape.rank == 2 ? A->shape.dims[1] : A->shape.dims[0];
    const std::int64_t MB = B->shape.dims[0];
    const std::int64_t P = B->shape.rank == 2 ? B->shape.dims[1] : 1;
    if (M != MB)
        throw shape_error("matmul: shapes " + A->shape.str() + " and " + B->shape.str() + " cannot be multiplied (" +
                          std::to_string(M) + " != " + std::to_string(MB) + ")");
    Shape out;
    const char* name = "MmBackward0";
    if (A->shape.rank == 1 && B->shape.rank == 1) {
        out = Shape::scalar();
        name = "DotBackward0";
    } else if (B->shape.rank == 1) {
        out = Shape::vector(R);
        name = "MvBackward0";
    } else if (A->shape.rank == 1) {
        out = Shape::vector(P);
    } else {
        out = Shape::matrix(R, P);
    }
    Node* n = nullptr;
    Tensor r = make_result(out, name, Kind::matmul, {A, B}, &n);
    if (n) {
        n->inputs[0].rows = R;
        n->inputs[0].cols = M;
        n->inputs[1].rows = M;
        n->inputs[1].cols = P;
    }
    const doubles_out o(tensor_access::impl(r));
    const as_doubles a_values(A), b_values(B);
    const double* Ad = a_values.data();
    const double* Bd = b_values.data();
    matmul_kernel(Ad, Bd, o.data(), R, M, P);
    o.done();
    return r;
}
/// The dot product of two vectors (DotBackward0).
inline Tensor dot(const Tensor& a, const Tensor& b) {
    if (a.dim() != 1 || b.dim() != 1)
        throw shape_error("dot: 1D tensors expected, but got " + std::to_string(a.dim()) + "D and " +
                          std::to_string(b.dim()) + "D tensors");
    return matmul(a, b);
}

}  // namespace etgrad
