/// @file backward.hpp  backward(): one reverse pass over the flat tape, from the root's statement
/// down to the lowest statement it reaches. Statements are in creation order, a topological
/// order, so each adjoint is complete when its statement is reached; unreached statements are
/// skipped. Leaves' gradients (and retained ones) are staged during the pass and added only once
/// it has succeeded: an exception (a freed graph, a tensor modified in place, std::bad_alloc)
/// leaves every gradient and the tape as they were (the strong guarantee).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/propagate.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {

namespace detail {

/// One backward pass from a recorded root.
class backward_pass {
  public:
    backward_pass(ThreadState& s, Impl* root, bool retain) : s_(s), root_(root), retain_(retain) {}

    void run(const double* seed) {
        const std::uint32_t r = root_->index;
        if (s_.adj.size() < s_.count) {
            s_.adj.resize(s_.count, 0.0);
            s_.reached.resize(s_.count, reach::no);
        }
        low_ = r;
        done_ = 0;  // every statement reached was processed, unless the pass fails
        s_.in_backward = true;
        s_.last_impl = nullptr;  // a statement backward went through is not extended
        try {
            if (root_->numel() == 1) {
                s_.adj[r] += seed ? seed[0] : 1.0;
            } else {
                Node* n = root_->node;
                if (!n->adj_fresh) spread_uniform(n);
                for (std::int64_t k = 0; k < root_->numel(); ++k)
                    n->adj[k] = (n->adj_fresh ? 0.0 : n->adj[k]) + (seed ? seed[k] : 1.0);
                n->adj_fresh = false;
                n->adj_uniform = false;
            }
            s_.reached[r] = reach::yes;
            if (retain_) sweep<true>();
            else sweep<false>();
            commit();
        } catch (...) {
            undo();
            clear();
            s_.in_backward = false;
            throw;
        }
        clear();
        s_.in_backward = false;
        if (!retain_) {
            s_.live -= freed_records_;
            s_.window = s_.count;  // a new graph registers its leaves anew, above this one
        }
        if (s_.live == 0 && s_.count != 0) reset_tape(s_);
    }

  private:
    /// From statement i (ending at e, in block b) to the one before it.
    [[gnu::always_inline]] void step_back(std::uint32_t& i, char*& e, std::uint32_t& b, std::size_t bytes) const noexcept {
        --i;
        e -= bytes;
        if (e == s_.tape.begin_of(b)) {
            --b;
            e = s_.tape.blocks[b].used_end;
        }
    }
    /// Visits statements from the root down to the lowest one reached.
    template <class F>
    void walk(F f) {
        std::uint32_t i = root_->index;
        char* e = root_->rec_end;
        std::uint32_t b = root_->block;
        for (;;) {
            const std::uint32_t t = stmt::trailer(e);
            const std::size_t bytes = stmt::bytes(t);
            if (!f(i, e, t, bytes)) return;
            if (i <= low_) return;
            step_back(i, e, b, bytes);
        }
    }

    /// Retain: the statements stay usable (not marked freed).
    template <bool Retain>
    void sweep() {
        double* const adj = s_.adj.data();
        reach* const reached = s_.reached.data();
        constexpr std::uint32_t freed = Retain ? 0 : stmt::freed;
        std::uint32_t i = root_->index;
        char* e = root_->rec_end;
        std::uint32_t b = root_->block;
        std::uint32_t low = low_;
        std::size_t freed_records = 0;
        const char* block_begin = s_.tape.begin_of(b);
        for (;;) {
            const std::uint32_t t = stmt::trailer(e);
            std::size_t bytes;
            if ((t & stmt::kind_mask) == stmt::scalar) {
                const std::uint32_t n = t & stmt::count_mask;
                bytes = (n * stmt::pair_bytes + 4 + 7) & ~std::size_t{7};
                if (reached[i] == reach::yes) {
                    if (t & stmt::freed) {
                        low_ = low;
                        fail(i);
                    }
                    // the hot path: one tight loop over (partial, index) pairs
                    const double a = adj[i];
                    const char* begin = e - bytes;
                    for (std::uint32_t k = 0; k < n; ++k) {
                        const std::uint32_t j = stmt::index(begin, n, k);
                        adj[j] += a * stmt::partial(begin, k);
                        reached[j] = reach::yes;
                        low = j < low ? j : low;
                    }
                    if constexpr (!Retain) {
                        stmt::set_trailer(e, t | freed);
                        freed_records += (t & stmt::has_impl) != 0;
                    }
                }
            } else if ((t & stmt::kind_mask) == stmt::leaf) {
                bytes = 8;  // committed after the pass
            } else {
                bytes = stmt::bytes(t);
                if (reached[i] == reach::yes) {
                    low_ = low;
                    other(i, e, t);
                    low = low_;
                    if constexpr (!Retain) {
                        stmt::set_trailer(e, t | freed);
                        freed_records += (t & stmt::has_impl) != 0;
                    }
                }
            }
            if (i <= low) break;
            --i;
            e -= bytes;
            if (e == block_begin) [[unlikely]] {
                --b;
                e = s_.tape.blocks[b].used_end;
                block_begin = s_.tape.begin_of(b);
            }
        }
        low_ = low;
        freed_records_ = freed_records;
    }

    /// Every statement but a scalar one: a general node propagates, a leaf waits for commit().
    [[gnu::noinline]] void other(std::uint32_t i, char* e, std::uint32_t t) {
        if (t & stmt::freed) fail(i);
        if ((t & stmt::kind_mask) == stmt::general) {
            Node* n;
            std::memcpy(&n, e - 16, sizeof n);
            try {
                propagate_general(s_, n, n->numel() == 1 ? &s_.adj[i] : n->adj, low_);
            } catch (...) {
                done_ = i + 1;  // not processed: its freed mark stays as it was
                throw;
            }
            // fresh for the next pass through a retained graph; a freed one is never read again
            if (!n->retains) n->adj_fresh = true;
        }
    }
    /// Backward reached history that is gone; statements above i were processed.
    [[noreturn, gnu::noinline]] void fail(std::uint32_t i) {
        done_ = i + 1;
        throw autograd_error(freed_graph_message());
    }

    /// Adds the staged gradients into leaves (and retaining records): the missing gradient
    /// records are made first (taken back if one cannot be), so that nothing is added unless
    /// everything can be.
    void commit() {
        const std::uint32_t r = root_->index;
        const auto first = first_leaf_from(s_, low_);
        auto leaf_reached = [&](const LeafSlot& l) {
            return l.index <= r && s_.reached[l.index] == reach::yes && l.leaf->requires_grad;
        };
        auto retained_reached = [&](const Impl* p) {
            return p->epoch == s_.epoch && p->index >= low_ && p->index <= r && s_.reached[p->index] == reach::yes;
        };
        // retaining records (few) get theirs in a list, assigned once nothing can throw; leaves
        // get theirs at once, marked, and lose them again if a later one cannot be made
        std::vector<Impl*> retained_fresh;
        auto last = first;  // the leaves up to here have their gradient records
        try {
            for (Impl* p : s_.retaining)
                if (retained_reached(p) && !p->grad) {
                    retained_fresh.reserve(s_.retaining.size());
                    retained_fresh.push_back(gradient_record(p));  // reserved: only the record can throw
                }
            for (; last != s_.leaves.end() && last->index <= r; ++last) {
                last->hit = leaf_reached(*last);
                if (last->hit && !last->leaf->grad) {
                    last->leaf->grad = gradient_record(last->leaf);
                    last->made = true;
                }
            }
        } catch (...) {  // std::bad_alloc: the records made are taken back
            for (auto it = first; it != last; ++it) {
                if (it->made) release(std::exchange(it->leaf->grad, nullptr));
                it->made = it->hit = false;
            }
            if (last != s_.leaves.end()) last->hit = false;  // the leaf whose record failed
            for (Impl* g : retained_fresh) release(g);
            throw;
        }
        // from here on nothing throws
        for (auto it = first; it != last; ++it) {
            if (!it->hit) continue;
            it->made = it->hit = false;
            Impl* leaf = it->leaf;
            // a float64 scalar's gradient (of the leaf's shape and dtype, read off the leaf) in place
            if (leaf->shape.rank == 0 && leaf->dtype == float64) leaf->grad->local += s_.adj[it->index];
            else if (leaf->numel() == 1) accumulate(leaf->grad, &s_.adj[it->index]);
            else if (it->stage && !it->fresh) accumulate(leaf->grad, it->stage);
        }
        std::size_t f = 0;
        for (Impl* p : s_.retaining) {
            if (!retained_reached(p)) continue;
            if (!p->grad) p->grad = retained_fresh[f++];
            if (p->numel() == 1) accumulate(p->grad, &s_.adj[p->index]);
            else if (!p->node->adj_fresh) {
                spread_uniform(p->node);
                accumulate(p->grad, p->node->adj);
            }
        }
    }
    /// A zero gradient of p's shape and dtype (one element: inline, from the pool).
    Impl* gradient_record(const Impl* p) {
        if (p->shape.rank == 0) return make_scalar_impl(s_, p->dtype);  // its element is zero
        return make_impl(s_, p->shape, true, p->dtype);
    }
    /// grad += adjoint, in the gradient's dtype (a float32 gradient accumulates in float).
    static void accumulate(Impl* grad, const double* adj) noexcept {
        const std::int64_t m = grad->numel();
        if (grad->dtype == float32) add_into(f32_data(grad), adj, m);
        else add_into(grad->data, adj, m);
    }
    template <class T>
    static void add_into(T* __restrict g, const double* __restrict adj, std::int64_t m) noexcept {
        for (std::int64_t k = 0; k < m; ++k) g[k] += T(adj[k]);
    }

    /// After an exception: the freed marks of this pass are taken back and adjoints cleared.
    void undo() noexcept {
        walk([&](std::uint32_t i, char* e, std::uint32_t t, std::size_t) {
            if (s_.reached[i] == reach::no) return true;
            if (i >= done_ && !retain_ && (t & stmt::kind_mask) != stmt::leaf && (t & stmt::freed)) {
                stmt::set_trailer(e, t & ~stmt::freed);
            }
            if ((t & stmt::kind_mask) == stmt::general) {
                Node* n;
                std::memcpy(&n, e - 16, sizeof n);
                n->adj_fresh = true;
            }
            return true;
        });
        freed_records_ = 0;
    }

    /// Leaves the scratch zero and the staging buffers fresh for the next pass.
    void clear() noexcept {
        const std::uint32_t r = root_->index;
        if (r - low_ < 8) {  // a small graph: a few stores, not two calls
            for (std::uint32_t k = low_; k <= r; ++k) {
                s_.adj[k] = 0.0;
                s_.reached[k] = reach::no;
            }
        } else {
            std::fill(s_.adj.begin() + low_, s_.adj.begin() + r + 1, 0.0);
            std::fill(s_.reached.begin() + low_, s_.reached.begin() + r + 1, reach::no);
        }
        const auto first = first_leaf_from(s_, low_);
        for (auto it = first; it != s_.leaves.end() && it->index <= r; ++it)
            it->fresh = true;
        for (Impl* p : s_.retaining)
            if (p->epoch == s_.epoch && p->numel() > 1 && p->node && p->index >= low_ && p->index <= r)
                p->node->adj_fresh = true;
    }

    ThreadState& s_;
    Impl* root_;
    bool retain_;
    std::uint32_t low_ = 0;
    std::uint32_t done_ = 0;
    std::size_t freed_records_ = 0;
};

}  // namespace detail

inline void Tensor::run_backward(const Tensor* gradient, bool retain) {
    using namespace detail;
    check_owned("backward()");
    if (!p_->requires_grad)
        throw autograd_error("element 0 of tensors does not require grad and does not have a grad_fn");
    if (!gradient && p_->numel() != 1) throw autograd_error("grad can be implicitly created only for scalar outputs");
    if (gradient && (!gradient->defined() || !(gradient->p_->shape == p_->shape)))
        throw shape_error("backward(gradient): the gradient's shape " +
                          (gradient->defined() ? gradient->p_->shape.str() : std::string("(undefined)")) +
                          " does not match the tensor's shape " + p_->shape.str());
    const std::int64_t m = p_->numel();
    std::vector<double> seed_values;  // a float32 seed, as doubles
    const double* seed = nullptr;
    if (gradient) {
        seed = gradient->p_->data;
        if (gradient->p_->dtype == float32) {
            seed_values = gradient->to_vector();
            seed = seed_values.data();
        }
    }
    ThreadState& s = *p_->home;
    drain_remote_if_any(s);
    if (p_->is_leaf()) {  // its gradient is the seed itself
        if (!p_->grad) p_->grad = make_impl(s, p_->shape, true, p_->dtype);
        for (std::int64_t k = 0; k < m; ++k) store(p_->grad, k, load(p_->grad, k) + (seed ? seed[k] : 1.0));
        return;
    }
    if (p_->epoch != s.epoch || (stmt::trailer(p_->rec_end) & stmt::freed)) throw autograd_error(freed_graph_message());
    if (s.in_backward) throw autograd_error("backward() called during backward()");
    backward_pass(s, p_, retain).run(seed);
}

}  // namespace etgrad
