/// @file compare.hpp  Elementwise comparisons of tensors (torch.gt, lt, ge, le, eq, ne), whose
/// results hold 1 or 0 and do not require grad, and where(condition, a, b) (WhereBackward0).
#pragma once
#include <cstddef>
#include <functional>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/tape/expression.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {
/// A comparison as an op of the tape: its value 1 or 0, its partials 0 (never recorded).
template <class Compare>
struct compare_op {
    static constexpr char name[] = "compare";
    static constexpr bool packs = false;
    template <class A, class B>
    static constexpr double value(A a, B b) { return Compare{}(a, b) ? 1.0 : 0.0; }
    template <std::size_t I, class Y, class A, class B>
    static constexpr double partial(const Y&, const A&, const B&) { return 0.0; }
};
/// A comparison computes, never records: its result does not require grad, as in PyTorch.
template <class Compare, class A, class B>
Tensor compare(const A& a, const B& b) {
    no_grad_guard guard;
    return apply<compare_op<Compare>>(a, b);
}

/// where(condition, a, b): a where the condition is nonzero, b elsewhere; the gradient goes to
/// the chosen operand.
struct where_op {
    static constexpr char name[] = "where";
    static constexpr char grad_fn[] = "WhereBackward0";
    static constexpr bool packs = false;
    template <class C, class A, class B>
    static constexpr auto value(C c, A a, B b) { return c != 0 ? double(a) : double(b); }
    template <std::size_t I, class Y, class C, class A, class B>
    static constexpr double partial(const Y&, const C& c, const A&, const B&) {
        if constexpr (I == 0) return 0.0;
        else if constexpr (I == 1) return c != 0 ? 1.0 : 0.0;
        else return c != 0 ? 0.0 : 1.0;
    }
};
/// where() of recorded operands (Tensors and numbers).
template <class A, class B>
Tensor where_of(const Tensor& condition, const A& a, const B& b) {
    const detail::Impl* const operands[] = {detail::scalar_impl(a), detail::scalar_impl(b)};
    const scalar_type dtype = detail::result_dtype(operands);
    return apply<detail::where_op>(condition.dtype() == dtype ? condition : condition.to(dtype), a, b);
}
template <class A>
concept tensor_or_number = tensor_operand<A> || arithmetic<A>;
}  // namespace detail

/// Elementwise a > b as 1 or 0 (torch.gt); likewise lt, ge, le, eq, ne. Broadcasts; never recorded.
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor gt(const A& a, const B& b) { return detail::compare<std::greater<>>(a, b); }
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor lt(const A& a, const B& b) { return detail::compare<std::less<>>(a, b); }
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor ge(const A& a, const B& b) { return detail::compare<std::greater_equal<>>(a, b); }
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor le(const A& a, const B& b) { return detail::compare<std::less_equal<>>(a, b); }
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor eq(const A& a, const B& b) { return detail::compare<std::equal_to<>>(a, b); }
template <detail::tensor_or_number A, detail::tensor_or_number B>
    requires(tensor_operand<A> || tensor_operand<B>)
Tensor ne(const A& a, const B& b) { return detail::compare<std::not_equal_to<>>(a, b); }

/// a where condition is nonzero, b elsewhere, broadcasting all three (WhereBackward0); its dtype
/// is a's and b's (the condition's does not count, as PyTorch's bool condition).
template <detail::tensor_or_number A, detail::tensor_or_number B>
Tensor where(const Tensor& condition, const A& a, const B& b) {
    if constexpr (!tensor_like<A> && !arithmetic<A>) return where(condition, Tensor(A(a)), b);
    else if constexpr (!tensor_like<B> && !arithmetic<B>) return where(condition, a, Tensor(B(b)));
    else return detail::where_of(condition, a, b);
}

}  // namespace etgrad
