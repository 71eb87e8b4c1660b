/// @file record.hpp  Recording an elementwise op on tensors: operands (tensors or numbers),
/// PyTorch's broadcasting among ranks 0, 1 and 2, and one node per op holding each element's
/// partials, computed by a function of the elements (an op's rule, or a static statement).
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/math/simd.hpp>
#include <etgrad/math/wide.hpp>
#include <etgrad/math/sum.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/statement.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::detail {

/// An operand of an elementwise op: a tensor, or a number broadcast everywhere.
struct tape_operand {
    const double* data = nullptr;  // null for a number (a float32 tensor's storage is read as floats)
    double number = 0;
    Shape shape;
    Impl* impl = nullptr;
    bool f32 = false;
    double get(std::int64_t k) const noexcept {
        return f32 ? double(reinterpret_cast<const float*>(data)[k]) : data[k];
    }
    double at(std::int64_t r, std::int64_t c) const noexcept {
        if (!data) return number;
        const std::int64_t R = shape.rows(), C = shape.cols();
        return get((R == 1 ? 0 : r) * C + (C == 1 ? 0 : c));
    }
    bool active() const noexcept { return impl && impl->requires_grad; }
};
inline tape_operand operand_of(const Tensor& t) {
    Impl* p = tensor_access::impl(t);
    if (!p) throw autograd_error("an undefined Tensor (such as an absent grad()) was used in an op");
    return {p->data, 0, p->shape, p, p->dtype == float32};
}
template <class A>
    requires arithmetic<A>
tape_operand operand_of(const A& a) {
    return {nullptr, double(a), Shape::scalar(), nullptr, false};
}
template <std::size_t N>
scalar_type result_dtype_of(const tape_operand (&v)[N]) noexcept {
    Impl* impls[N > 0 ? N : 1]{};
    for (std::size_t i = 0; i < N; ++i) impls[i] = v[i].impl;
    return result_dtype(impls);
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

/// The element type of a result computed in T.
template <class T>
inline constexpr scalar_type dtype_for = std::is_same_v<T, float> ? float32 : float64;

/// The scalar case of record() (a static statement on scalar tensors): no shapes, no loops;
/// computed in T (float for a float32 result); Mixed: some operand is float32.
template <class T, bool Mixed, std::size_t N, class Fn>
Tensor record_scalar(const char* name, const tape_operand (&v)[N], Fn fn) {
    ThreadState& s = state();
    T values[N]{};
    T partials[N]{};
    bool mask[N]{};
    Impl* impls[N]{};
    bool any = false;
    for (std::size_t i = 0; i < N; ++i) {
        if constexpr (Mixed) values[i] = T(v[i].data ? v[i].get(0) : v[i].number);
        else values[i] = v[i].data ? v[i].data[0] : v[i].number;
        mask[i] = s.grad_enabled && v[i].active();
        impls[i] = v[i].impl;
        any = any || mask[i];
    }
    const T y = fn(values, partials, mask);
    if (!any) return plain_scalar(s, double(y), dtype_for<T>);
    constexpr bool owned[N]{};
    if constexpr (std::is_same_v<T, double>) {
        return scalar_statement(s, name, y, impls, bits_of(mask), partials, owned);
    } else {
        double partials64[N]{};
        for (std::size_t i = 0; i < N; ++i) partials64[i] = double(partials[i]);
        return scalar_statement(s, name, double(y), impls, bits_of(mask), partials64, owned, dtype_for<T>);
    }
}

/// The first elements of a run of m, in whole packs of P (see elementwise_runs); returns how many.
template <class P, bool Mean, std::size_t N, class Fn>
[[gnu::always_inline]] inline std::int64_t run_in_packs(Fn& fn, const double* const (&src)[N], double* const (&dst)[N],
                                                        double* o, std::int64_t m, double scale, const bool* all) {
    constexpr std::int64_t W = std::int64_t(P::size);
    const P pscale(scale);
    std::int64_t j = 0;
    for (; j + W <= m; j += W) {
        P x[N], part[N];
        for (std::size_t i = 0; i < N; ++i) {
            x[i] = P::load_unaligned(src[i] + j);
            part[i] = P(0.0);
        }
        const P y = fn(x, part, all);
        y.store_unaligned(o + j);
        for (std::size_t i = 0; i < N; ++i) (Mean ? part[i] * pscale : part[i]).store_unaligned(dst[i] + j);
    }
    return j;
}

#if ETGRAD_HAS_WIDE
/// run_in_packs on AVX2 packs (called where the processor runs AVX2: see wide.hpp).
template <bool Mean, std::size_t N, class Fn>
ETGRAD_WIDE_FUNCTION std::int64_t run_in_packs_wide(Fn& fn, const double* const (&src)[N], double* const (&dst)[N],
                                                    double* o, std::int64_t m, double scale, const bool* all) {
    return run_in_packs<wide<double>, Mean>(fn, src, dst, o, m, scale, all);
}
#endif

/// The float64 elementwise loop where every operand is a tensor of the output's shape or is
/// broadcast from one value: in runs of 256 elements, each operand read from its storage or from
/// a run filled with its value, every partial computed (those nobody keeps go to scratch), so
/// that the loop has no branch and no operand kind to test: the compiler can keep it in
/// registers and vectorise it where the op's rule allows.
/// Packs: fn is also called on SIMD packs of doubles (the op rules on packs, as the array engine
/// evaluates them: etgrad's vectorised exp, log, sin, ...), the last elements of a
/// run that fill no pack one by one.
/// Mean: the values are summed into `total` in element order (as the general loop does) and
/// the partials scaled by 1/E; `out` is not written. Record false (nothing records: no_grad, or
/// no operand requires grad): no partial is computed.
template <bool Mean, bool Record, bool Packs, std::size_t N, class Fn>
void elementwise_runs(Fn& fn, const tape_operand (&v)[N], const std::int64_t (&stride)[N], double* out,
                      double* const (&partial_out)[N], std::int64_t E, cascade_sum<double>& total) {
    constexpr std::int64_t run = 256;
    const double scale = Mean ? 1.0 / double(E) : 1.0;
    double values[Mean ? run : 1];
    static constexpr std::array<bool, N> all = [] {
        std::array<bool, N> a{};
        a.fill(Record);
        return a;
    }();
    double broadcast_values[N][run];
    double scratch[run];
    for (std::size_t i = 0; i < N; ++i)
        if (stride[i] == 0) std::fill_n(broadcast_values[i], run, v[i].data ? v[i].data[0] : v[i].number);
    for (std::int64_t k0 = 0; k0 < E; k0 += run) {
        const std::int64_t m = std::min(run, E - k0);
        const double* src[N];
        double* dst[N];
        for (std::size_t i = 0; i < N; ++i) {
            src[i] = stride[i] ? v[i].data + k0 : broadcast_values[i];
            dst[i] = partial_out[i] ? partial_out[i] + k0 : scratch;
        }
        double* const o = Mean ? values : out + k0;
        std::int64_t j = 0;
        using P = typename pack_for<double>::type;
        if constexpr (Packs && !std::is_void_v<P>) {
#if ETGRAD_HAS_WIDE
            if (simd_dispatch_active()) j = run_in_packs_wide<Mean>(fn, src, dst, o, m, scale, all.data());
            else
#endif
                j = run_in_packs<P, Mean>(fn, src, dst, o, m, scale, all.data());
        }
        for (; j < m; ++j) {
            double x[N], part[N]{};
            for (std::size_t i = 0; i < N; ++i) x[i] = src[i][j];
            o[j] = fn(x, part, all.data());
            for (std::size_t i = 0; i < N; ++i) dst[i][j] = Mean ? part[i] * scale : part[i];
        }
        if constexpr (Mean)
            for (std::int64_t j = 0; j < m; ++j) total.add(values[j]);
    }
}

/// An op on tensors of any shape, computed in T; Mixed: some operand is float32, so elements
/// are read through tape_operand::get.
template <class T, bool Mixed, bool Packs, std::size_t N, class Fn>
Tensor record_general(const char* name, const tape_operand (&v)[N], Fn fn, bool mean) {
    constexpr scalar_type dtype = dtype_for<T>;
    const Shape bshape = broadcast(v);
    const std::int64_t R = bshape.rows(), C = bshape.cols(), E = R * C;
    int active[N];
    int n_active = 0;
    bool mask[N];
    const bool recording = grad_enabled();
    for (std::size_t i = 0; i < N; ++i) {
        mask[i] = recording && v[i].active();  // NOLINT
        if (mask[i]) active[n_active++] = int(i);
    }
    const Shape out_shape = mean ? Shape::scalar() : bshape;
    ThreadState& s = state();
    std::uint32_t index[N > 0 ? N : 1]{};
    for (int j = 0; j < n_active; ++j) index[j] = operand_index(s, v[active[j]].impl);  // before the node's statement
    Impl* out = make_impl(s, out_shape, false, dtype);  // every element is written below
    Tensor result = tensor_access::adopt(out);
    Node* node = nullptr;
    std::uint32_t node_index = 0;
    char* node_end = nullptr;
    if (n_active > 0) {
        node = make_node(s, out_shape, n_active, E, &node_index, &node_end);
        node->kind = mean ? Kind::mean_elementwise : Kind::elementwise;
        node->elem_rows = R;
        node->elem_cols = C;
        for (int j = 0; j < n_active; ++j) set_input(s, node, j, v[active[j]].impl, index[j]);
        attach(s, out, name, node_index, node_end);
        out->node = node;
    }
    T values[N > 0 ? N : 1]{};
    T partials[N > 0 ? N : 1]{};
    T* const out_data = reinterpret_cast<T*>(out->data);
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
    for (int j = 0; j < n_active; ++j) partial_out[active[j]] = node->inputs[j].partial;
    if constexpr (!Mixed && std::is_same_v<T, double> && N > 0) {
        if (contiguous) {
            auto runs = [&]<bool Mean, bool Record>() {
                elementwise_runs<Mean, Record, Packs>(fn, v, stride, out_data, partial_out, E, total);
            };
            if (n_active == 0 && !mean) runs.template operator()<false, false>();
            else if (!mean) runs.template operator()<false, true>();
            else if (n_active == 0) runs.template operator()<true, false>();
            else runs.template operator()<true, true>();
            if (mean) store(out, 0, total.total() * scale);
            return result;
        }
    }
    auto element = [&](std::int64_t k) {
        const T y = fn(values, partials, mask);
        if (mean) total.add(double(y));
        else out_data[k] = y;
        // constant indices (N is a constant): the arrays can live in registers, not on the stack
        for (std::size_t i = 0; i < N; ++i)
            if (mask[i]) partial_out[i][k] = double(partials[i]) * scale;
    };
    if (contiguous) {
        for (std::int64_t k = 0; k < E; ++k) {
            for (std::size_t i = 0; i < N; ++i) {
                if constexpr (Mixed) values[i] = T(v[i].data ? v[i].get(k * stride[i]) : v[i].number);
                else values[i] = v[i].data ? v[i].data[k * stride[i]] : v[i].number;
            }
            element(k);
        }
    } else {
        for (std::int64_t r = 0; r < R; ++r)
            for (std::int64_t c = 0; c < C; ++c) {
                for (std::size_t i = 0; i < N; ++i) values[i] = T(v[i].at(r, c));
                element(r * C + c);
            }
    }
    if (mean) store(out, 0, total.total() * scale);
    return result;
}

/// Records an op on tape operands: fn(values, partials, mask) gives an element's value and its
/// partials, in float for a float32 result (PyTorch's promotion) and in double otherwise; Packs:
/// fn also takes SIMD packs of doubles (see elementwise_runs).
template <bool Packs, std::size_t N, class Fn>
Tensor record(const char* name, const tape_operand (&v)[N], Fn fn, bool mean = false) {
    bool all_scalar = true, any_f32 = false;
    for (const tape_operand& o : v) {
        all_scalar = all_scalar && o.shape.rank == 0;
        any_f32 = any_f32 || o.f32;
    }
    if (!any_f32) [[likely]] {
        if (all_scalar) return record_scalar<double, false>(name, v, fn);
        return record_general<double, false, Packs>(name, v, fn, mean);
    }
    if (result_dtype_of(v) == float32) {
        if (all_scalar) return record_scalar<float, true>(name, v, fn);
        return record_general<float, true, false>(name, v, fn, mean);
    }
    if (all_scalar) return record_scalar<double, true>(name, v, fn);
    return record_general<double, true, false>(name, v, fn, mean);
}

}  // namespace etgrad::detail
