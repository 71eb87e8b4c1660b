/// @file ops.hpp  Ops on tape tensors. Elementwise ops evaluate the same op rules as the
/// static engine (value and partials, once per element), with PyTorch's broadcasting among
/// ranks 0, 1, 2 and PyTorch's grad_fn names; reductions, dot and matmul; and static
/// expressions evaluated on tensors, recorded as one node (statement-level preaccumulation).
#pragma once
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/bindings.hpp>
#include <etgrad/numeric/gradient.hpp>
#include <etgrad/ops/activation.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/clamp.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/indicator.hpp>
#include <etgrad/ops/loss.hpp>
#include <etgrad/ops/trig.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace tape_detail {

// PyTorch's grad_fn names (the tape's concern, not the op rules').
template <class Op>
inline constexpr const char* grad_fn_name = "Backward0";
template <> inline constexpr const char* grad_fn_name<add_op> = "AddBackward0";
template <> inline constexpr const char* grad_fn_name<sub_op> = "SubBackward0";
template <> inline constexpr const char* grad_fn_name<mul_op> = "MulBackward0";
template <> inline constexpr const char* grad_fn_name<div_op> = "DivBackward0";
template <> inline constexpr const char* grad_fn_name<neg_op> = "NegBackward0";
template <> inline constexpr const char* grad_fn_name<pow_op> = "PowBackward0";
template <> inline constexpr const char* grad_fn_name<square_op> = "PowBackward0";  // torch.square is pow(x, 2)
template <> inline constexpr const char* grad_fn_name<sqrt_op> = "SqrtBackward0";
template <> inline constexpr const char* grad_fn_name<exp_op> = "ExpBackward0";
template <> inline constexpr const char* grad_fn_name<log_op> = "LogBackward0";
template <> inline constexpr const char* grad_fn_name<log1p_op> = "Log1PBackward0";
template <> inline constexpr const char* grad_fn_name<sin_op> = "SinBackward0";
template <> inline constexpr const char* grad_fn_name<cos_op> = "CosBackward0";
template <> inline constexpr const char* grad_fn_name<tan_op> = "TanBackward0";
template <> inline constexpr const char* grad_fn_name<tanh_op> = "TanhBackward0";
template <> inline constexpr const char* grad_fn_name<sigmoid_op> = "SigmoidBackward0";
template <> inline constexpr const char* grad_fn_name<relu_op> = "ReluBackward0";
template <> inline constexpr const char* grad_fn_name<abs_op> = "AbsBackward0";
template <> inline constexpr const char* grad_fn_name<clamp_op> = "ClampBackward1";
template <> inline constexpr const char* grad_fn_name<min_op> = "MinimumBackward0";
template <> inline constexpr const char* grad_fn_name<max_op> = "MaximumBackward0";
template <> inline constexpr const char* grad_fn_name<bce_op> = "BinaryCrossEntropyBackward0";
template <> inline constexpr const char* grad_fn_name<bce_with_logits_op> = "BinaryCrossEntropyWithLogitsBackward0";
template <> inline constexpr const char* grad_fn_name<mse_op> = "MseLossBackward0";
template <> inline constexpr const char* grad_fn_name<step_op> = "StepBackward0";
template <> inline constexpr const char* grad_fn_name<sign_op> = "SignBackward0";

template <class Op, class... A>
constexpr const char* name_for() {
    if constexpr (std::is_same_v<Op, pow_op>)  // a tensor exponent is PyTorch's PowBackward1
        return tensor_like<std::tuple_element_t<1, std::tuple<A...>>> ? "PowBackward1" : "PowBackward0";
    else if constexpr (std::is_same_v<Op, clamp_op>)  // tensor bounds: ClampBackward0
        return (tensor_like<A> || ...) && !(arithmetic<std::tuple_element_t<1, std::tuple<A...>>> &&
                                             arithmetic<std::tuple_element_t<2, std::tuple<A...>>>)
                   ? "ClampBackward0"
                   : "ClampBackward1";
    else
        return grad_fn_name<Op>;
}

/// An operand of an elementwise op: a tensor, or a number broadcast everywhere.
struct operand {
    const double* data = nullptr;  // null for a number
    double number = 0;
    Shape shape;
    Impl* impl = nullptr;
    double at(std::int64_t r, std::int64_t c) const noexcept {
        if (!data) return number;
        const std::int64_t R = shape.rows(), C = shape.cols();
        return data[(R == 1 ? 0 : r) * C + (C == 1 ? 0 : c)];
    }
    bool active() const noexcept { return impl && impl->requires_grad; }
};
inline operand operand_of(const Tensor& t) {
    Impl* p = t.impl();
    if (!p) throw autograd_error("an undefined Tensor (such as an absent grad()) was used in an op");
    return {p->data, 0, p->shape, p};
}
template <class A>
    requires arithmetic<A>
operand operand_of(const A& a) {
    return {nullptr, double(a), Shape::scalar(), nullptr};
}

/// PyTorch's broadcasting for ranks 0, 1, 2 (dimensions aligned on the right).
template <std::size_t N>
Shape broadcast(const operand (&v)[N]) {
    Shape out;
    for (const operand& o : v)
        if (o.data && o.shape.rank > out.rank) out.rank = o.shape.rank;
    out.dims[0] = out.dims[1] = 1;
    // second pass: every operand must match out or be 1 in each (right-aligned) dimension
    for (const operand& o : v) {
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
            for (const operand& q : v)
                if (q.data) shapes += (shapes.empty() ? "" : " and ") + q.shape.str();
            throw shape_error("The size of tensor a (" + std::to_string(a) + ") must match the size of tensor b (" +
                              std::to_string(b) + ") at non-singleton dimension " + std::to_string(od) +
                              " (shapes " + shapes + ")");
        }
    }
    return out;
}

/// A scalar result without history.
inline Tensor plain_scalar(double y) {
    Impl* out = state().new_impl();
    out->local = y;
    return Tensor(out);
}
/// Unrolled by hand: constant indices let the compiler keep the operand arrays in registers.
template <std::size_t N, std::size_t... I>
[[gnu::always_inline]] inline void fill_scalar_inputs(ScalarInput* in, Impl* const (&impls)[N], const bool (&mask)[N],
                                                      const double (&partials)[N], std::index_sequence<I...>) {
    ((mask[I] ? (++impls[I]->refs, void(*in++ = {impls[I], partials[I]})) : void()), ...);
}
/// A scalar result with history: a scalar node with the active operands and their partials,
/// its output record beside it. Inlined into its caller, so that the operand arrays stay in
/// registers: read back from the stack after the node's stores, they stalled on 4 KiB aliasing
/// with the arena for some stack placements (up to 1.5x slower per process, by ASLR's draw).
template <std::size_t N>
[[gnu::always_inline]] inline Tensor scalar_result(const char* name, double y, Impl* const (&impls)[N], const bool (&mask)[N],
                     const double (&partials)[N], int n_active) {
    Node* node = make_scalar_node(name, n_active);
    fill_scalar_inputs(node->scalar_inputs(), impls, mask, partials, std::make_index_sequence<N>{});
    node->output()->local = y;
    return Tensor(node->output());
}

/// The scalar case of record() (a static statement on scalar tensors): no shapes, no loops.
template <std::size_t N, class Fn>
Tensor record_scalar(const char* name, const operand (&v)[N], Fn fn) {
    double values[N]{};
    double partials[N]{};
    bool mask[N]{};
    Impl* impls[N]{};
    int n_active = 0;
    const bool recording = grad_enabled();
    for (std::size_t i = 0; i < N; ++i) {
        values[i] = v[i].data ? v[i].data[0] : v[i].number;
        mask[i] = recording && v[i].active();
        impls[i] = v[i].impl;
        n_active += mask[i];
    }
    const double y = fn(values, partials, mask);
    if (n_active == 0) return plain_scalar(y);
    return scalar_result(name, y, impls, mask, partials, n_active);
}

template <std::size_t N, class Fn>
Tensor record(const char* name, const operand (&v)[N], Fn fn, bool mean = false) {
    bool all_scalar = true;
    for (const operand& o : v) all_scalar = all_scalar && o.shape.rank == 0;
    if (all_scalar) return record_scalar(name, v, fn);
    const Shape bshape = broadcast(v);
    const std::int64_t R = bshape.rows(), C = bshape.cols(), E = R * C;
    int active[N];
    int n_active = 0;
    bool mask[N];
    const bool recording = grad_enabled();
    for (std::size_t i = 0; i < N; ++i) {
        mask[i] = recording && v[i].active();
        if (mask[i]) active[n_active++] = int(i);
    }
    const Shape out_shape = mean ? Shape::scalar() : bshape;
    Impl* out = make_impl(out_shape, false);  // every element is written below
    Tensor result(out);
    Node* node = nullptr;
    if (n_active > 0) {
        node = make_node(name, out_shape, n_active, E);
        node->kind = mean ? Kind::mean_elementwise : Kind::elementwise;
        node->ext()->elem_rows = R;
        node->ext()->elem_cols = C;
        for (int j = 0; j < n_active; ++j) {
            Input& in = node->inputs()[j];
            in.impl = v[active[j]].impl;
            retain(in.impl);
            in.rows = v[active[j]].shape.rows();
            in.cols = v[active[j]].shape.cols();
        }
    }
    double values[N > 0 ? N : 1]{};
    double partials[N > 0 ? N : 1]{};
    double total = 0;
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
    for (int j = 0; j < n_active; ++j) partial_out[active[j]] = node->inputs()[j].partial;
    auto element = [&](std::int64_t k) {
        const double y = fn(values, partials, mask);
        if (mean) total += y;
        else out->data[k] = y;
        // constant indices (N is a constant): the arrays can live in registers, not on the stack
        for (std::size_t i = 0; i < N; ++i)
            if (mask[i]) partial_out[i][k] = partials[i] * scale;
    };
    if (contiguous) {
        for (std::int64_t k = 0; k < E; ++k) {
            for (std::size_t i = 0; i < N; ++i) values[i] = v[i].data ? v[i].data[k * stride[i]] : v[i].number;
            element(k);
        }
    } else {
        for (std::int64_t r = 0; r < R; ++r)
            for (std::int64_t c = 0; c < C; ++c) {
                for (std::size_t i = 0; i < N; ++i) values[i] = v[i].at(r, c);
                element(r * C + c);
            }
    }
    if (mean) out->data[0] = total * scale;
    if (node) {
        out->requires_grad = true;
        out->grad_fn = node;  // the node's initial ref
        node->ext()->output = out;
    }
    return result;
}

template <class Op>
inline constexpr bool is_loss = std::is_same_v<Op, bce_op> || std::is_same_v<Op, bce_with_logits_op> ||
                                std::is_same_v<Op, mse_op>;

/// The operand as the rule sees it: a tensor's element, or a number with its own type (so that
/// pow(t, 2) keeps an integer exponent and multiplies instead of calling std::pow).
template <class A>
auto rule_arg(double element, const A& a) {
    if constexpr (arithmetic<A>) return a;
    else return element;
}

/// A scalar operand's record (null for a number), and its value as the rule sees it.
template <class A>
Impl* scalar_impl(const A& a) noexcept {
    if constexpr (arithmetic<A>) return nullptr;
    else return a.impl();
}
template <class A>
auto scalar_arg(const A& a) noexcept {
    if constexpr (arithmetic<A>) return a;
    else return a.impl()->data[0];
}
template <class A>
bool is_scalar_operand(const A& a) noexcept {
    if constexpr (arithmetic<A>) return true;
    else return a.impl() && a.impl()->shape.rank == 0;
}

/// The op-by-op scalar path (every tensor operand has rank 0): no shapes, no loops. The value
/// and the partials are computed before the node is made, so each operand is read once (no call
/// in between) and a unary op's value and partial share work (sin and cos become one sincos).
template <class Op, class... A, std::size_t... I>
Tensor scalar_elementwise(std::index_sequence<I...>, const A&... a) {
    constexpr std::size_t N = sizeof...(A);
    Impl* const impls[N] = {scalar_impl(a)...};
    const bool recording = grad_enabled();
    const bool mask[N] = {(recording && impls[I] && impls[I]->requires_grad)...};
    const int n_active = (int(mask[I]) + ...);
    const double y = double(Op::value(scalar_arg(a)...));
    if (n_active == 0) return plain_scalar(y);
    double partial[N]{};
    if constexpr (N == 1) partial[0] = double(Op::template partial<0>(y, scalar_arg(a)...));
    else ((mask[I] ? void(partial[I] = double(Op::template partial<I>(y, scalar_arg(a)...))) : void()), ...);
    return scalar_result(name_for<Op, A...>(), y, impls, mask, partial, n_active);
}

template <class Op, class... A, std::size_t... I>
Tensor elementwise(std::index_sequence<I...> seq, const A&... a) {
    if ((is_scalar_operand(a) && ...)) return scalar_elementwise<Op>(seq, a...);
    const operand v[] = {operand_of(a)...};
    auto fn = [&a...](const double* x, double* part, const bool* mask) {
        const double y = double(Op::value(rule_arg(x[I], a)...));
        ((mask[I] ? void(part[I] = double(Op::template partial<I>(y, rule_arg(x[I], a)...))) : void()), ...);
        return y;
    };
    return record(name_for<Op, A...>(), v, fn, is_loss<Op>);
}

}  // namespace tape_detail

namespace detail {
template <class Op>
struct tensor_apply<Op, tape_tag> {
    template <class... A>
    static Tensor call(const A&... a) {
        return tape_detail::elementwise<Op>(std::index_sequence_for<A...>{}, a...);
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
    static Tensor call(const F& f, const B&... b) {
        using active = typename tensor_names<B...>::type;
        const tape_detail::operand v[] = {tape_detail::operand_of(b.value)...};
        auto fn = [&f](const double* x, double* part, const bool* mask) {
            return element<active, B...>(f, x, part, mask, std::index_sequence_for<B...>{});
        };
        return tape_detail::record("ExprBackward0", v, fn);
    }

  private:
    template <class Active, class... B, class F, std::size_t... I>
    static double element(const F& f, const double* x, double* part, const bool* mask, std::index_sequence<I...>) {
        const auto r = sweep<Active>(f, binding<B::name, double>{x[I]}...);
        ((mask[I] ? void(part[I] = partial_for<B>(r)) : void()), ...);
        return double(r.value);
    }
    template <class B, class R>
    static double partial_for(const R& r) {
        if constexpr (tensor_like<typename B::value_type>) return double(r.grad[variable<B::name>{}]);
        else return 0.0;
    }
};
}  // namespace detail

}  // namespace etgrad
