/// @file sum.hpp  Accurate sums for reductions: pairwise (cascade) summation, whose error grows
/// with log n instead of n, in a form the compiler vectorises (eight partial sums per block).
#pragma once
#include <cstddef>
#include <cstdint>

namespace etgrad::detail {

/// The sum of x[0], x[s], ..., x[(n-1) s], pairwise: blocks of up to 128 terms are added in eight
/// partial sums, larger ranges are split in halves.
template <class T>
T pairwise_sum(const T* x, std::int64_t n, std::int64_t stride = 1) noexcept {
    if (n <= 128) {  // unsigned indices: g++ -O3 otherwise warns of an overflow that cannot happen
        const std::size_t m = std::size_t(n), s = std::size_t(stride), full = m / 8 * 8;
        T acc[8] = {};
        T tail = 0;
        if (s == 1) {  // contiguous: eight sums in registers, which the compiler pairs into vectors
            T a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (std::size_t i = 0; i < full; i += 8) {
                a0 += x[i];
                a1 += x[i + 1];
                a2 += x[i + 2];
                a3 += x[i + 3];
                a4 += x[i + 4];
                a5 += x[i + 5];
                a6 += x[i + 6];
                a7 += x[i + 7];
            }
            acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;
        } else {
            for (std::size_t i = 0; i < full; i += 8)
                for (std::size_t l = 0; l < 8; ++l) acc[l] += x[(i + l) * s];
        }
        for (std::size_t i = full; i < m; ++i) tail += x[i * s];
        return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
    }
    const std::int64_t half = (n / 2 + 7) / 8 * 8;  // a multiple of 8: the blocks stay full
    return pairwise_sum(x, half, stride) + pairwise_sum(x + half * stride, n - half, stride);
}

/// A running sum with the accuracy of pairwise summation, for terms that arrive one at a time:
/// blocks of 128 terms are summed pairwise, and block sums are combined like a binary counter.
template <class T>
class cascade_sum {
  public:
    void add(T v) noexcept {
        block_[n_++] = v;
        if (n_ == block) {
            carry(pairwise_sum(block_, block));
            n_ = 0;
        }
    }
    T total() const noexcept {
        T s = pairwise_sum(block_, n_);
        for (std::uint64_t u = used_; u != 0; u &= u - 1) s += level_[__builtin_ctzll(u)];
        return s;
    }

  private:
    static constexpr int block = 128, levels = 48;  // 128 * 2^48 terms
    /// Adds a block's sum like a binary counter: level l holds the sum of 2^l blocks.
    void carry(T s) noexcept {
        for (int l = 0; l < levels; ++l) {
            const std::uint64_t bit = std::uint64_t{1} << l;
            if (!(used_ & bit)) {
                level_[l] = s;
                used_ |= bit;
                return;
            }
            s += level_[l];
            used_ &= ~bit;
        }
    }
    T block_[block];
    T level_[levels];
    std::uint64_t used_ = 0;  // bit l: level l holds a sum
    int n_ = 0;
};

}  // namespace etgrad::detail
