/// @file propagate.hpp  The reverse step of a general node (an op on whole tensors): its
/// output's adjoint times its partials, added into each input's adjoint with broadcasting undone.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <etgrad/tape/kernels.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>

namespace etgrad::detail {

inline const char* freed_graph_message() {
    return "Trying to backward through the graph a second time (or directly access saved tensors after they have "
           "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
           "autograd.grad(). Specify retain_graph=True (t.backward(etgrad::retain_graph)) if you need to backward "
           "through the graph a second time or if you need to access saved tensors after calling backward.";
}

/// The first leaf registration at or above an index (registrations are in index order).
inline std::vector<LeafSlot>::iterator first_leaf_from(ThreadState& s, std::uint32_t index) noexcept {
    if (s.leaves.empty() || s.leaves.front().index >= index) return s.leaves.begin();  // a pass to the bottom
    return std::lower_bound(s.leaves.begin(), s.leaves.end(), index,
                            [](const LeafSlot& l, std::uint32_t i) { return l.index < i; });
}
/// A leaf's registration by its index.
inline LeafSlot& leaf_slot_at(ThreadState& s, std::uint32_t index) noexcept { return *first_leaf_from(s, index); }

/// Where a node adds into an input's adjoint: the tape's adjoint vector for one element, the
/// input's node for a recorded tensor, a staging buffer for a leaf (committed after the pass);
/// null for history that is gone (the pass throws when it reaches it). fresh: the flag of a
/// buffer that holds nothing of this pass yet (its first writer stores instead of adding, so no
/// buffer is zeroed beforehand); null for the tape's adjoint vector, which is kept zero.
/// node: the general node whose adjoint the target is (null for a leaf's staging buffer).
struct adjoint_ref {
    double* target;
    bool* fresh;
    Node* node = nullptr;
};
inline adjoint_ref adjoint_target(ThreadState& s, const Input& in) {
    Impl* x = in.impl;
    if (x->numel() == 1) return {&s.adj[in.index], nullptr};
    if (x->role == Role::statement)
        return x->epoch == s.epoch ? adjoint_ref{x->node->adj, &x->node->adj_fresh, x->node}
                                   : adjoint_ref{nullptr, nullptr};
    if (x->epoch != s.epoch) return {nullptr, nullptr};
    LeafSlot& slot = leaf_slot_at(s, in.index);
    if (!slot.stage) {
        slot.stage = static_cast<double*>(s.arena.alloc(std::size_t(x->numel()) * sizeof(double)));
        slot.fresh = true;
    }
    return {slot.stage, &slot.fresh};
}

/// A uniform adjoint (every element adj[0]) written out element by element.
inline void spread_uniform(Node* n) noexcept {
    if (!n->adj_uniform) return;
    std::fill(n->adj + 1, n->adj + n->numel(), n->adj[0]);
    n->adj_uniform = false;
}

[[noreturn]] inline void modified_in_place(const Input& in) {
    throw autograd_error("one of the variables needed for gradient computation has been modified by an inplace "
                         "operation: a tensor of shape " +
                         in.impl->shape.str() + " is at version " + std::to_string(in.impl->storage_owner()->version) +
                         "; expected version " + std::to_string(in.version) + " instead.");
}

/// matmul's reverse step for input i of out (R x P) = A (R x M) B (M x P): dA = adj B^T,
/// dB = A^T adj.
inline void matmul_backward(const double* A, const double* B, const Input* io, int i, const double* adj,
                            double* target) {
    const std::int64_t R = io[0].rows, M = io[0].cols, P = io[1].cols;
    if (i == 0) matmul_grad_a_kernel(adj, B, target, R, M, P);
    else matmul_grad_b_kernel(A, adj, target, R, M, P);
}
/// With a float32 operand: its values as doubles first.
[[gnu::noinline]] inline void matmul_backward_converted(const Input* io, int i, const double* adj, double* target) {
    const as_doubles a(io[0].impl), b(io[1].impl);
    matmul_backward(a.data(), b.data(), io, i, adj, target);
}
inline void matmul_backward(const Input* io, int i, const double* adj, double* target) {
    if (io[0].impl->dtype == float32 || io[1].impl->dtype == float32)
        matmul_backward_converted(io, i, adj, target);
    else
        matmul_backward(io[0].impl->data, io[1].impl->data, io, i, adj, target);
}

/// target[k] = (or +=) part[k] * adj[k] for k < m, for an input of the node's shape; uniform:
/// every adj[k] is adj[0].
inline void same_shape_backward(double* __restrict target, const double* __restrict part,
                                const double* __restrict adj, std::int64_t m, bool assign, bool uniform) noexcept {
    if (uniform) {
        const double a = adj[0];
        if (assign)
            for (std::int64_t k = 0; k < m; ++k) target[k] = part[k] * a;
        else
            for (std::int64_t k = 0; k < m; ++k) target[k] += part[k] * a;
    } else if (assign) {
        for (std::int64_t k = 0; k < m; ++k) target[k] = part[k] * adj[k];
    } else {
        for (std::int64_t k = 0; k < m; ++k) target[k] += part[k] * adj[k];
    }
}

/// An elementwise node's reverse step for one input of shape (in.rows, in.cols) broadcast to
/// (R, C): target[j] += partial[k] * adj[k] summed over the elements k that read element j (=
/// where assign: the same shape, target fresh). The common layouts (the same shape, a row
/// broadcast down the rows) run contiguous loops. uniform: every adj[k] is adj[0] (the same
/// shape only).
inline void elementwise_backward(const Input& in, const double* __restrict adj, double* __restrict target,
                                 std::int64_t R, std::int64_t C, bool assign, bool uniform) noexcept {
    const double* __restrict part = in.partial;
    if (uniform || (in.rows == R && in.cols == C)) {
        same_shape_backward(target, part, adj, R * C, assign, uniform);
    } else if (in.rows == 1 && in.cols == C) {
        for (std::int64_t r = 0; r < R; ++r)
            for (std::int64_t c = 0; c < C; ++c) target[c] += part[r * C + c] * adj[r * C + c];
    } else {
        for (std::int64_t r = 0; r < R; ++r)
            for (std::int64_t c = 0; c < C; ++c) {
                const std::int64_t k = r * C + c;
                const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                target[j] += part[k] * adj[k];
            }
    }
}

/// elementwise_backward for a node that recomputes its partials (Node::recompute), run by run.
inline void recomputed_backward(const Node& n, const Input& in, const double* __restrict adj,
                                double* __restrict target, bool assign, bool uniform) {
    constexpr std::int64_t run = 256;
    const std::int64_t R = n.out_shape.rows(), C = n.out_shape.cols(), E = R * C;
    const bool same = in.rows == R && in.cols == C, one = in.rows * in.cols == 1;
    double part[run];
    double acc = 0;  // an input of one element: summed over the runs
    for (std::int64_t k0 = 0; k0 < E; k0 += run) {
        const std::int64_t m = std::min(run, E - k0);
        n.recompute(n, in.operand, k0, m, part);
        const double* __restrict a = adj + k0;
        if (same) {
            same_shape_backward(target + k0, part, uniform ? adj : a, m, assign, uniform);
        } else if (one) {
            for (std::int64_t j = 0; j < m; ++j) acc += part[j] * a[j];
        } else {
            for (std::int64_t j = 0; j < m; ++j) {
                const std::int64_t k = k0 + j, r = k / C, c = k % C;
                target[(in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c)] += part[j] * a[j];
            }
        }
    }
    if (one) target[0] += acc;
}

/// Adds the node's adjoint (`adj`) times its partials into its inputs' adjoints, marking each
/// input reached; `low` follows the lowest index reached.
[[gnu::noinline]] inline void propagate_general(ThreadState& s, Node* n, const double* adj, std::uint32_t& low) {
    if (n->kind == Kind::matmul || n->reads_values)  // the nodes that read their inputs' values back
        for (int i = 0; i < n->n_in; ++i)
            if (n->inputs[i].impl->storage_owner()->version != n->inputs[i].version) modified_in_place(n->inputs[i]);
    const std::int64_t m = n->numel();
    if (n->adj_uniform) {  // read as one value by the same-shape elementwise step only
        bool same = n->kind == Kind::elementwise;
        for (int i = 0; i < n->n_in; ++i)
            same = same && (n->inputs[i].index == no_index ||
                            (n->inputs[i].rows == n->out_shape.rows() && n->inputs[i].cols == n->out_shape.cols()));
        if (!same) spread_uniform(n);
    }
    const bool uniform = n->adj_uniform;
    for (int i = 0; i < n->n_in; ++i) {
        Input& in = n->inputs[i];
        if (in.index == no_index) continue;
        s.reached[in.index] = reach::yes;
        low = std::min(low, in.index);
        const auto [target, fresh, target_node] = adjoint_target(s, in);
        if (!target) continue;
        const Impl* x = in.impl;
        // a fresh target is stored where this step writes each of its elements once, else zeroed
        const bool whole = (n->kind == Kind::elementwise && in.rows == n->out_shape.rows() &&
                            in.cols == n->out_shape.cols()) ||
                           n->kind == Kind::reduce_all;
        const bool assign = fresh && *fresh && whole;
        if (fresh && *fresh && !whole) std::fill(target, target + x->numel(), 0.0);
        if (target_node) {  // added into below: its elements first; stored: not uniform unless a sum's
            if (!assign) spread_uniform(target_node);
            target_node->adj_uniform = false;
        }
        if (fresh) *fresh = false;
        switch (n->kind) {
            case Kind::elementwise:
                if (n->recompute) recomputed_backward(*n, in, adj, target, assign, uniform);
                else elementwise_backward(in, adj, target, n->out_shape.rows(), n->out_shape.cols(), assign, uniform);
                break;
            case Kind::mean_elementwise: {
                const std::int64_t R = n->elem_rows, C = n->elem_cols;
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c) {
                        const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                        target[j] += in.partial[r * C + c] * adj[0];
                    }
                break;
            }
            case Kind::reduce_all:
                if (assign && target_node) {  // one value, spread when an element is needed
                    target[0] = n->scale * adj[0];
                    target_node->adj_uniform = true;
                } else if (assign)
                    for (std::int64_t j = 0; j < x->numel(); ++j) target[j] = n->scale * adj[0];
                else
                    for (std::int64_t j = 0; j < x->numel(); ++j) target[j] += n->scale * adj[0];
                break;
            case Kind::reduce_axis: {
                const std::int64_t R = x->shape.rows(), C = x->shape.cols();
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c) target[r * C + c] += n->scale * adj[n->axis == 0 ? c : r];
                break;
            }
            case Kind::gather: {
                const std::int64_t* map = gather_map(in);
                for (std::int64_t k = 0; k < m; ++k)
                    if (map[k] >= 0) target[map[k]] += adj[k];
                break;
            }
            case Kind::matmul:
                matmul_backward(n->inputs, i, adj, target);
                break;
        }
    }
}

}  // namespace etgrad::detail
