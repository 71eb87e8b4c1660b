/// @file expression.hpp  Ops applied to Tensors, recorded when they become a Tensor: `x + w * sin(x)`
/// is an expression of three ops holding its Tensors (counted handles, never references), and
/// assigning it to a Tensor records it as ONE statement whose partials the chain rule gives at
/// that moment (scalar operands), or op by op (tensors of more than one element, float32).
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <etgrad/core/errors.hpp>
#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/tape/ops.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>
#include <etgrad/tape/statement.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {

template <class Op, class... A>
class tensor_expression;

namespace detail {
template <class Op, class... A>
struct is_tensor_expression<tensor_expression<Op, A...>> : std::true_type {};

/// How many Tensors an operand of an expression holds (a number: none).
template <class A>
inline constexpr std::size_t tensors_in = tensor_like<A> ? 1 : 0;
template <class Op, class... A>
inline constexpr std::size_t tensors_in<tensor_expression<Op, A...>> = (tensors_in<A> + ... + 0);

/// The first Tensor of operand I among the operands A... (they are numbered left to right).
template <std::size_t I, class... A>
constexpr std::size_t tensor_offset() noexcept {
    constexpr std::size_t counts[] = {tensors_in<A>..., 0};
    std::size_t k = 0;
    for (std::size_t j = 0; j < I; ++j) k += counts[j];
    return k;
}

/// An operand as the op rules see it on the scalar path: a Tensor's value, a number as it is.
template <class A>
struct scalar_trace {
    A y;
};
template <>
struct scalar_trace<Tensor> {
    double y;
};
template <class Op, class... A>
struct scalar_trace<tensor_expression<Op, A...>> {
    double y;
    std::tuple<scalar_trace<A>...> operands;
};

/// The type an operand has once recorded (an expression becomes a Tensor).
template <class A>
using recorded_t = std::conditional_t<is_tensor_expression<A>::value, Tensor, A>;

struct expression_access;
}  // namespace detail

#define ETGRAD_LVALUE_EXPRESSION                                                                          \
    "etgrad: an expression of Tensors is recorded when it becomes a Tensor; write `Tensor y = ...;` "      \
    "(not `auto y = ...;`), or std::move it where it becomes one"

/// Ops applied to Tensors (and numbers), not yet recorded: what `x * w`, `sin(x)` and every op
/// of Tensors return. It becomes a Tensor when it initialises or is assigned to one (or is
/// passed where a Tensor is taken): the whole expression is then ONE tape statement (its
/// grad_fn the outermost op's, as PyTorch names it), or the ops one by one when an operand is a
/// tensor of more than one element or of float32. It holds its Tensors as counted handles, so
/// it never dangles; it is meant as a temporary: `Tensor y = x * x;` (an `auto` variable of it
/// cannot become a Tensor, so that one expression is never recorded twice as two Tensors).
/// On a temporary, the reading members of Tensor record it and read the result:
/// `relu(a).to_vector()`, `(x * x).backward()`.
template <class Op, class... A>
class [[nodiscard]] tensor_expression {
  public:
    using tensor_type = Tensor;
    template <class... V>
    explicit tensor_expression(std::in_place_t, V&&... v)
        : operands_(detail::stored_operand<std::remove_cvref_t<V>>::make(std::forward<V>(v))...) {}

    /// Records the expression: the Tensor it makes.
    operator Tensor() && { return std::move(*this).record(); }  // NOLINT: implicit on purpose
    template <class T>
        requires std::same_as<T, Tensor>
    operator T() const& {  // NOLINT
        static_assert(detail::always_false<T>, ETGRAD_LVALUE_EXPRESSION);
        return {};
    }

    double item() && { return std::move(*this).record().item(); }
    template <class T = double>
        requires std::is_floating_point_v<T>
    std::vector<T> to_vector() && {
        return std::move(*this).record().template to_vector<T>();
    }
    scalar_type dtype() && { return std::move(*this).record().dtype(); }
    std::vector<std::int64_t> shape() && { return std::move(*this).record().shape(); }
    std::int64_t numel() && { return std::move(*this).record().numel(); }
    int dim() && { return std::move(*this).record().dim(); }
    bool requires_grad() && { return std::move(*this).record().requires_grad(); }
    std::string grad_fn() && { return std::move(*this).record().grad_fn(); }
    Tensor to(scalar_type t) && { return std::move(*this).record().to(t); }
    Tensor detach() && { return std::move(*this).record().detach(); }
    Tensor clone() && { return std::move(*this).record().clone(); }
    Tensor t() && { return std::move(*this).record().t(); }
    Tensor operator[](std::int64_t i) && { return std::move(*this).record()[i]; }
    Tensor reshape(std::initializer_list<std::int64_t> d) && { return std::move(*this).record().reshape(d); }
    Tensor view(std::initializer_list<std::int64_t> d) && { return std::move(*this).record().view(d); }
    void backward() && { std::move(*this).record().backward(); }
    void backward(retain_graph_t r) && { std::move(*this).record().backward(r); }
    void backward(const Tensor& g) && { std::move(*this).record().backward(g); }
    void backward(const Tensor& g, retain_graph_t r) && { std::move(*this).record().backward(g, r); }
    template <class... T>
    void backward(T&&...) & {
        static_assert(detail::always_false<T...>, ETGRAD_LVALUE_EXPRESSION);
    }
    template <class T = double>
    double item() & {
        static_assert(detail::always_false<T>, ETGRAD_LVALUE_EXPRESSION);
        return 0;
    }

  private:
    friend struct detail::expression_access;
    template <class, class...>
    friend class tensor_expression;
    static constexpr std::size_t tensors = (detail::tensors_in<A> + ... + 0);
    using sequence = std::index_sequence_for<A...>;

    Tensor record() &&;
    Tensor op_by_op() &&;
    template <std::size_t First>
    void collect(detail::Impl** impls) const;
    template <std::size_t First>
    detail::scalar_trace<tensor_expression> forward(const double* x) const;
    template <std::size_t First>
    void reverse(const detail::scalar_trace<tensor_expression>& t, double adjoint, double* partial) const;

    std::tuple<A...> operands_;
};

#undef ETGRAD_LVALUE_EXPRESSION

namespace detail {
struct expression_access {
    template <class Op, class... A>
    static Tensor record(tensor_expression<Op, A...>&& e) {
        return std::move(e).record();
    }
    template <std::size_t First, class Op, class... A>
    static void collect(const tensor_expression<Op, A...>& e, Impl** impls) {
        e.template collect<First>(impls);
    }
    template <std::size_t First, class Op, class... A>
    static auto forward(const tensor_expression<Op, A...>& e, const double* x) {
        return e.template forward<First>(x);
    }
    template <std::size_t First, class Op, class... A>
    static void reverse(const tensor_expression<Op, A...>& e, const scalar_trace<tensor_expression<Op, A...>>& t,
                        double adjoint, double* partial) {
        e.template reverse<First>(t, adjoint, partial);
    }
};

/// An operand recorded for the op-by-op path: an expression becomes its Tensor (an rvalue the op
/// may fold), a Tensor or a number passes.
template <class A>
decltype(auto) recorded(A&& a) {
    if constexpr (is_tensor_expression<std::remove_cvref_t<A>>::value)
        return expression_access::record(std::remove_cvref_t<A>(std::forward<A>(a)));
    else return std::forward<A>(a);
}
/// Owned, for each operand of the op-by-op path: this expression holds its Tensors.
template <std::size_t>
inline constexpr bool held = true;
}  // namespace detail

template <class Op, class... A>
template <std::size_t First>
void tensor_expression<Op, A...>::collect(detail::Impl** impls) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto one = [&]<std::size_t K, class V>(const V& v) {
            if constexpr (tensor_like<V>) impls[K] = detail::tensor_access::impl(v);
            else if constexpr (detail::is_tensor_expression<V>::value) detail::expression_access::collect<K>(v, impls);
        };
        (one.template operator()<First + detail::tensor_offset<I, A...>()>(std::get<I>(operands_)), ...);
    }(sequence{});
}

template <class Op, class... A>
template <std::size_t First>
detail::scalar_trace<tensor_expression<Op, A...>> tensor_expression<Op, A...>::forward(const double* x) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto one = [&]<std::size_t K, class V>(const V& v) {
            if constexpr (tensor_like<V>) return detail::scalar_trace<Tensor>{x[K]};
            else if constexpr (detail::is_tensor_expression<V>::value) return detail::expression_access::forward<K>(v, x);
            else return detail::scalar_trace<V>{v};
        };
        std::tuple<detail::scalar_trace<A>...> ops{
            one.template operator()<First + detail::tensor_offset<I, A...>()>(std::get<I>(operands_))...};
        const double y = double(Op::value(std::get<I>(ops).y...));
        return detail::scalar_trace<tensor_expression>{y, std::move(ops)};
    }(sequence{});
}

template <class Op, class... A>
template <std::size_t First>
void tensor_expression<Op, A...>::reverse(const detail::scalar_trace<tensor_expression>& t, double adjoint,
                                          double* partial) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto one = [&]<std::size_t J>() {
            using V = std::tuple_element_t<J, std::tuple<A...>>;
            constexpr std::size_t k = First + detail::tensor_offset<J, A...>();
            if constexpr (tensor_like<V> || detail::is_tensor_expression<V>::value) {
                const double a = adjoint * double(Op::template partial<J>(t.y, std::get<I>(t.operands).y...));
                if constexpr (tensor_like<V>) partial[k] = a;
                else detail::expression_access::reverse<k>(std::get<J>(operands_), std::get<J>(t.operands), a, partial);
            }
        };
        (one.template operator()<I>(), ...);
    }(sequence{});
}

template <class Op, class... A>
Tensor tensor_expression<Op, A...>::op_by_op() && {
    return [&]<std::size_t... I>(std::index_sequence<I...> seq) {
        // recorded left to right (a braced list orders its elements' evaluation)
        std::tuple<detail::recorded_t<A>...> ops{
            detail::recorded(std::move(std::get<I>(operands_)))...};
        // every Tensor here is held by this call alone or shared: the op may fold one it alone holds
        return detail::elementwise<Op, detail::held<I>...>(seq, std::get<I>(ops)...);
    }(sequence{});
}

template <class Op, class... A>
Tensor tensor_expression<Op, A...>::record() && {
    constexpr std::size_t N = tensors;
    constexpr bool nested = (detail::is_tensor_expression<A>::value || ...);
    if constexpr (!nested || N > 32) {
        return std::move(*this).op_by_op();
    } else {
        detail::Impl* impls[N];
        collect<0>(impls);
        detail::ThreadState& s = detail::state();
        unsigned mask = 0;
        bool scalar = true;
        double x[N];
        for (std::size_t i = 0; i < N; ++i) {
            const detail::Impl* p = impls[i];
            // every Tensor a float64 scalar (an undefined one is refused op by op)
            if (!p || !p->is_scalar64()) [[unlikely]] {
                scalar = false;
                break;
            }
            mask |= unsigned(p->requires_grad) << i;
            x[i] = p->value64();
        }
        if (!scalar) [[unlikely]]
            return std::move(*this).op_by_op();
        if (!s.grad_enabled) mask = 0;
        const auto t = forward<0>(x);
        if (!mask) return detail::plain_scalar(s, t.y);
        double partial[N];
        reverse<0>(t, 1.0, partial);
        bool own[N];  // every Tensor is held by this expression: the statement folds one it alone holds
        for (bool& o : own) o = true;
        return detail::scalar_statement(s, detail::grad_fn_of<Op, detail::recorded_t<A>...>(), t.y, impls, mask,
                                        partial, own);
    }
}

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
