/// @file backward.hpp  backward(): one reverse pass over the thread's tape (nodes in creation
/// order, a topological order), skipping nodes the root does not reach; each reached node's
/// adjoint times its partials flows into its inputs, then the node is freed unless the graph is
/// retained.
#pragma once
#include <cstdint>
#include <string>

#include <etgrad/tape/arena.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {

namespace detail {

inline Impl* ensure_grad(Impl* leaf) {
    if (!leaf->grad) leaf->grad = make_impl(leaf->shape);
    return leaf->grad;
}

/// Adds this node's adjoint times its partials into its inputs' adjoints (or leaf gradients):
/// any kind, any shape.
[[gnu::noinline]] inline void propagate_general(Node* n) {
    const NodeExt& e = *n->ext();
    const std::int64_t m = e.out_shape.numel();
    for (int i = 0; i < n->n_in; ++i) {
        Input& in = n->inputs()[i];
        Impl* x = in.impl;
        if (!x || !x->requires_grad) continue;
        double* target;
        if (x->grad_fn) {
            Node* up = x->grad_fn;
            up->touched = true;
            target = up->adj();
        } else {
            target = ensure_grad(x)->data;
        }
        switch (n->kind) {
            case Kind::scalar:  // not reached: run_backward gives scalar nodes to propagate_scalar
                break;
            case Kind::elementwise:
                if (m == 1) {
                    target[0] += in.partial[0] * n->adj()[0];
                } else {
                    const std::int64_t R = e.out_shape.rows(), C = e.out_shape.cols();
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t c = 0; c < C; ++c) {
                            const std::int64_t k = r * C + c;
                            const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                            target[j] += in.partial[k] * n->adj()[k];
                        }
                }
                break;
            case Kind::mean_elementwise: {
                const std::int64_t R = e.elem_rows, C = e.elem_cols;
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c) {
                        const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                        target[j] += in.partial[r * C + c] * n->adj()[0];
                    }
                break;
            }
            case Kind::reduce_all:
                for (std::int64_t j = 0; j < x->numel(); ++j) target[j] += e.scale * n->adj()[0];
                break;
            case Kind::reduce_axis: {
                const std::int64_t R = x->shape.rows(), C = x->shape.cols();
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c)
                        target[r * C + c] += e.scale * n->adj()[e.axis == 0 ? c : r];
                break;
            }
            case Kind::matmul: {
                // out (R x P) = A (R x M) B (M x P): dA = adj B^T, dB = A^T adj
                const Input* io = n->inputs();
                const Impl* A = io[0].impl;
                const Impl* B = io[1].impl;
                const std::int64_t R = io[0].rows, M = io[0].cols, P = io[1].cols;
                if (i == 0) {
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t k = 0; k < M; ++k) {
                            double acc = 0;
                            for (std::int64_t p = 0; p < P; ++p) acc += n->adj()[r * P + p] * B->data[k * P + p];
                            target[r * M + k] += acc;
                        }
                } else {  // row by row through A (a long (N, d) matrix is read once, in order)
                    const double* adj = n->adj();
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t k = 0; k < M; ++k) {
                            const double a = A->data[r * M + k];
                            for (std::int64_t p = 0; p < P; ++p) target[k * P + p] += a * adj[r * P + p];
                        }
                }
                break;
            }
        }
    }
}

inline const char* freed_graph_message() {
    return "Trying to backward through the graph a second time (or directly access saved tensors after they have "
           "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
           "autograd.grad(). Specify retain_graph=True (t.backward(etgrad::retain_graph)) if you need to backward "
           "through the graph a second time or if you need to access saved tensors after calling backward.";
}

}  // namespace detail

inline void Tensor::run_backward(const Tensor* gradient, bool retain) {
    using namespace detail;
    check_defined("backward()");
    if (!p_->requires_grad)
        throw autograd_error("element 0 of tensors does not require grad and does not have a grad_fn");
    if (!gradient && p_->numel() != 1) throw autograd_error("grad can be implicitly created only for scalar outputs");
    if (gradient && (!gradient->defined() || !(gradient->p_->shape == p_->shape)))
        throw shape_error("backward(gradient): the gradient's shape " +
                          (gradient->defined() ? gradient->p_->shape.str() : std::string("(undefined)")) +
                          " does not match the tensor's shape " + p_->shape.str());
    const std::int64_t m = p_->numel();
    if (!p_->grad_fn) {  // a leaf: its gradient is the seed itself
        double* g = ensure_grad(p_)->data;
        for (std::int64_t k = 0; k < m; ++k) g[k] += gradient ? gradient->p_->data[k] : 1.0;
        return;
    }
    Node* root = p_->grad_fn;
    if (root->freed) throw autograd_error(freed_graph_message());
    ThreadState& s = state();
    for (std::int64_t k = 0; k < m; ++k) root->adj()[k] += gradient ? gradient->p_->data[k] : 1.0;
    root->touched = true;
    // The tape is in creation order, a topological order: one reverse pass visits every node
    // after all of its consumers, so each node's adjoint is complete when it is reached; it is
    // then propagated, cleared and (without retain_graph) the node is freed.
    for (Node* n = root; n; n = n->prev) {
        if (!n->touched) continue;
        if (n->freed) {
            for (Node* t = n; t; t = t->prev) {  // leave the tape as it was found
                if (!t->touched) continue;
                t->touched = false;
                for (std::int64_t k = 0; k < t->numel(); ++k) t->adj()[k] = 0;
                if (t->orphaned) {  // died while pending: free it now
                    free_graph_node(t);
                    --s.live_nodes;
                }
            }
            throw autograd_error(freed_graph_message());
        }
        if (n->retains_output_grad) {
            double* g = ensure_grad(n->output())->data;
            for (std::int64_t k = 0; k < n->numel(); ++k) g[k] += n->adj()[k];
        }
        n->touched = false;
        const bool free_now = !retain || n->orphaned;
        if (n->kind == Kind::scalar) {  // the op-by-op hot path: propagate and free in one loop
            const double a = n->adj_local;
            n->adj_local = 0;
            ScalarInput* in = n->scalar_inputs();
            for (int j = 0, e = n->n_in; j < e; ++j) {
                Impl* x = in[j].impl;
                const double c = in[j].partial * a;
                if (Node* up = x->grad_fn) {
                    up->touched = true;
                    up->adj_local += c;
                } else if (x->requires_grad) {  // a leaf may have stopped requiring grad since
                    ensure_grad(x)->data[0] += c;
                }
                if (free_now) {
                    in[j].impl = nullptr;
                    release(x);
                }
            }
            n->freed = free_now;
            if (n->orphaned) --s.live_nodes;  // not zero: the root is still held by *this
            continue;
        }
        propagate_general(n);
        for (std::int64_t k = 0; k < n->numel(); ++k) n->adj()[k] = 0;
        if (n->orphaned) {  // its last holder let go during this pass
            free_graph_node(n);
            --s.live_nodes;  // not zero: the root is still held by *this
        } else if (!retain) {
            free_graph_node(n);
        }
    }
}

}  // namespace etgrad
