/// @file recompute.hpp  Elementwise ops on float64 tensors recorded without partials: a node
/// holding the operands and the output, whose backward recomputes the partials by the op's rule
/// run by run (on SIMD packs where the rule allows), as PyTorch's saved tensors do.
#pragma once
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/simd.hpp>
#include <etgrad/math/wide.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/record.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad::detail {

/// Whether A is a std::integral_constant (an integer operand fixed for a whole run).
template <class A>
struct is_integral_constant : std::false_type {};
template <class B, B V>
struct is_integral_constant<std::integral_constant<B, V>> : std::true_type {};

/// The operand as the rule sees it: a tensor's element, a floating number in the computation's
/// type T (as PyTorch casts a Python number to the tensor's dtype), or an integer as it is (so
/// that pow(t, 2) keeps an integer exponent and multiplies instead of calling std::pow).
template <class T, class A>
auto rule_arg(T element, const A& a) {
    if constexpr (is_integral_constant<A>::value) return A::value;  // an exponent fixed for the run
    else if constexpr (std::is_floating_point_v<A>) return T(a);
    else if constexpr (arithmetic<A>) return a;
    else return element;
}

/// Where a tensor operand's element comes from in a recomputation: its element, not a number.
struct tensor_slot {};
/// An operand as a recomputation's rule sees it: a number kept in the node, in its own type (or
/// a constant fixed for the run); a tensor's element.
template <class Rr>
auto rule_from(double number) {
    if constexpr (is_integral_constant<Rr>::value) return Rr{};
    else if constexpr (arithmetic<Rr>) return Rr(number);
    else return tensor_slot{};
}

/// The partials of operand `operand` of an elementwise node recorded by record_recomputed, over
/// elements [k0, k0 + m) of its broadcast shape (at most 256): the op's rule on the inputs' and
/// the output's values, on packs and then one by one (the last elements of a run that fill no
/// pack), in the forward's runs of 256.
template <class Op, class Args, class Rules>
struct recompute_partials;
template <class Op, class... A, class... Rr>
struct recompute_partials<Op, std::tuple<A...>, std::tuple<Rr...>> {
    static constexpr std::size_t N = sizeof...(A);
    static void run(const Node& n, int operand, std::int64_t k0, std::int64_t m, double* part) {
        run_seq(std::index_sequence_for<A...>{}, n, operand, k0, m, part);
    }
    template <std::size_t... J>
    static void run_seq(std::index_sequence<J...>, const Node& n, int operand, std::int64_t k0, std::int64_t m,
                        double* part) {
        constexpr bool tensor[N] = {!arithmetic<A>...};
        constexpr int n_tensors = (int(!arithmetic<A>) + ...);
        const auto rules = std::make_tuple(rule_from<Rr>(n.numbers[J])...);
        const std::int64_t C = n.elem_cols, E = n.elem_rows * n.elem_cols;
        double gathered[N][256];
        const double* src[N]{};
        int slot = 0;
        for (std::size_t j = 0; j < N; ++j) {
            if (!tensor[j]) continue;
            const Input& in = n.inputs[slot++];
            const double* d = in.impl->data;
            if (in.rows * in.cols == E) {
                src[j] = d + k0;
            } else {  // broadcast: its elements for this run, gathered
                for (std::int64_t e = 0; e < m; ++e) {
                    const std::int64_t k = k0 + e, r = k / C, c = k % C;
                    gathered[j][e] = d[(in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c)];
                }
                src[j] = gathered[j];
            }
        }
        const double* y = n.inputs[n_tensors].impl->data + k0;
        auto partial_of = [&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
            std::int64_t e = 0;
            using P = typename pack_for<double>::type;
            if constexpr (packs_v<Op> && !std::is_void_v<P>) {
#if ETGRAD_HAS_WIDE
                if (simd_dispatch_active()) e = in_packs_wide<W, J...>(y, src, rules, m, part);
                else
#endif
                    e = in_packs<P, W, J...>(y, src, rules, m, part);
            }
            for (; e < m; ++e)
                part[e] = double(
                    Op::template partial<W>(y[e], rule_arg(tensor[J] ? src[J][e] : 0.0, std::get<J>(rules))...));
        };
        ((operand == int(J) ? partial_of(std::integral_constant<std::size_t, J>{}) : void()), ...);
    }
#if ETGRAD_HAS_WIDE
    /// in_packs on AVX2 packs (called where the processor runs AVX2: see wide.hpp).
    template <std::size_t W, std::size_t... J, class Rules>
    ETGRAD_WIDE_FUNCTION static std::int64_t in_packs_wide(const double* y, const double* const (&src)[N],
                                                          const Rules& rules, std::int64_t m, double* part) {
        return in_packs<wide<double>, W, J...>(y, src, rules, m, part);
    }
#endif
    /// Operand W's partials over the first elements of a run, in whole packs of P; how many.
    template <class P, std::size_t W, std::size_t... J, class Rules>
    [[gnu::always_inline]] static std::int64_t in_packs(const double* y, const double* const (&src)[N],
                                                        const Rules& rules, std::int64_t m, double* part) {
        constexpr bool tensor[N] = {!arithmetic<A>...};
        constexpr std::int64_t L = std::int64_t(P::size);
        std::int64_t e = 0;
        for (; e + L <= m; e += L) {
            const P p = P(Op::template partial<W>(
                P::load_unaligned(y + e),
                rule_arg(tensor[J] ? P::load_unaligned(src[J] + e) : P(0.0), std::get<J>(rules))...));
            p.store_unaligned(part + e);
        }
        return e;
    }
};

/// An elementwise op on float64 tensors, recorded without partials: its values computed as
/// without recording, then a node holding every tensor operand and the output (counted edges,
/// their versions checked in backward) and the numbers, whose backward recomputes the partials
/// run by run, as PyTorch's saved tensors do. Nothing of the output's size is written but the
/// output.
template <class Op, class... A, std::size_t... I, class... R, class Fn>
Tensor record_recomputed(std::index_sequence<I...>, const tape_operand (&v)[sizeof...(A)], Fn& fn, const R&...) {
    constexpr std::size_t N = sizeof...(A);
    ThreadState& s = state();
    std::uint32_t index[N]{};
    for (std::size_t i = 0; i < N; ++i)
        index[i] = v[i].active() ? operand_index(s, v[i].impl) : no_index;  // before the node's statement
    Tensor result;
    {
        no_grad_guard values_only;
        result = record<packs_v<Op>>(grad_fn_of<Op, A...>(), v, fn);
    }
    Impl* out = tensor_access::impl(result);
    constexpr int n_tensors = (int(!arithmetic<A>) + ...);
    std::uint32_t node_index = 0;
    char* node_end = nullptr;
    double* numbers = static_cast<double*>(s.arena.alloc(N * sizeof(double)));
    Node* node = make_node(s, out->shape, n_tensors + 1, 0, &node_index, &node_end);
    node->kind = Kind::elementwise;
    node->elem_rows = out->shape.rows();
    node->elem_cols = out->shape.cols();
    node->recompute = &recompute_partials<Op, std::tuple<A...>, std::tuple<R...>>::run;
    node->numbers = numbers;
    node->reads_values = !constant_partials_v<Op>;
    int slot = 0;
    for (std::size_t i = 0; i < N; ++i) {
        numbers[i] = v[i].number;
        if (!v[i].impl) continue;
        node->inputs[slot].operand = int(i);
        set_input(s, node, slot++, v[i].impl, index[i]);
    }
    set_input(s, node, slot, out, no_index);
    attach(s, out, grad_fn_of<Op, A...>(), node_index, node_end);
    out->node = node;
    return result;
}

}  // namespace etgrad::detail
