/// @file arena.hpp  The storage a thread's tape draws on: a pool of records, an arena for
/// general nodes with their inputs and partials (reset with the tape), blocks for the flat
/// statements, and large buffers kept for reuse, so that a training loop reaches a steady state
/// with no heap allocation per op.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include <etgrad/tape/records.hpp>

namespace etgrad::detail {

/// Records, handed out and taken back; `live` counts those handed out.
struct ImplPool {
    std::vector<std::unique_ptr<Impl[]>> blocks;
    Impl* free = nullptr;  // intrusive free list
    std::size_t live = 0;

    [[gnu::always_inline]] Impl* get() {
        if (!free) refill();
        Impl* p = free;
        free = p->next_free;
        __builtin_prefetch(free, 1);  // the next record: a chain of gets misses the cache once, not each time
        ++live;
        return new (p) Impl;
    }
    [[gnu::always_inline]] void put(Impl* p) noexcept {
        p->next_free = free;
        free = p;
        --live;
    }
    [[gnu::noinline]] void refill() {
        constexpr std::size_t n = 256;
        blocks.emplace_back(new Impl[n]);
        for (std::size_t i = 0; i < n; ++i) {
            blocks.back()[i].next_free = free;
            free = &blocks.back()[i];
        }
    }
};

/// A bump allocator in 1 MiB blocks (larger requests get blocks of their own, kept for reuse),
/// reset in one step.
struct Arena {
    static constexpr std::size_t block_size = std::size_t{1} << 20;
    static constexpr std::size_t max_spares = 8;
    std::vector<std::unique_ptr<char[]>> blocks;
    std::size_t block = 0;
    char* cursor = nullptr;
    char* end = nullptr;
    struct Big {
        std::size_t bytes;
        std::unique_ptr<char[]> p;
    };
    std::vector<Big> big, spare_big;

    [[gnu::always_inline]] void* alloc(std::size_t bytes) {
        bytes = (bytes + 15) & ~std::size_t{15};
        if (std::size_t(end - cursor) >= bytes) {
            void* p = cursor;
            cursor += bytes;
            return p;
        }
        return alloc_slow(bytes);
    }
    [[gnu::noinline]] void* alloc_slow(std::size_t bytes) {
        if (bytes > block_size) {
            for (std::size_t i = 0; i < spare_big.size(); ++i)
                if (spare_big[i].bytes >= bytes && spare_big[i].bytes <= 2 * bytes) {
                    big.push_back(std::move(spare_big[i]));
                    spare_big.erase(spare_big.begin() + std::ptrdiff_t(i));
                    return big.back().p.get();
                }
            big.reserve(big.size() + 1);
            big.push_back({bytes, std::unique_ptr<char[]>(new char[bytes])});
            return big.back().p.get();
        }
        if (cursor) ++block;  // the current block is full: move to the next
        if (block == blocks.size()) {
            blocks.emplace_back(new char[block_size]);
        }
        cursor = blocks[block].get();
        end = cursor + block_size;
        void* p = cursor;
        cursor += bytes;
        return p;
    }
    void reset() noexcept {
        block = 0;
        cursor = blocks.empty() ? nullptr : blocks[0].get();
        end = cursor ? cursor + block_size : nullptr;
        for (Big& b : big)
            if (spare_big.size() < max_spares) spare_big.push_back(std::move(b));  // reserved: cannot throw
        big.clear();
    }
    Arena() { spare_big.reserve(max_spares); }
};

/// Tensor storage: arrays of doubles (float64) or floats (float32), in n 8-byte words; buffers
/// of large tensors are kept (by exact size and type) when their record dies, since a training
/// loop allocates the same sizes every step and fresh pages fault every time.
struct Buffers {
    static constexpr std::size_t max_spares = 8;
    static constexpr std::size_t large = std::size_t{1} << 14;  // words (128 KiB)
    struct Spare {
        std::size_t n;
        double* p;
        bool f32;
    };
    std::vector<Spare> spares;

    /// A float32 buffer's address is kept as a double* and read back through f32_data().
    double* get(std::size_t n, bool zero, bool f32 = false) {
        if (n >= large)
            for (Spare& sp : spares)
                if (sp.n == n && sp.f32 == f32) {
                    double* p = sp.p;
                    sp = spares.back();
                    spares.pop_back();
                    if (zero) std::memset(static_cast<void*>(p), 0, n * sizeof(double));
                    return p;
                }
        if (f32) return reinterpret_cast<double*>(zero ? new float[2 * n]() : new float[2 * n]);
        return zero ? new double[n]() : new double[n];
    }
    void put(double* p, std::size_t n, bool f32 = false) noexcept {
        if (n >= large && spares.size() < max_spares) {
            spares.push_back({n, p, f32});  // within the reserved capacity: cannot throw
            return;
        }
        free(p, f32);
    }
    static void free(double* p, bool f32) noexcept {
        if (f32) delete[] reinterpret_cast<float*>(p);
        else delete[] p;
    }
    Buffers() { spares.reserve(max_spares); }
    ~Buffers() {
        for (Spare& sp : spares) free(sp.p, sp.f32);
    }
    Buffers(const Buffers&) = delete;
    Buffers& operator=(const Buffers&) = delete;
};

/// The flat statements: blocks written front to back, never split across blocks, read back to
/// front by backward. `bytes_written` counts every byte ever written (a statistic).
struct StatementBlocks {
    static constexpr std::size_t block_size = std::size_t{1} << 20;
    struct Block {
        std::unique_ptr<char[]> mem;
        char* used_end;  // where the statements of a block before the current one end
    };
    std::vector<Block> blocks;
    std::uint32_t current = 0;
    char* cursor = nullptr;
    char* end = nullptr;
    std::size_t bytes_before = 0;

    char* begin_of(std::uint32_t b) const noexcept { return blocks[b].mem.get(); }
    /// Room for `bytes` more at the cursor (moving to the next block if needed).
    [[gnu::always_inline]] char* room(std::size_t bytes) {
        if (std::size_t(end - cursor) >= bytes) return cursor;
        return next_block(bytes);
    }
    [[gnu::noinline]] char* next_block(std::size_t bytes) {
        if (bytes > block_size) throw autograd_error("etgrad: one statement is larger than a tape block");
        if (cursor) {
            if (current + 1 == blocks.size()) blocks.push_back({std::unique_ptr<char[]>(new char[block_size]), nullptr});
            blocks[current].used_end = cursor;
            bytes_before += std::size_t(cursor - begin_of(current));
            ++current;
        } else if (blocks.empty()) {
            blocks.push_back({std::unique_ptr<char[]>(new char[block_size]), nullptr});
        }
        cursor = begin_of(current);
        end = cursor + block_size;
        return cursor;
    }
    void reset() noexcept {
        bytes_before += bytes_in_current();
        current = 0;
        cursor = blocks.empty() ? nullptr : begin_of(0);
        end = cursor ? cursor + block_size : nullptr;
    }
    std::size_t bytes_in_current() const noexcept { return cursor ? std::size_t(cursor - begin_of(current)) : 0; }
    std::size_t bytes_written() const noexcept { return bytes_before + bytes_in_current(); }
};

}  // namespace etgrad::detail
