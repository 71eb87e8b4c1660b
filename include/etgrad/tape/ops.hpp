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
#include <etgrad/tape/recompute.hpp>
#include <etgrad/tape/record.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
template <class Op, class... A>
class tensor_expression;

namespace detail {

/// A scalar operand's record (null for a number), and its value as the rule sees it.
template <class A>
Impl* scalar_impl(const A& a) noexcept {
    if constexpr (arithmetic<A>) return nullptr;
    else return tensor_access::impl(a);
}
template <class A>
[[gnu::always_inline]] inline auto scalar_arg(const A& a) noexcept {
    if constexpr (arithmetic<A>) return a;
    else return tensor_access::impl(a)->value64();
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
/// What an expression stores for an operand: a Tensor or an expression by value, a
/// compile-time constant as its number (an integer stays an integer: pow(t, 2_c) multiplies).
template <class A>
struct stored_operand {
    using type = A;
    template <class V>
    static A make(V&& v) {
        return A(std::forward<V>(v));
    }
};
template <std::intmax_t N, std::intmax_t D>
struct stored_operand<rational<N, D>> {
    using type = std::conditional_t<D == 1, std::intmax_t, double>;
    static type make(const rational<N, D>&) noexcept {
        if constexpr (D == 1) return N;
        else return double(N) / double(D);
    }
};

template <class Op>
struct tensor_apply<Op, tape_tag> {
    /// An op of Tensors is an expression, recorded when it becomes a Tensor (tape/expression.hpp);
    /// a loss is recorded when it is applied.
    template <class... A>
    [[gnu::always_inline]] static auto call(A&&... a) {
        static_assert(((tensor_operand<A> || arithmetic<std::remove_cvref_t<A>> ||
                        is_rational_v<std::remove_cvref_t<A>>) &&
                       ...),
                      "etgrad: an op on Tensors takes Tensors and numbers (and compile-time constants such as 2_c); "
                      "to combine Tensors with variables, evaluate the expression at Tensor bindings: f(x = t)");
        using expression = tensor_expression<Op, typename stored_operand<std::remove_cvref_t<A>>::type...>;
        // a loss is recorded at once: its result is a Tensor, and a target of the wrong shape throws here
        if constexpr (reduces_to_mean_v<Op>) return Tensor(expression(std::in_place, std::forward<A>(a)...));
        else return expression(std::in_place, std::forward<A>(a)...);
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
        else return tensor_access::impl(a) && tensor_access::impl(a)->is_scalar64();
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

}  // namespace etgrad
