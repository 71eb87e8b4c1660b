/// @file shape.hpp  Shapes and indexing on tape tensors: reshape, flatten, transpose,
/// unsqueeze, squeeze, select (`t[i]`), narrow, index_select, cat, stack, and sum/mean with
/// keepdim. Each result is a new tensor (values copied, as `reshape` may in PyTorch) whose
/// backward routes each output element's adjoint to the element it came from.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/reduce.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {

/// Where an output element comes from: (input, element index).
using element_of = std::pair<std::size_t, std::int64_t>;

/// The result of shape `shape` whose element k is input source(k).first's element
/// source(k).second; recorded (a gather node) when an input requires grad.
template <class Source>
Tensor gather(const char* name, const Shape& shape, const std::vector<Impl*>& in, Source source,
              std::optional<scalar_type> dtype = std::nullopt) {
    const std::int64_t m = shape.numel();
    Node* n = nullptr;
    Tensor result = make_result(shape, name, Kind::gather, in, m, &n, dtype);
    if (n)
        for (std::size_t j = 0; j < in.size(); ++j) std::fill_n(gather_map(n->inputs[j]), m, std::int64_t(-1));
    Impl* out = tensor_access::impl(result);
    bool same = true;  // every input has the output's dtype: elements are copied as they are
    for (const Impl* p : in) same = same && p->dtype == out->dtype;
    for (std::int64_t k = 0; k < m; ++k) {
        const element_of from = source(k);
        const Impl* x = in[from.first];
        if (same && out->dtype == float32) f32_data(out)[k] = f32_data(x)[from.second];
        else if (same) out->data[k] = x->data[from.second];
        else store(out, k, load(x, from.second));
        if (n) gather_map(n->inputs[from.first])[k] = from.second;
    }
    return result;
}

inline std::int64_t dim_index(std::int64_t d, int rank, const char* what) {
    const int r = rank == 0 ? 1 : rank;
    if (d < -r || d >= r)
        throw shape_error(std::string(what) + ": dimension out of range (expected to be in range of [" +
                          std::to_string(-r) + ", " + std::to_string(r - 1) + "], but got " + std::to_string(d) + ")");
    return d < 0 ? d + r : d;
}
inline Shape shape_of(std::initializer_list<std::int64_t> dims, const char* what) {
    if (dims.size() > 2) throw shape_error(std::string(what) + ": tensors have at most 2 dimensions");
    Shape s;
    s.rank = int(dims.size());
    int d = 0;
    for (std::int64_t v : dims) s.dims[d++] = v;
    return s;
}
/// The same elements in a new shape (a copy): the shared helper of reshape and its kin.
inline Tensor reshaped(const Tensor& t, const Shape& shape, const char* name) {
    Impl* x = checked(t, name);
    return gather(name, shape, {x}, [](std::int64_t k) { return element_of{0, k}; });
}
/// Renames a result's grad_fn (a composite named as PyTorch names the op).
inline Tensor named(Tensor t, const char* name) {
    Impl* p = tensor_access::impl(t);
    if (p->name) p->name = name;
    return t;
}

/// The shape `dims` asks of x's elements (one size may be -1, inferred), checked.
inline Shape new_shape(const Impl* x, std::initializer_list<std::int64_t> dims, const char* what) {
    Shape s = shape_of(dims, what);
    std::int64_t known = 1, infer = -1;
    for (int d = 0; d < s.rank; ++d) {
        if (s.dims[d] == -1) {
            if (infer >= 0) throw shape_error(std::string(what) + ": only one dimension can be inferred");
            infer = d;
        } else if (s.dims[d] < 0) {
            throw shape_error(std::string(what) + ": invalid shape dimension " + std::to_string(s.dims[d]));
        } else {
            known *= s.dims[d];
        }
    }
    if (infer >= 0 && known != 0 && x->numel() % known == 0) s.dims[infer] = x->numel() / known;
    if ((infer >= 0 && (known == 0 || x->numel() % known != 0)) || s.numel() != x->numel()) {
        std::string want = "[";
        for (auto it = dims.begin(); it != dims.end(); ++it)
            want += (it == dims.begin() ? "" : ", ") + std::to_string(*it);
        throw shape_error(std::string(what) + ": shape '" + want + "]' is invalid for input of size " +
                          std::to_string(x->numel()));
    }
    return s;
}
}  // namespace detail

/// The same elements in another shape (at most 2 dimensions; one size may be -1, inferred):
/// `reshape(t, {2, 3})` (ViewBackward0; a copy here: use view() to share the storage).
inline Tensor reshape(const Tensor& t, std::initializer_list<std::int64_t> dims) {
    using namespace detail;
    Impl* x = checked(t, "reshape");
    return reshaped(t, new_shape(x, dims, "reshape"), "ViewBackward0");
}
/// t's storage seen in another shape (one size may be -1, inferred), as torch.view: a change
/// made through either (under no_grad_guard, or through data_ptr) is seen by both; recorded
/// (ViewBackward0) when t requires grad. A view of a tensor that requires grad refuses in-place
/// changes while recording.
inline Tensor view(const Tensor& t, std::initializer_list<std::int64_t> dims) {
    using namespace detail;
    Impl* x = checked(t, "view");
    if (x->home != tls_state) throw autograd_error(cross_thread_message());
    const Shape shape = new_shape(x, dims, "view");
    ThreadState& s = state();
    const bool recording = x->requires_grad && s.grad_enabled;
    const std::uint32_t index = recording ? operand_index(s, x) : 0;  // before the node's statement
    Impl* out = make_view(s, x, shape);
    Tensor result = tensor_access::adopt(out);
    if (recording) {
        const std::int64_t m = shape.numel();
        std::uint32_t i = 0;
        char* end = nullptr;
        Node* n = make_node(s, shape, 1, m, &i, &end);
        n->kind = Kind::gather;
        set_input(s, n, 0, x, index);
        for (std::int64_t k = 0; k < m; ++k) gather_map(n->inputs[0])[k] = k;
        attach(s, out, "ViewBackward0", i, end);
        out->node = n;
    }
    return result;
}
/// All elements as a vector (ViewBackward0).
inline Tensor flatten(const Tensor& t) { return reshape(t, {-1}); }

/// t with a dimension of size 1 inserted at dim (UnsqueezeBackward0).
inline Tensor unsqueeze(const Tensor& t, std::int64_t dim) {
    using namespace detail;
    const Shape& s = checked(t, "unsqueeze")->shape;
    if (s.rank == 2) throw shape_error("unsqueeze: tensors have at most 2 dimensions, got shape " + s.str());
    if (dim < -(s.rank + 1) || dim > s.rank)
        throw shape_error("unsqueeze: dimension out of range (expected to be in range of [" +
                          std::to_string(-(s.rank + 1)) + ", " + std::to_string(s.rank) + "], but got " +
                          std::to_string(dim) + ")");
    if (dim < 0) dim += s.rank + 1;
    const Shape out =
        s.rank == 0 ? Shape::vector(1) : (dim == 0 ? Shape::matrix(1, s.dims[0]) : Shape::matrix(s.dims[0], 1));
    return reshaped(t, out, "UnsqueezeBackward0");
}
/// t without its dimensions of size 1 (SqueezeBackward0).
inline Tensor squeeze(const Tensor& t) {
    using detail::Shape;
    const Shape& s = detail::checked(t, "squeeze")->shape;
    Shape out;
    for (int d = 0; d < s.rank; ++d)
        if (s.dims[d] != 1) out.dims[out.rank++] = s.dims[d];
    return detail::reshaped(t, out, "SqueezeBackward0");
}
/// t without dimension dim if its size is 1, else t's values unchanged (SqueezeBackward1).
inline Tensor squeeze(const Tensor& t, std::int64_t dim) {
    using detail::Shape;
    const Shape& s = detail::checked(t, "squeeze")->shape;
    dim = detail::dim_index(dim, s.rank, "squeeze");
    if (s.rank == 0 || s.dims[dim] != 1) return detail::reshaped(t, s, "SqueezeBackward1");
    return detail::reshaped(t, s.rank == 1 ? Shape::scalar() : Shape::vector(s.dims[1 - dim]), "SqueezeBackward1");
}

/// The matrix with dimensions d0 and d1 swapped; tensors of fewer than 2 dimensions unchanged
/// (TransposeBackward0).
inline Tensor transpose(const Tensor& t, std::int64_t d0 = 0, std::int64_t d1 = 1) {
    using namespace detail;
    Impl* x = checked(t, "transpose");
    d0 = dim_index(d0, x->shape.rank, "transpose");
    d1 = dim_index(d1, x->shape.rank, "transpose");
    if (x->shape.rank < 2 || d0 == d1) return reshaped(t, x->shape, "TransposeBackward0");
    const std::int64_t R = x->shape.dims[0], C = x->shape.dims[1];
    return gather("TransposeBackward0", Shape::matrix(C, R), {x}, [R, C](std::int64_t k) {
        return element_of{0, (k % R) * C + k / R};
    });
}

/// Element i along dim, the dimension removed: a row of a matrix, an element of a vector
/// (SelectBackward0). Negative i counts from the end, as in PyTorch.
inline Tensor select(const Tensor& t, std::int64_t dim, std::int64_t i) {
    using namespace detail;
    Impl* x = checked(t, "select");
    if (x->shape.rank == 0) throw shape_error("select: a 0-dimensional tensor cannot be indexed");
    dim = dim_index(dim, x->shape.rank, "select");
    const std::int64_t n = x->shape.dims[dim];
    if (i < -n || i >= n)
        throw shape_error("index " + std::to_string(i) + " is out of bounds for dimension " + std::to_string(dim) +
                          " with size " + std::to_string(n));
    if (i < 0) i += n;
    if (x->shape.rank == 1)
        return gather("SelectBackward0", Shape::scalar(), {x}, [i](std::int64_t) { return element_of{0, i}; });
    const std::int64_t C = x->shape.dims[1], R = x->shape.dims[0];
    const Shape out = Shape::vector(dim == 0 ? C : R);
    return gather("SelectBackward0", out, {x}, [=](std::int64_t k) {
        return element_of{0, dim == 0 ? i * C + k : k * C + i};
    });
}

/// `length` elements along dim from `start` (SliceBackward0): rows start .. start + length - 1
/// of a matrix for dim 0, as `t[start:start + length]` in PyTorch.
inline Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length) {
    using namespace detail;
    Impl* x = checked(t, "narrow");
    if (x->shape.rank == 0) throw shape_error("narrow: a 0-dimensional tensor cannot be narrowed");
    dim = dim_index(dim, x->shape.rank, "narrow");
    const std::int64_t n = x->shape.dims[dim];
    if (start < -n || start > n)
        throw shape_error("narrow: start (" + std::to_string(start) + ") is out of range for size " +
                          std::to_string(n));
    if (start < 0) start += n;
    if (length < 0 || start + length > n)
        throw shape_error("narrow: start (" + std::to_string(start) + ") + length (" + std::to_string(length) +
                          ") exceeds dimension size (" + std::to_string(n) + ")");
    Shape out = x->shape;
    out.dims[dim] = length;
    const std::int64_t C = x->shape.cols(), oc = out.cols();
    return gather("SliceBackward0", out, {x}, [=](std::int64_t k) {
        const std::int64_t r = k / oc, c = k % oc;
        return element_of{0, x->shape.rank == 1 ? start + k : (dim == 0 ? (start + r) * C + c : r * C + start + c)};
    });
}

/// The elements at `indices` along dim, in that order (IndexSelectBackward0): rows of a
/// mini-batch, for one.
inline Tensor index_select(const Tensor& t, std::int64_t dim, const std::vector<std::int64_t>& indices) {
    using namespace detail;
    Impl* x = checked(t, "index_select");
    if (x->shape.rank == 0) throw shape_error("index_select: a 0-dimensional tensor cannot be indexed");
    dim = dim_index(dim, x->shape.rank, "index_select");
    const std::int64_t n = x->shape.dims[dim];
    for (std::int64_t i : indices)
        if (i < 0 || i >= n)
            throw shape_error("index_select: index " + std::to_string(i) + " is out of bounds for dimension " +
                              std::to_string(dim) + " with size " + std::to_string(n));
    Shape out = x->shape;
    out.dims[dim] = std::int64_t(indices.size());
    const std::int64_t C = x->shape.cols(), oc = out.cols();
    const std::int64_t* idx = indices.data();
    return gather("IndexSelectBackward0", out, {x}, [=](std::int64_t k) {
        const std::int64_t r = k / oc, c = k % oc;
        return element_of{0, x->shape.rank == 1 ? idx[k] : (dim == 0 ? idx[r] * C + c : r * C + idx[c])};
    });
}

/// The tensors joined along dim (CatBackward0); all have the same shape except along dim.
inline Tensor cat(const std::vector<Tensor>& ts, std::int64_t dim = 0) {
    using namespace detail;
    if (ts.empty()) throw shape_error("cat(): expected a non-empty list of Tensors");
    if (ts.size() > 255) {  // a node has at most 255 inputs: join in halves
        const auto mid = ts.begin() + std::ptrdiff_t(ts.size() / 2);
        return cat({cat(std::vector<Tensor>(ts.begin(), mid), dim), cat(std::vector<Tensor>(mid, ts.end()), dim)}, dim);
    }
    std::vector<Impl*> in;
    for (const Tensor& t : ts) in.push_back(checked(t, "cat"));
    const Shape& s0 = in[0]->shape;
    if (s0.rank == 0) throw shape_error("cat: zero-dimensional tensor (at position 0) cannot be concatenated");
    dim = dim_index(dim, s0.rank, "cat");
    Shape out = s0;
    out.dims[dim] = 0;
    std::vector<std::int64_t> offset;  // where each input starts along dim
    for (std::size_t j = 0; j < in.size(); ++j) {
        const Shape& s = in[j]->shape;
        if (s.rank != s0.rank || (s0.rank == 2 && s.dims[1 - dim] != s0.dims[1 - dim]))
            throw shape_error("cat: sizes of tensors must match except in dimension " + std::to_string(dim) + ", got " +
                              s0.str() + " and " + s.str() + " (tensor " + std::to_string(j) + ")");
        offset.push_back(out.dims[dim]);
        out.dims[dim] += s.dims[dim];
    }
    const std::int64_t oc = out.cols();
    return gather("CatBackward0", out, in, [&](std::int64_t k) {
        const std::int64_t r = out.rank == 1 ? 0 : k / oc, c = out.rank == 1 ? k : k % oc;
        const std::int64_t along = dim == 0 && out.rank == 2 ? r : c;
        std::size_t j = 0;
        while (j + 1 < offset.size() && offset[j + 1] <= along) ++j;
        const std::int64_t local = along - offset[j], C = in[j]->shape.cols();
        return element_of{j, out.rank == 1 ? local : (dim == 0 ? local * C + c : r * C + local)};
    });
}

/// The tensors (all of one shape) stacked along a new dimension dim (StackBackward0).
inline Tensor stack(const std::vector<Tensor>& ts, std::int64_t dim = 0) {
    if (ts.empty()) throw shape_error("stack expects a non-empty TensorList");
    std::vector<Tensor> parts;
    const detail::Shape& first = detail::checked(ts[0], "stack")->shape;
    for (const Tensor& t : ts) {
        const detail::Shape& s = detail::checked(t, "stack")->shape;
        if (!(s == first))
            throw shape_error("stack expects each tensor to be equal size, but got " + first.str() + " and " + s.str());
        parts.push_back(unsqueeze(t, dim));
    }
    return detail::named(cat(parts, dim), "StackBackward0");
}

/// The sum along a dimension, kept with size 1 when keepdim (SumBackward1).
inline Tensor sum(const Tensor& t, std::int64_t axis, bool keepdim) {
    Tensor r = sum(t, int(axis));
    return keepdim ? detail::named(unsqueeze(r, detail::dim_index(axis, t.dim(), "sum")), "SumBackward1") : r;
}
/// The mean along a dimension, kept with size 1 when keepdim (MeanBackward1).
inline Tensor mean(const Tensor& t, std::int64_t axis, bool keepdim) {
    Tensor r = mean(t, int(axis));
    return keepdim ? detail::named(unsqueeze(r, detail::dim_index(axis, t.dim(), "mean")), "MeanBackward1") : r;
}

/// Element i along the first dimension (SelectBackward0): a row of a matrix, an element of a
/// vector, as `t[i]` in PyTorch.
inline Tensor Tensor::operator[](std::int64_t i) const { return select(*this, 0, i); }
/// The transpose (TransposeBackward0), as `t.t()` in PyTorch.
inline Tensor Tensor::t() const {
    const detail::Impl* x = detail::checked(*this, "t");
    if (x->shape.rank < 2) return detail::reshaped(*this, x->shape, "TBackward0");  // as PyTorch: unchanged
    return detail::named(transpose(*this), "TBackward0");
}
inline Tensor Tensor::to(scalar_type dtype) const {
    using namespace detail;
    Impl* x = checked(*this, "to");
    if (x->dtype == dtype) return *this;
    return gather("ToCopyBackward0", x->shape, {x}, [](std::int64_t k) { return element_of{0, k}; }, dtype);
}
/// reshape(*this, dims) (ViewBackward0).
inline Tensor Tensor::reshape(std::initializer_list<std::int64_t> dims) const { return etgrad::reshape(*this, dims); }
inline Tensor Tensor::view(std::initializer_list<std::int64_t> dims) const { return etgrad::view(*this, dims); }

}  // namespace etgrad
