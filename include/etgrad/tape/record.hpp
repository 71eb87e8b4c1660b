/// @file record.hpp  Recording an elementwise op on tensors: operands (tensors or numbers),
/// PyTorch's broadcasting among ranks 0, 1 and 2, and one node per op holding each element's
/// partials, computed by a function of the elements (an op's rule, or a static statement).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/math/sum.hpp>
#include <etgrad/tape/arena.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::detail {

/// An operand of an elementwise op: a tensor, or a number broadcast everywhere.
struct tape_operand {
    const double* data = nullptr;  // null for a number
    double number = 0;
    Shape shape;
    Impl* impl = nullptr;
    double at(std::int64_t r, std::int64_t c) const noexcept {
        if (!data) return number;
        const std::int64_t R = shape.rows(), C = shape.cols();
        return data[(R == 1 ? 0 : r) * C + (C == 1 ? 0 : c)];
    }
    bool active() const noexcept { return impl && impl->requires_grad; }
};
inline tape_operand operand_of(const Tensor& t) {
    Impl* p = tensor_access::impl(t);
    if (!p) throw autograd_error("an undefined Tensor (such as an absent grad()) was used in an op");
    return {p->data, 0, p->shape, p};
}
template <class A>
    requires arithmetic<A>
tape_operand operand_of(const A& a) {
    return {nullptr, double(a), Shape::scalar(), nullptr};
}

/// PyTorch's broadcasting for ranks 0, 1, 2 (dimensions aligned on the right).
template <std::size_t N>
Shape broadcast(const tape_operand (&v)[N]) {
    Shape out;
    for (const tape_operand& o : v)
        if (o.data && o.shape.rank > out.rank) out.rank = o.shape.rank;
    out.dims[0] = out.dims[1] = 1;
    // second pass: every operand must match out or be 1 in each (right-aligned) dimension
    for (const tape_operand& o : v) {
        if (!o.data) continue;
        for (int d = 0; d < o.shape.rank; ++d) {
            const int od = out.rank - o.shape.rank + d;
            const std::int64_t a = out.dims[od], b = o.shape.dims[d];
            if (a == b || b == 1) continue;
            if (a == 1) {
                out.dims[od] = b;
                continue;
            }
            std::string shapes;
            for (const tape_operand& q : v)
                if (q.data) shapes += (shapes.empty() ? "" : " and ") + q.shape.str();
            throw shape_error("The size of tensor a (" + std::to_string(a) + ") must match the size of tensor b (" +
                              std::to_string(b) + ") at non-singleton dimension " + std::to_string(od) +
                              " (shapes " + shapes + ")");
        }
    }
    return out;
}

/// A scalar result without history.
inline Tensor plain_scalar(double y) {
    Impl* out = state().new_impl();
    out->local = y;
    return tensor_access::adopt(out);
}
/// Unrolled by hand: constant indices let the compiler keep the operand arrays in registers.
template <std::size_t N, std::size_t... I>
[[gnu::always_inline]] inline void fill_scalar_inputs(ScalarInput* in, Impl* const (&impls)[N], const bool (&mask)[N],
                                                      const double (&partials)[N], std::index_sequence<I...>) {
    ((mask[I] ? (++impls[I]->refs, void(*in++ = {impls[I], partials[I]})) : void()), ...);
}
/// A scalar result with history: a scalar node with the active operands and their partials,
/// its output record beside it. Inlined into its caller, so that the operand arrays stay in
/// registers: read back from the stack after the node's stores, they stalled on 4 KiB aliasing
/// with the arena for some stack placements (up to 1.5x slower per process, by ASLR's draw).
template <std::size_t N>
[[gnu::always_inline]] inline Tensor scalar_result(const char* name, double y, Impl* const (&impls)[N], const bool (&mask)[N],
                     const double (&partials)[N], int n_active) {
    Node* node = make_scalar_node(name, n_active);
    fill_scalar_inputs(node->scalar_inputs(), impls, mask, partials, std::make_index_sequence<N>{});
    node->output()->local = y;
    return tensor_access::adopt(node->output());
}

/// The scalar case of record() (a static statement on scalar tensors): no shapes, no loops.
template <std::size_t N, class Fn>
Tensor record_scalar(const char* name, const tape_operand (&v)[N], Fn fn) {
    double values[N]{};
    double partials[N]{};
    bool mask[N]{};
    Impl* impls[N]{};
    int n_active = 0;
    const bool recording = grad_enabled();
    for (std::size_t i = 0; i < N; ++i) {
        values[i] = v[i].data ? v[i].data[0] : v[i].number;
        mask[i] = recording && v[i].active();
        impls[i] = v[i].impl;
        n_active += mask[i];
    }
    const double y = fn(values, partials, mask);
    if (n_active == 0) return plain_scalar(y);
    return scalar_result(name, y, impls, mask, partials, n_active);
}

template <std::size_t N, class Fn>
Tensor record(const char* name, const tape_operand (&v)[N], Fn fn, bool mean = false) {
    bool all_scalar = true;
    for (const tape_operand& o : v) all_scalar = all_scalar && o.shape.rank == 0;
    if (all_scalar) return record_scalar(name, v, fn);
    const Shape bshape = broadcast(v);
    const std::int64_t R = bshape.rows(), C = bshape.cols(), E = R * C;
    int active[N];
    int n_active = 0;
    bool mask[N];
    const bool recording = grad_enabled();
    for (std::size_t i = 0; i < N; ++i) {
        mask[i] = recording && v[i].active();
        if (mask[i]) active[n_active++] = int(i);
    }
    const Shape out_shape = mean ? Shape::scalar() : bshape;
    Impl* out = make_impl(out_shape, false);  // every element is written below
    Tensor result = tensor_access::adopt(out);
    Node* node = nullptr;
    if (n_active > 0) {
        node = make_node(name, out_shape, n_active, E);
        node->kind = mean ? Kind::mean_elementwise : Kind::elementwise;
        node->ext()->elem_rows = R;
        node->ext()->elem_cols = C;
        for (int j = 0; j < n_active; ++j) {
            Input& in = node->inputs()[j];
            in.impl = v[active[j]].impl;
            retain(in.impl);
            in.rows = v[active[j]].shape.rows();
            in.cols = v[active[j]].shape.cols();
        }
    }
    double values[N > 0 ? N : 1]{};
    double partials[N > 0 ? N : 1]{};
    cascade_sum<double> total;
    const double scale = mean ? 1.0 / double(E) : 1.0;
    // Operands are read through a stride: 1 for a tensor of the broadcast shape, 0 for a number
    // or a scalar tensor; anything else (a row or column broadcast) takes the general path.
    std::int64_t stride[N > 0 ? N : 1]{};
    bool contiguous = true;
    for (std::size_t i = 0; i < N; ++i) {
        if (!v[i].data || v[i].shape.numel() == 1) stride[i] = 0;
        else if (v[i].shape.rows() == R && v[i].shape.cols() == C) stride[i] = 1;
        else contiguous = false;
    }
    double* partial_out[N > 0 ? N : 1]{};  // by operand (null: inactive)
    for (int j = 0; j < n_active; ++j) partial_out[active[j]] = node->inputs()[j].partial;
    auto element = [&](std::int64_t k) {
        const double y = fn(values, partials, mask);
        if (mean) total.add(y);
        else out->data[k] = y;
        // constant indices (N is a constant): the arrays can live in registers, not on the stack
        for (std::size_t i = 0; i < N; ++i)
            if (mask[i]) partial_out[i][k] = partials[i] * scale;
    };
    if (contiguous) {
        for (std::int64_t k = 0; k < E; ++k) {
            for (std::size_t i = 0; i < N; ++i) values[i] = v[i].data ? v[i].data[k * stride[i]] : v[i].number;
            element(k);
        }
    } else {
        for (std::int64_t r = 0; r < R; ++r)
            for (std::int64_t c = 0; c < C; ++c) {
                for (std::size_t i = 0; i < N; ++i) values[i] = v[i].at(r, c);
                element(r * C + c);
            }
    }
    if (mean) out->data[0] = total.total() * scale;
    if (node) {
        out->requires_grad = true;
        out->grad_fn = node;  // the node's initial ref
        node->ext()->output = out;
    }
    return result;
}

}  // namespace etgrad::detail
