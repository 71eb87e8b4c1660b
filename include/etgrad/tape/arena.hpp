/// @file arena.hpp  Per-thread storage of the tape: a pool of records, the arena that holds
/// nodes with their inputs and partials (reset whenever no node is alive), and large buffers
/// kept for reuse, so that a training loop reaches a steady state with no heap allocation per op.
/// Everything is thread-local: a graph, and its Tensors, belong to the thread that built them.
#pragma once
#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

#include <etgrad/tape/records.hpp>

namespace etgrad::detail {

/// Per-thread storage: an Impl pool, the node arena and the tape (nodes in creation order).
struct ThreadState {
    std::vector<std::unique_ptr<Impl[]>> impl_blocks;
    Impl* free_impls = nullptr;  // intrusive free list
    std::vector<std::unique_ptr<char[]>> arena_blocks;
    std::size_t arena_block = 0;
    static constexpr std::size_t arena_block_size = std::size_t{1} << 20;
    // Allocations larger than a block: in use, and kept for reuse after a reset (a training
    // loop on large tensors allocates the same sizes every step; fresh pages fault every time).
    struct Big {
        std::size_t bytes;
        std::unique_ptr<char[]> p;
    };
    std::vector<Big> big_blocks, spare_big;
    // Tensor storage of large tensors, likewise kept (by exact size) when its record dies.
    struct Spare {
        std::size_t n;
        double* p;
    };
    std::vector<Spare> spare_buffers;
    static constexpr std::size_t max_spares = 8;
    static constexpr std::size_t large_buffer = std::size_t{1} << 14;  // doubles (128 KiB)
    std::size_t live_nodes = 0;
    Node* last = nullptr;  // the tape: nodes in creation order, linked backwards through prev
    std::vector<Node*> dying;
    bool releasing = false;
    bool grad_enabled = true;
    std::size_t arena_bytes_before = 0;  // handed out before the current block's cursor
    char* arena_cursor = nullptr;  // the current block's next free byte, and its end
    char* arena_end = nullptr;

    Impl* new_impl() {
        if (!free_impls) {
            constexpr std::size_t n = 256;
            impl_blocks.emplace_back(new Impl[n]);
            for (std::size_t i = 0; i < n; ++i) {
                impl_blocks.back()[i].next_free = free_impls;
                free_impls = &impl_blocks.back()[i];
            }
        }
        Impl* p = free_impls;
        free_impls = p->next_free;
        return new (p) Impl;
    }
    void free_impl(Impl* p) noexcept {
        p->next_free = free_impls;
        free_impls = p;
    }
    [[gnu::always_inline]] void* arena_alloc(std::size_t bytes) {
        bytes = (bytes + 15) & ~std::size_t{15};
        if (std::size_t(arena_end - arena_cursor) >= bytes) {  // the common case
            void* p = arena_cursor;
            arena_cursor += bytes;
            return p;
        }
        return arena_alloc_slow(bytes);
    }
    [[gnu::noinline]] void* arena_alloc_slow(std::size_t bytes) {
        if (bytes > arena_block_size) {
            arena_bytes_before += bytes;
            for (std::size_t i = 0; i < spare_big.size(); ++i)
                if (spare_big[i].bytes >= bytes && spare_big[i].bytes <= 2 * bytes) {
                    big_blocks.push_back(std::move(spare_big[i]));
                    spare_big.erase(spare_big.begin() + std::ptrdiff_t(i));
                    return big_blocks.back().p.get();
                }
            big_blocks.push_back({bytes, std::unique_ptr<char[]>(new char[bytes])});
            return big_blocks.back().p.get();
        }
        arena_bytes_before += current_block_bytes();
        if (arena_cursor) ++arena_block;  // the current block is full: move to the next
        if (arena_block == arena_blocks.size()) arena_blocks.emplace_back(new char[arena_block_size]);
        arena_cursor = arena_blocks[arena_block].get();
        arena_end = arena_cursor + arena_block_size;
        void* p = arena_cursor;
        arena_cursor += bytes;
        return p;
    }
    double* alloc_doubles(std::size_t n, bool zero) {
        if (n >= large_buffer)
            for (Spare& sp : spare_buffers)
                if (sp.n == n) {
                    double* p = sp.p;
                    sp = spare_buffers.back();
                    spare_buffers.pop_back();
                    if (zero) std::fill(p, p + n, 0.0);
                    return p;
                }
        return zero ? new double[n]() : new double[n];
    }
    void free_doubles(double* p, std::size_t n) noexcept {
        if (n >= large_buffer && spare_buffers.size() < max_spares) {
            spare_buffers.push_back({n, p});  // within the reserved capacity: cannot throw
            return;
        }
        delete[] p;
    }
    ThreadState() { spare_buffers.reserve(max_spares); }
    ~ThreadState() {
        for (Spare& sp : spare_buffers) delete[] sp.p;
    }
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;

    std::size_t current_block_bytes() const noexcept {
        return arena_cursor ? std::size_t(arena_cursor - arena_blocks[arena_block].get()) : 0;
    }
    /// Bytes the arena has handed out since the thread started (a statistic: not counted per
    /// allocation, which is the op-by-op hot path).
    std::size_t arena_bytes_used() const noexcept { return arena_bytes_before + current_block_bytes(); }

    void reset_arena() {
        arena_bytes_before += current_block_bytes();
        arena_block = 0;
        arena_cursor = arena_blocks.empty() ? nullptr : arena_blocks[0].get();
        arena_end = arena_cursor ? arena_cursor + arena_block_size : nullptr;
        for (Big& b : big_blocks)
            if (spare_big.size() < max_spares) spare_big.push_back(std::move(b));
        big_blocks.clear();
        last = nullptr;
    }
};

/// The calling thread's state. A constant-initialised thread_local pointer is one load on the
/// hot path (a thread_local object with a destructor costs an initialisation check per use);
/// the owner that frees the state at thread exit is touched only once per thread.
inline thread_local ThreadState* tls_state = nullptr;

[[gnu::noinline]] inline ThreadState& make_state() {
    thread_local std::unique_ptr<ThreadState> owner = std::make_unique<ThreadState>();
    tls_state = owner.get();
    return *tls_state;
}
inline ThreadState& state() {
    ThreadState* s = tls_state;
    return s ? *s : make_state();
}

/// Whether ops record now (false inside a no_grad_guard).
inline bool grad_enabled() noexcept { return state().grad_enabled; }

}  // namespace etgrad::detail
