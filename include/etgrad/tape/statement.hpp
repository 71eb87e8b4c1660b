/// @file statement.hpp  Writing a scalar op's statement on the flat tape: its (partial, index)
/// pairs, an input used twice merged into one pair where that is exact, and an operand that is
/// the temporary result of the last statement folded in (scaled in place), so that op-by-op
/// code such as `x + w * sin(x)` records one statement, as an expression-template tape does.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::detail {

/// Sets a one-element record's dtype and its inline value (rounded to float for float32).
[[gnu::always_inline]] inline void set_scalar(Impl* p, double y, scalar_type dtype) noexcept {
    p->dtype = dtype;
    if (dtype == float32) p->local_f32 = float(y);
    else p->local = y;
}

/// A result without history (nothing active, or not recording).
[[gnu::always_inline]] inline Tensor plain_scalar(ThreadState& s, double y, scalar_type dtype = float64) {
    Impl* out = make_scalar_impl(s, dtype);
    set_scalar(out, y, dtype);
    return tensor_access::adopt(out);
}

/// Whether a record can be folded into the statement that uses it: it came as an rvalue that
/// nothing else holds, and its statement is the last on the tape (state's last_impl, which
/// anything else written, a retain_grad or a backward clears).
inline bool foldable(const ThreadState& s, const Impl* t) noexcept { return t == s.last_impl && t->refs == 1; }

/// The most pairs a statement may have and still be extended: folding scales every pair, so a
/// loop that keeps extending one statement (`acc = std::move(acc) + x`) would be quadratic.
inline constexpr std::uint32_t fold_limit = 32;

/// Flags as the bits of a word (bit i: flag i).
template <std::size_t N>
unsigned bits_of(const bool (&flags)[N]) noexcept {
    unsigned b = 0;
    for (std::size_t i = 0; i < N; ++i) b |= unsigned(flags[i]) << i;
    return b;
}

/// Whether two partials of one input may be stored as their sum: a * (p + q) equals
/// a * p + a * q (to rounding) for every adjoint a, infinite ones included, only when p and q are
/// finite, nonzero, of one sign and their sum finite (else inf * 0 or inf - inf would give NaN
/// where the sum gives a number).
inline bool mergeable(double p, double q) noexcept {
    return ((p > 0 && q > 0) || (p < 0 && q < 0)) && std::isfinite(p + q);
}

/// A scalar op's statement: its active operands' (partial, index) pairs and one trailer; an
/// input that appears twice (`x * x`) is one pair whose partial is the sum where that is exact
/// (mergeable). An operand that is a temporary whose statement is the last one written (`sin(x)`
/// in `w * sin(x)`) is folded in: its partials are scaled in place by this op's partial and the
/// other operands' pairs added (to the pair of the same input, or appended), so that
/// `x + w * sin(x)` is one statement of two pairs (three where the two partials of x differ in
/// sign), as an expression-template tape records it; the folded record becomes the result's.
/// `active`: bit i set when operand i is recorded (a word, not an array of flags: flags stored
/// byte by byte and read back together stall the store forwarding on the hot path).
template <std::size_t N>
[[gnu::always_inline]] inline Tensor scalar_statement(ThreadState& s, const char* name, double y,
                                                      Impl* const (&impls)[N], unsigned active_bits,
                                                      const double (&partials)[N], const bool (&owned)[N],
                                                      scalar_type dtype = float64) {
    auto active = [active_bits](std::size_t i) noexcept { return ((active_bits >> i) & 1u) != 0; };
    std::uint32_t index[N]{};
    std::size_t pick = N;
    for (std::size_t i = 0; i < N; ++i)
        if (owned[i] && active(i) && foldable(s, impls[i])) {
            pick = i;
            break;
        }
    if (pick != N) {
        Impl* t = impls[pick];
        const std::uint32_t tr = stmt::trailer(t->rec_end);
        const std::uint32_t n = tr & stmt::count_mask;
        char* begin = t->rec_end - stmt::bytes(tr);
        bool known = true;  // the other operands are indexed already: nothing is written after the fold
        std::uint32_t where[N]{};  // the pair an operand adds to (n + j: the j-th appended)
        std::uint32_t added = 0;
        for (std::size_t i = 0; i < N; ++i)
            if (i != pick && active(i)) {
                known = known && known_index(s, impls[i], index[i]);
                std::uint32_t k = 0;
                while (k < n && stmt::index(begin, n, k) != index[i]) ++k;
                bool merge = k < n && mergeable(stmt::partial(begin, k) * partials[pick], partials[i]);
                for (std::size_t j = 0; j < i; ++j) merge = merge && !(j != pick && active(j) && where[j] == k);
                where[i] = merge ? k : n + added++;
            }
        const std::uint32_t m = n + added;
        const std::uint32_t head = stmt::scalar | m;
        char* end = begin + stmt::bytes(head);
        if (known && n <= fold_limit && end <= s.tape.end) [[likely]] {
            // the indices move up past the added partials (from the last, as they move up), the
            // partials are scaled in place, and the other operands' pairs added
            if (added)
                for (std::uint32_t k = n; k-- > 0;) stmt::set_index(begin, m, k, stmt::index(begin, n, k));
            for (std::uint32_t k = 0; k < n; ++k) stmt::set_partial(begin, k, stmt::partial(begin, k) * partials[pick]);
            for (std::size_t i = 0; i < N; ++i)
                if (i != pick && active(i)) {
                    if (where[i] < n) {
                        stmt::set_partial(begin, where[i], stmt::partial(begin, where[i]) + partials[i]);
                    } else {
                        stmt::set_partial(begin, where[i], partials[i]);
                        stmt::set_index(begin, m, where[i], index[i]);
                    }
                }
            stmt::set_trailer(end, head | stmt::has_impl);
            s.tape.cursor = end;
            s.last_end = end;
            t->rec_end = end;
            t->name = name;
            set_scalar(t, y, dtype);
            ++t->refs;  // the operand's holder lets go of it when this op returns
            return tensor_access::adopt(t);
        }
    }
    std::uint32_t n = 0;
    std::uint32_t where[N]{};
    bool merged[N]{};  // operand i adds into an earlier operand's pair
    bool taken[N]{};   // operand j's pair has received one (at most one per pair)
    for (std::size_t i = 0; i < N; ++i)
        if (active(i)) {
            index[i] = operand_index(s, impls[i]);  // may register a leaf: before the statement
            std::size_t into = N;
            for (std::size_t j = 0; j < i; ++j)
                if (impls[j] == impls[i] && into == N && active(j) && !merged[j] && !taken[j] &&
                    mergeable(partials[j], partials[i]))
                    into = j;
            if (into != N) {
                where[i] = where[into];
                merged[i] = taken[into] = true;
            } else {
                where[i] = n++;
            }
        }
    const std::uint32_t head = stmt::scalar | n;
    const std::size_t bytes = stmt::bytes(head);
    char* begin = s.tape.room(bytes);
    char* end = begin + bytes;
    for (std::size_t i = 0; i < N; ++i)
        if (active(i)) {
            if (merged[i]) {
                stmt::set_partial(begin, where[i], stmt::partial(begin, where[i]) + partials[i]);
            } else {
                stmt::set_partial(begin, where[i], partials[i]);
                stmt::set_index(begin, n, where[i], index[i]);
            }
        }
    stmt::set_trailer(end, head);
    s.tape.cursor = end;
    const std::uint32_t i = add_statement(s, end);
    Impl* out = make_scalar_impl(s, dtype);
    set_scalar(out, y, dtype);
    attach(s, out, name, i, end);
    s.last_impl = out;
    return tensor_access::adopt(out);
}

}  // namespace etgrad::detail
