/// @file nodes.hpp  Records and statements: making and releasing records (on their own thread,
/// or handed back from another), resetting the tape, registering leaves, and writing the flat
/// statements that ops record.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <etgrad/tape/arena.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>

namespace etgrad::detail {

inline void release(Impl* p) noexcept;
inline void release_edge(Impl* p) noexcept;

inline const char* cross_thread_message() {
    return "a Tensor was used on a thread other than the one that made it: a tensor, its graph and its gradient "
           "belong to one thread. To use values on another thread, make a tensor there from them "
           "(from_vector(t.to_vector(), t.shape()))";
}

/// Drops every statement: the records of earlier epochs keep their values but lose their history.
[[gnu::noinline]] inline void reset_tape(ThreadState& s) noexcept {
    s.count = 0;
    s.window = 0;
    s.live = 0;
    s.last_end = nullptr;
    s.last_impl = nullptr;
    ++s.epoch;
    s.tape.reset();
    // count is 0: the releases below cannot start another reset, nor touch these lists
    for (const LeafSlot& l : s.leaves) release(l.leaf);
    s.leaves.clear();
    for (Node* n : s.nodes)
        for (int i = 0; i < n->n_in; ++i) release_edge(std::exchange(n->inputs[i].impl, nullptr));
    s.nodes.clear();
    s.arena.reset();
}

/// Resets the tape once no record of an unfreed statement is alive (backward resets after its pass).
[[gnu::always_inline]] inline void reset_if_unused(ThreadState& s) noexcept {
    if (s.live == 0 && s.count != 0 && !s.in_backward) [[unlikely]]
        reset_tape(s);
}

/// Frees a record's storage and returns it to the pool (no handle and no view is left).
inline void free_record(ThreadState& s, Impl* p) noexcept {
    if (p->owns_heap()) s.buffers.put(p->data, Impl::storage_words(p->numel(), p->dtype), p->dtype == float32);
    s.impls.put(p);
}
/// A view let go of its storage owner.
inline void release_view(Impl* owner) noexcept;

/// A record's statement stops counting as live: no handle can reach it any more (it may still
/// be an input edge of a general node, whose backward reads it).
inline void statement_unreachable(ThreadState& s, Impl* p) noexcept {
    if (p == s.last_impl) s.last_impl = nullptr;
    if (p->role == Role::statement && p->epoch == s.epoch) {
        const std::uint32_t t = stmt::trailer(p->rec_end);
        if ((t & stmt::has_impl) && !(t & stmt::freed)) --s.live;
        stmt::set_trailer(p->rec_end, t & ~stmt::has_impl);
    }
}

/// The last handle to a record went away while general nodes still hold it as an input: its
/// statement is no longer live (the tape may be reset), the record stays for those nodes.
[[gnu::noinline]] inline void last_handle_gone(Impl* p) noexcept {
    ThreadState& s = *p->home;
    statement_unreachable(s, p);
    reset_if_unused(s);
}

/// A record of one element with nothing attached (no view, node, edge or retain_grad), its
/// gradient aside.
[[gnu::always_inline]] inline bool bare_scalar(const Impl* p) noexcept {
    return p->node == nullptr && p->view_refs == 0 && !p->is_view && !p->retains_grad && p->edge_refs == 0 &&
           p->data == &p->local;
}
/// The last ref to a record went away, on its own thread.
[[gnu::noinline]] inline void destroy_slow(Impl* p) noexcept {
    ThreadState& s = *p->home;
    Impl* const g = p->grad;
    if (g && g->refs == 1 && g->grad == nullptr && g->home == &s && bare_scalar(g) && bare_scalar(p) &&
        p->role == Role::plain) [[likely]] {  // a scalar leaf and its gradient, which only it holds
        if (p == s.last_impl) s.last_impl = nullptr;
        s.impls.put(p);
        s.impls.put(g);
        reset_if_unused(s);
        return;
    }
    if (p->edge_refs > 0) {
        last_handle_gone(p);
        return;
    }
    statement_unreachable(s, p);
    if (p->retains_grad) {
        if (p->node && p->epoch == s.epoch) p->node->retains = false;
        auto it = std::find(s.retaining.begin(), s.retaining.end(), p);
        if (it != s.retaining.end()) s.retaining.erase(it);
    }
    p->role = Role::plain;  // its history is gone; views may still read its storage
    p->epoch = 0;
    Impl* grad = std::exchange(p->grad, nullptr);
    Impl* owner = p->is_view ? p->owner : nullptr;
    if (p->view_refs == 0) free_record(s, p);
    release(grad);  // a gradient has no gradient of its own
    if (owner) release_view(owner);  // a storage owner is never a view: no chain
    reset_if_unused(s);
}
/// The common case inline: a bare scalar record without a gradient (a scalar op's result, a
/// number, a leaf before its first backward).
[[gnu::always_inline]] inline void destroy(Impl* p) noexcept {
    ThreadState& s = *p->home;
    Impl* const g = p->grad;
    if (g == nullptr && bare_scalar(p)) [[likely]] {
        if (p == s.last_impl) s.last_impl = nullptr;  // an expression's result, dropped
        if (p->role == Role::statement && p->epoch == s.epoch) {
            const std::uint32_t t = stmt::trailer(p->rec_end);
            s.live -= (t & (stmt::freed | stmt::has_impl)) == stmt::has_impl;
            stmt::set_trailer(p->rec_end, t & ~stmt::has_impl);
        }
        s.impls.put(p);
        reset_if_unused(s);
        return;
    }
    destroy_slow(p);
}
/// A general node let go of an input: when its state's tape is reset (by the thread that owns
/// the state, or under its lock once that thread has ended; a node's inputs share its state).
inline void release_edge(Impl* p) noexcept {
    if (p && --p->edge_refs == 0 && p->refs == 0) destroy_slow(p);
}
inline void release_view(Impl* owner) noexcept {
    if (--owner->view_refs == 0 && owner->refs == 0) free_record(*owner->home, owner);
}

/// Records released on another thread than their own: queued for their thread, or released
/// here if that thread has ended (the last one deletes its state).
[[gnu::noinline]] inline void release_foreign(Impl* p) noexcept {
    ThreadState* h = p->home;
    bool last = false;
    {
        std::lock_guard<std::recursive_mutex> lock(h->remote_mutex);
        if (!h->orphaned) {
            try {
                h->remote.push_back(p);
                h->remote_pending.store(true, std::memory_order_release);
            } catch (...) {  // out of memory: the record leaks rather than corrupt its thread's state
            }
            return;
        }
        ++h->orphan_depth;
        if (--p->refs == 0) destroy_slow(p);
        last = --h->orphan_depth == 0 && h->impls.live == 0;
    }
    if (last) delete h;
}

inline void release(Impl* p) noexcept {
    if (!p) return;
    if (p->home != tls_state) [[unlikely]] {
        release_foreign(p);
        return;
    }
    if (--p->refs == 0) destroy(p);
}

/// Releases, on their own thread, the records other threads handed back.
[[gnu::noinline]] inline void drain_remote(ThreadState& s) noexcept {
    std::vector<Impl*> batch;
    {
        std::lock_guard<std::recursive_mutex> lock(s.remote_mutex);
        batch.swap(s.remote);
        s.remote_pending.store(false, std::memory_order_relaxed);
    }
    for (Impl* p : batch)
        if (--p->refs == 0) destroy_slow(p);
}
inline void drain_remote_if_any(ThreadState& s) noexcept {
    if (s.remote_pending.load(std::memory_order_acquire)) [[unlikely]]
        drain_remote(s);
}

inline void end_of_thread(ThreadState* s) noexcept {
    bool last;
    {
        std::lock_guard<std::recursive_mutex> lock(s->remote_mutex);
        s->orphaned = true;
        ++s->orphan_depth;
        std::vector<Impl*> batch;
        batch.swap(s->remote);
        for (Impl* p : batch)
            if (--p->refs == 0) destroy_slow(p);
        last = --s->orphan_depth == 0 && s->impls.live == 0;
    }
    if (last) delete s;
}

/// A record of this shape and dtype on the calling thread; its storage zeroed unless the caller
/// writes every element.
inline Impl* make_impl(ThreadState& s, const Shape& shape, bool zero = true, scalar_type dtype = float64) {
    Impl* p = s.impls.get();
    p->home = &s;
    p->shape = shape;
    p->dtype = dtype;
    if (dtype == float32) p->local_f32 = 0;  // its one element is a float
    if (shape.numel() > 1) {
        try {
            p->data = s.buffers.get(Impl::storage_words(shape.numel(), dtype), zero, dtype == float32);
        } catch (...) {  // std::bad_alloc: the record goes back to the pool
            s.impls.put(p);
            throw;
        }
    }
    return p;
}
/// A record of one element (its value set by the caller): inline, with no call and no shape.
[[gnu::always_inline]] inline Impl* make_scalar_impl(ThreadState& s, scalar_type dtype = float64) {
    Impl* p = s.impls.get();
    p->home = &s;
    p->dtype = dtype;
    return p;
}
inline Impl* make_impl(const Shape& shape, bool zero = true, scalar_type dtype = float64) {
    return make_impl(state(), shape, zero, dtype);
}
/// A record of this shape sharing of's storage (counted in its storage owner's view_refs).
inline Impl* make_view(ThreadState& s, Impl* of, const Shape& shape) {
    Impl* owner = of->storage_owner();
    Impl* d = make_impl(s, Shape::scalar(), false, of->dtype);
    d->shape = shape;
    d->data = owner->data;
    d->is_view = true;
    d->owner = owner;
    ++owner->view_refs;
    return d;
}

// ---- statements ----

[[noreturn]] inline void tape_full() {
    throw autograd_error("etgrad: the tape holds 2^32 - 1 statements, its limit: call backward() or drop tensors "
                         "that hold graphs, so that it can be reset");
}
/// The next index; `end` is where its statement ends.
inline std::uint32_t add_statement(ThreadState& s, char* end) {
    if (s.count == std::numeric_limits<std::uint32_t>::max()) tape_full();
    s.last_end = end;
    s.last_impl = nullptr;
    return s.count++;
}

/// A leaf's index on the tape: its registration in this epoch, made now if it has none (or an
/// old one, below the window: a new step's graph then stays among the new statements).
/// (The caller has checked that the leaf is this thread's.)
[[gnu::always_inline]] inline std::uint32_t register_leaf(ThreadState& s, Impl* leaf) {
    if (s.leaves.size() == s.leaves.capacity()) s.leaves.reserve(s.leaves.size() * 2 + 16);
    char* at = s.tape.room(8);
    stmt::set_trailer(at + 8, stmt::leaf);
    s.tape.cursor = at + 8;
    const std::uint32_t i = add_statement(s, at + 8);
    s.leaves.push_back({leaf, i});  // capacity reserved above: cannot throw
    ++leaf->refs;
    leaf->epoch = s.epoch;
    leaf->index = i;
    return i;
}
/// A stand-in for history that is gone: backward through it throws.
[[gnu::noinline]] inline std::uint32_t dead_statement(ThreadState& s) {
    char* at = s.tape.room(8);
    stmt::set_trailer(at + 8, stmt::dead | stmt::freed);
    s.tape.cursor = at + 8;
    return add_statement(s, at + 8);
}
/// The index an active operand already has in this epoch, if it has one (false: it needs a
/// registration, a stand-in, or belongs to another thread).
[[gnu::always_inline]] inline bool known_index(const ThreadState& s, const Impl* p, std::uint32_t& index) noexcept {
    if (p->home != &s || p->epoch != s.epoch) return false;
    if (p->role == Role::plain && p->index < s.window) return false;
    index = p->index;
    return true;
}
[[gnu::noinline]] inline std::uint32_t new_operand_index(ThreadState& s, Impl* p) {
    if (p->home != &s) throw autograd_error(cross_thread_message());
    return p->role == Role::plain ? register_leaf(s, p) : dead_statement(s);
}
/// The index an active operand (a record that requires grad) is recorded under.
[[gnu::always_inline]] inline std::uint32_t operand_index(ThreadState& s, Impl* p) {
    std::uint32_t i;
    if (known_index(s, p, i)) [[likely]]
        return i;
    return new_operand_index(s, p);
}

/// Makes `out` the record of the statement just written (index i, ending at end).
inline void attach(ThreadState& s, Impl* out, const char* name, std::uint32_t i, char* end) noexcept {
    out->role = Role::statement;
    out->requires_grad = true;
    out->name = name;
    out->epoch = s.epoch;
    out->index = i;
    out->rec_end = end;
    out->block = s.tape.current;
    stmt::set_trailer(end, stmt::trailer(end) | stmt::has_impl);
    ++s.live;
}

/// A general node with n_in inputs, each with `elements` partials, and (beyond one element) its
/// adjoint: one arena allocation; and its statement.
inline Node* make_node(ThreadState& s, const Shape& out, int n_in, std::int64_t elements, std::uint32_t* index,
                       char** end) {
    if (s.nodes.size() == s.nodes.capacity()) s.nodes.reserve(s.nodes.size() * 2 + 16);
    const std::int64_t m = out.numel();
    const std::size_t bytes = sizeof(Node) + sizeof(Input) * std::size_t(n_in) +
                              sizeof(double) * std::size_t(elements * n_in + (m > 1 ? m : 0));
    char* mem = static_cast<char*>(s.arena.alloc(bytes));
    char* at = s.tape.room(16);
    Node* n = new (mem) Node;
    n->out_shape = out;
    n->n_in = std::uint8_t(n_in);
    n->inputs = reinterpret_cast<Input*>(mem + sizeof(Node));
    double* partials = reinterpret_cast<double*>(mem + sizeof(Node) + sizeof(Input) * std::size_t(n_in));
    for (int i = 0; i < n_in; ++i) new (n->inputs + i) Input{nullptr, partials + i * elements, 1, 1, 0, 0};
    n->adj = &n->adj_local;
    if (m > 1) n->adj = partials + elements * n_in;  // not zeroed: adj_fresh
    std::memcpy(at, &n, sizeof n);
    stmt::set_trailer(at + 16, stmt::general);
    s.tape.cursor = at + 16;
    *index = add_statement(s, at + 16);
    *end = at + 16;
    s.nodes.push_back(n);  // capacity reserved above: cannot throw
    return n;
}

/// Sets input i of a node to the record p (a counted ref) recorded under `index` (no_index:
/// an input the node reads but does not differentiate).
inline constexpr std::uint32_t no_index = std::numeric_limits<std::uint32_t>::max();
inline void set_input(ThreadState&, Node* n, int i, Impl* p, std::uint32_t index) noexcept {
    Input& in = n->inputs[i];
    in.index = index;
    in.impl = p;
    ++p->edge_refs;
    in.rows = p->shape.rows();
    in.cols = p->shape.cols();
    in.version = p->storage_owner()->version;
}

}  // namespace etgrad::detail
