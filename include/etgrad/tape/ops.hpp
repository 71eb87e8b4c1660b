/// @file ops.hpp  Any op applied to tape tensors: its rule evaluated once per element (value and
/// partials), recorded with the op's PyTorch grad_fn name; and static expressions evaluated on
/// tensors, recorded as one node (statement-level preaccumulation).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/gradient.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/record.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {

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

/// A scalar operand's record (null for a number), and its value as the rule sees it.
template <class A>
Impl* scalar_impl(const A& a) noexcept {
    if constexpr (arithmetic<A>) return nullptr;
    else return tensor_access::impl(a);
}
template <class A>
[[gnu::always_inline]] inline auto scalar_arg(const A& a) noexcept {
    if constexpr (arithmetic<A>) {
        return a;
    } else {
        // a record's own element is read without going through its data pointer (one load less
        // on the path from one op's result to the next op)
        const Impl* p = tensor_access::impl(a);
        return p->data == &p->local ? p->local : p->data[0];
    }
}
/// As scalar_arg, in the computation's type T, for a tensor of either dtype.
template <class T, class A>
auto scalar_arg_as(const A& a) noexcept {
    if constexpr (arithmetic<A>) return rule_arg(T(0), a);
    else return T(load(tensor_access::impl(a), 0));
}
template <class A>
bool is_scalar_operand(const A& a) noexcept {
    if constexpr (arithmetic<A>) return true;
    else return tensor_access::impl(a) && tensor_access::impl(a)->shape.rank == 0;
}

/// A loss's tensor operands must have one shape, as PyTorch requires: a (N, 1) prediction with
/// (N) targets would otherwise broadcast to (N, N) and give a wrong loss without a word.
template <std::size_t N>
void check_loss_shapes(const tape_operand (&v)[N]) {
    for (std::size_t i = 1; i < N; ++i)
        if (v[0].data && v[i].data && !(v[i].shape == v[0].shape))
            throw shape_error("Target size (" + v[i].shape.str() + ") must be the same as input size (" + v[0].shape.str() +
                              ")");
}

/// The scalar path with a float32 operand: computed in the result's type (PyTorch's promotion).
template <class Op, bool... Owned, class... A, std::size_t... I>
[[gnu::noinline]] Tensor scalar_elementwise_typed(std::index_sequence<I...>, const A&... a) {
    constexpr std::size_t N = sizeof...(A);
    constexpr bool owned[N] = {Owned...};
    ThreadState& s = state();
    Impl* const impls[N] = {scalar_impl(a)...};
    const scalar_type dtype = result_dtype(impls);
    const bool mask[N] = {(s.grad_enabled && impls[I] && impls[I]->requires_grad)...};
    const bool any = (mask[I] || ...);
    double y = 0;
    double partial[N]{};
    auto compute = [&]<class T>(T) {
        const T v = T(Op::value(scalar_arg_as<T>(a)...));
        y = double(v);
        if (any)
            ((mask[I] ? void(partial[I] = double(T(Op::template partial<I>(v, scalar_arg_as<T>(a)...)))) : void()),
             ...);
    };
    if (dtype == float32) compute(0.0f);
    else compute(0.0);
    if (!any) return plain_scalar(s, y, dtype);
    return scalar_statement(s, grad_fn_of<Op, A...>(), y, impls, bits_of(mask), partial, owned, dtype);
}

/// The op-by-op scalar path (every tensor operand has rank 0): no shapes, no loops. The value
/// and the partials are computed before the node is made, so each operand is read once (no call
/// in between) and a unary op's value and partial share work (sin and cos become one sincos).
template <class Op, bool... Owned, class... A, std::size_t... I>
[[gnu::always_inline]] inline Tensor scalar_elementwise(std::index_sequence<I...> seq, const A&... a) {
    constexpr std::size_t N = sizeof...(A);
    constexpr bool owned[N] = {Owned...};
    ThreadState& s = state();
    Impl* const impls[N] = {scalar_impl(a)...};
    if (((impls[I] && impls[I]->dtype != float64) || ...)) [[unlikely]]
        return scalar_elementwise_typed<Op, Owned...>(seq, a...);
    // a word of flags, not an array: flags stored one by one and read back together stall
    const unsigned mask = ((unsigned(s.grad_enabled && impls[I] && impls[I]->requires_grad) << I) | ...);
    const std::tuple<decltype(scalar_arg(a))...> x{scalar_arg(a)...};  // each operand read once
    if (!mask) return plain_scalar(s, double(Op::value(std::get<I>(x)...)));
    // the value computed next to the partials, so that shared work merges (sin and cos: sincos)
    const double y = double(Op::value(std::get<I>(x)...));
    double partial[N]{};
    if constexpr (N == 1) partial[0] = double(Op::template partial<0>(y, std::get<I>(x)...));
    else (((mask >> I) & 1u ? void(partial[I] = double(Op::template partial<I>(y, std::get<I>(x)...))) : void()), ...);
    return scalar_statement(s, grad_fn_of<Op, A...>(), y, impls, mask, partial, owned);
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

/// The record of an op on tensors of any shape, r... its operands as the rules see them (A...
/// as given).
template <class Op, class... A, std::size_t... I, class... R>
[[gnu::always_inline]] inline Tensor general_record(std::index_sequence<I...> seq,
                                                   const tape_operand (&v)[sizeof...(A)], const R&... r) {
    auto fn = [&r...]<class T>(const T* x, T* part, const bool* mask) {
        const T y = T(Op::value(rule_arg(x[I], r)...));
        // a number operand never records: its partial is not computed (the runs of
        // elementwise_runs ask for every partial)
        ((!arithmetic<A> && mask[I] ? void(part[I] = T(Op::template partial<I>(y, rule_arg(x[I], r)...))) : void()),
         ...);
        return y;
    };
    if constexpr (!reduces_to_mean_v<Op>) {
        // float64 tensors of more than one element, recording: partials recomputed in backward
        bool eligible = grad_enabled(), active = false;
        for (const tape_operand& o : v) {
            eligible = eligible && !o.f32;
            active = active || o.active();
        }
        if (eligible && active && broadcast(v).numel() > 1) return record_recomputed<Op, A...>(seq, v, fn, r...);
    }
    return record<packs_v<Op>>(grad_fn_of<Op, A...>(), v, fn, reduces_to_mean_v<Op>);
}

/// An op on tensors of any shape: one general node.
template <class Op, class... A, std::size_t... I>
[[gnu::noinline]] Tensor general_elementwise(std::index_sequence<I...> seq, const A&... a) {
    const tape_operand v[] = {operand_of(a)...};
    if constexpr (reduces_to_mean_v<Op>) check_loss_shapes(v);
    if constexpr (sizeof...(A) == 2) {
        using B = std::tuple_element_t<1, std::tuple<A...>>;
        if constexpr (std::is_integral_v<B>) {
            // an integer second operand (pow's exponent) of 1, 2 or 3 as a compile-time constant:
            // the same products as for the run-time integer, without a branch per element
            const auto& [a0, a1] = std::tie(a...);
            if (a1 == B(1)) return general_record<Op, A...>(seq, v, a0, std::integral_constant<B, B(1)>{});
            if (a1 == B(2)) return general_record<Op, A...>(seq, v, a0, std::integral_constant<B, B(2)>{});
            if (a1 == B(3)) return general_record<Op, A...>(seq, v, a0, std::integral_constant<B, B(3)>{});
        }
    }
    return general_record<Op, A...>(seq, v, a...);
}

/// Owned: whether each operand came as an rvalue (a temporary this op may fold). The scalar
/// path is inlined into the caller; tensors take the general one.
template <class Op, bool... Owned, class... A, std::size_t... I>
[[gnu::always_inline]] inline Tensor elementwise(std::index_sequence<I...> seq, const A&... a) {
    if ((is_scalar_operand(a) && ...)) [[likely]]
        return scalar_elementwise<Op, Owned...>(seq, a...);
    return general_elementwise<Op>(seq, a...);
}

}  // namespace detail

namespace detail {
template <class Op>
struct tensor_apply<Op, tape_tag> {
    /// A Tensor passed as an rvalue that nothing else holds (a temporary) may be folded into the
    /// op's statement.
    template <class... A>
    [[gnu::always_inline]] static Tensor call(A&&... a) {
        static_assert(((tensor_like<std::remove_cvref_t<A>> || arithmetic<std::remove_cvref_t<A>> ||
                        is_rational_v<std::remove_cvref_t<A>>) &&
                       ...),
                      "etgrad: an op on Tensors takes Tensors and numbers (and compile-time constants such as 2_c); "
                      "to combine Tensors with variables, evaluate the expression at Tensor bindings: f(x = t)");
        return detail::elementwise<Op, !std::is_lvalue_reference_v<A>...>(std::index_sequence_for<A...>{},
                                                                          tape_value(own(std::forward<A>(a)))...);
    }

  private:
    /// An rvalue is moved into a temporary of the call (its source is left empty, as after a
    /// move); an lvalue is read where it is.
    template <class A>
    [[gnu::always_inline]] static decltype(auto) own(A&& a) {
        if constexpr (std::is_lvalue_reference_v<A>) return static_cast<const std::remove_reference_t<A>&>(a);
        else return std::remove_cvref_t<A>(std::move(a));
    }
    /// A compile-time constant becomes its value (an integer stays an integer: pow(t, 2_c)
    /// multiplies); tensors and numbers pass through.
    template <class A>
    static const A& tape_value(const A& a) noexcept {
        return a;
    }
    template <std::intmax_t N, std::intmax_t D>
    static auto tape_value(const rational<N, D>&) noexcept {
        if constexpr (D == 1) return N;
        else return double(N) / double(D);
    }
};

template <class... B>
struct tensor_names;
template <>
struct tensor_names<> {
    using type = name_list<>;
};
template <class B, class... Bs>
struct tensor_names<B, Bs...> {
    using rest = typename tensor_names<Bs...>::type;
    using type = std::conditional_t<tensor_like<typename B::value_type>,
                                    typename concat<name_list<B::name>, rest>::type, rest>;
};

/// A static expression on tensors: elementwise over the broadcast shape of its Tensor
/// bindings, each element's value and partials from the static sweep; ONE tape node.
template <>
struct tensor_evaluate<tape_tag> {
    template <class F, class... B>
    [[gnu::always_inline]] static Tensor call(const F& f, const B&... b) {
        using active = typename tensor_names<B...>::type;
        if ((is_scalar64(b.value) && ...)) [[likely]]
            return scalar_call<active>(f, std::index_sequence_for<B...>{}, b...);
        return general_call<active>(f, b...);
    }

  private:
    /// A number, or a tensor of one float64 element (rank 0): what the scalar path takes.
    template <class A>
    static bool is_scalar64(const A& a) noexcept {
        if constexpr (arithmetic<A>) return true;
        else return tensor_access::impl(a) && tensor_access::impl(a)->shape.rank == 0 &&
                    tensor_access::impl(a)->dtype == float64;
    }
    /// Every operand a number or a float64 scalar tensor: the static sweep on doubles, its
    /// partials written as one statement, inlined into the caller.
    template <class Active, class F, class... B, std::size_t... I>
    [[gnu::always_inline]] static Tensor scalar_call(const F& f, std::index_sequence<I...>, const B&... b) {
        constexpr std::size_t N = sizeof...(B);
        ThreadState& s = state();
        Impl* const impls[N] = {scalar_impl(b.value)...};
        // a word of flags, not an array: flags stored one by one and read back together stall
        const unsigned mask = ((unsigned(s.grad_enabled && impls[I] && impls[I]->requires_grad) << I) | ...);
        const auto r = sweep<Active>(f, binding<B::name, double>{double(scalar_arg(b.value))}...);
        if (!mask) return plain_scalar(s, double(r.value));
        const double partial[N] = {partial_for<B, double>(r)...};
        constexpr bool owned[N]{};
        return scalar_statement(s, "ExprBackward0", double(r.value), impls, mask, partial, owned);
    }
    template <class Active, class F, class... B>
    [[gnu::noinline]] static Tensor general_call(const F& f, const B&... b) {
        const detail::tape_operand v[] = {detail::operand_of(b.value)...};
        auto fn = [&f]<class T>(const T* x, T* part, const bool* mask) {
            return element<Active, B...>(f, x, part, mask, std::index_sequence_for<B...>{});
        };
        return detail::record<expression_packs_v<F>>("ExprBackward0", v, fn);
    }
    template <class Active, class... B, class F, class T, std::size_t... I>
    static T element(const F& f, const T* x, T* part, const bool* mask, std::index_sequence<I...>) {
        const auto r = sweep<Active>(f, binding<B::name, T>{x[I]}...);
        ((mask[I] ? void(part[I] = partial_for<B, T>(r)) : void()), ...);
        return T(r.value);
    }
    template <class B, class T, class R>
    static T partial_for(const R& r) {
        if constexpr (tensor_like<typename B::value_type>) return T(r.grad[variable<B::name>{}]);
        else return T(0);
    }
};
}  // namespace detail

namespace detail {
/// What clone() records: the identity, with PyTorch's grad_fn name.
struct clone_op {
    static constexpr char name[] = "clone";
    static constexpr char grad_fn[] = "CloneBackward0";
    static constexpr bool constant_partials = true;
    template <class A>
    static constexpr auto value(A a) { return a; }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A&) { return 1.0; }
};
}  // namespace detail

/// A copy with its own storage; recorded (CloneBackward0) when this tensor requires grad.
inline Tensor Tensor::clone() const {
    check_defined("clone()");
    return apply<detail::clone_op>(*this);
}

}  // namespace etgrad
