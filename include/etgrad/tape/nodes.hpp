/// @file nodes.hpp  Making and releasing records and nodes: reference counts on records, a
/// node freed when its output record dies (iteratively, so a graph of any depth is freed in
/// constant stack), and the one-allocation layouts of scalar and general nodes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>

#include <etgrad/tape/arena.hpp>
#include <etgrad/tape/records.hpp>

namespace etgrad::detail {

inline void release(Impl* p) noexcept;
inline void release(Node* n) noexcept;

inline void retain(Impl* p) noexcept {
    if (p) ++p->refs;
}

/// Drops what a node holds for backward: its input refs. It stays readable as "freed".
inline void free_graph_node(Node* n) noexcept {
    if (n->freed) return;
    n->freed = true;
    for (int i = 0; i < n->n_in; ++i) {
        Impl* in;
        if (n->kind == Kind::scalar) {
            in = n->scalar_inputs()[i].impl;
            n->scalar_inputs()[i].impl = nullptr;
        } else {
            in = n->inputs()[i].impl;
            n->inputs()[i].impl = nullptr;
        }
        release(in);
    }
}

/// Releasing a node releases its inputs, which may release their nodes: done with a work list,
/// not recursion, so a graph of any depth (a 10,000-step loop) is freed in constant stack.
[[gnu::noinline]] inline void release_dead(Node* n) noexcept {
    ThreadState& s = state();
    if (n->freed) {  // backward already dropped its inputs: nothing to cascade
        if (--s.live_nodes == 0 && !s.releasing) s.reset_arena();
        return;
    }
    s.dying.push_back(n);
    if (s.releasing) return;
    s.releasing = true;
    while (!s.dying.empty()) {
        Node* d = s.dying.back();
        s.dying.pop_back();
        free_graph_node(d);
        if (--s.live_nodes == 0) s.reset_arena();
    }
    s.releasing = false;
}
/// The output record let go of its node.
inline void release(Node* n) noexcept {
    if (!n) return;
    n->orphaned = true;
    if (n->touched) return;  // pending in the running backward, which frees it after using it
    release_dead(n);
}

/// The last ref to a record went away.
inline void destroy(Impl* p) noexcept {
    Node* g = p->grad_fn;
    const bool beside_its_node = g && g->kind == Kind::scalar;  // read before g may be released
    if (g) {
        g->retains_output_grad = false;  // nothing to retain into any more
        release(g);
    }
    if (p->grad) release(p->grad);
    if (beside_its_node) return;  // a scalar op's output: no storage of its own, memory goes with its node
    if (p->owns_heap()) state().free_doubles(p->data, std::size_t(p->numel()));
    else if (p->is_view) release(p->owner);
    state().free_impl(p);
}
inline void release(Impl* p) noexcept {
    if (p && --p->refs == 0) destroy(p);
}

/// A record of this shape; its storage zeroed unless the caller writes every element.
inline Impl* make_impl(const Shape& shape, bool zero = true) {
    ThreadState& s = state();
    Impl* p = s.new_impl();
    p->shape = shape;
    if (shape.numel() > 1) {
        try {
            p->data = s.alloc_doubles(std::size_t(shape.numel()), zero);
        } catch (...) {  // std::bad_alloc: the record goes back to the pool
            s.free_impl(p);
            throw;
        }
    }
    return p;
}

inline void push_node(ThreadState& s, Node* n) {
    n->prev = s.last;
    s.last = n;
    ++s.live_nodes;
}

/// A node with n_in inputs, each with `elements` partials (the broadcast shape's size): one
/// arena allocation holds the node, its NodeExt, its inputs, its partials and (beyond a
/// scalar) its adjoint.
inline Node* make_node(const char* name, const Shape& out, int n_in, std::int64_t elements) {
    ThreadState& s = state();
    const std::int64_t m = out.numel();
    constexpr std::size_t head = sizeof(Node) + sizeof(NodeExt);
    const std::size_t bytes =
        head + sizeof(Input) * std::size_t(n_in) + sizeof(double) * std::size_t(elements * n_in + (m > 1 ? m : 0));
    char* mem = static_cast<char*>(s.arena_alloc(bytes));
    Node* n = new (mem) Node;
    NodeExt* e = new (mem + sizeof(Node)) NodeExt;
    e->out_shape = out;
    n->kind = Kind::elementwise;
    n->name = name;
    n->n_in = std::uint8_t(n_in);
    double* partials = reinterpret_cast<double*>(mem + head + sizeof(Input) * std::size_t(n_in));
    for (int i = 0; i < n_in; ++i) new (n->inputs() + i) Input{nullptr, partials + i * elements, 1, 1};
    e->adj = &n->adj_local;
    if (m > 1) {
        e->adj = partials + elements * n_in;
        for (std::int64_t k = 0; k < m; ++k) e->adj[k] = 0;
    }
    push_node(s, n);
    return n;
}

/// A scalar op's node, its output record (requiring grad, grad_fn set) right behind it and room
/// for n_in ScalarInputs: one arena allocation.
[[gnu::always_inline]] inline Node* make_scalar_node(const char* name, int n_in) {
    ThreadState& s = state();
    constexpr std::size_t head = sizeof(Node) + sizeof(Impl);
    char* mem = static_cast<char*>(s.arena_alloc(head + sizeof(ScalarInput) * std::size_t(n_in)));
    Node* n = new (mem) Node;
    Impl* out = new (mem + sizeof(Node)) Impl;
    out->requires_grad = true;
    out->grad_fn = n;
    n->name = name;
    n->n_in = std::uint8_t(n_in);
    push_node(s, n);
    return n;
}

}  // namespace etgrad::detail
