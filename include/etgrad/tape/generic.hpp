/// @file generic.hpp  What makes Tensor usable as T in generic numerical code, like an active
/// scalar of Adept or CoDiPack: comparisons with numbers and tensors (bool, for one element, as
/// item() would give) and compound assignments.
#pragma once
#include <compare>
#include <string>

#include <etgrad/core/expression.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/tape/expression.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/tensor.hpp>

namespace etgrad {
namespace detail {
inline double compared_value(const Tensor& t) {
    if (!t.defined()) throw autograd_error("an undefined Tensor (such as an absent grad()) was compared");
    if (t.numel() != 1) throw shape_error("Boolean value of Tensor with more than one value is ambiguous");
    return t.item();
}
template <class A>
    requires arithmetic<A>
double compared_value(const A& a) noexcept {
    return double(a);
}
template <class E>
    requires is_tensor_expression<E>::value
double compared_value(const E& e) {
    return compared_value(Tensor(E(e)));
}

/// `a op= b`: recorded like `a = a op b` when it records (the handle then names the result,
/// as after `x = x + y`); otherwise the result is written into a's storage, which every handle
/// to a shares (an optimizer's update under no_grad_guard). A leaf that requires grad refuses
/// it while recording, as PyTorch does.
inline Tensor& compound_assign(Tensor& a, const Tensor& result, const char* op) {
    Impl* p = tensor_access::impl(a);
    if (!p) throw autograd_error(std::string("Tensor ") + op + " on an undefined Tensor");
    if (result.requires_grad()) {
        if (a.is_leaf() && a.requires_grad())
            throw autograd_error("a leaf Variable that requires grad is being used in an in-place operation.");
        if (p->is_view || p->view_refs > 0)
            throw autograd_error(std::string("Tensor ") + op +
                                 " while recording makes a new tensor (as a = a " + std::string(op).substr(0, 1) +
                                 " b), but this tensor shares its storage with a view or a detached tensor that "
                                 "would not see the change: write a = a " + std::string(op).substr(0, 1) +
                                 " b, or change it under no_grad_guard");
        a = result.dtype() == a.dtype() ? result : result.to(a.dtype());  // an in-place op keeps a's dtype
        return a;
    }
    const Impl* r = tensor_access::impl(result);
    if (!(r->shape == p->shape))
        throw shape_error("output with shape " + p->shape.str() + " doesn't match the broadcast shape " + r->shape.str());
    for (std::int64_t k = 0; k < p->numel(); ++k) store(p, k, load(r, k));  // in a's dtype, as PyTorch
    ++p->storage_owner()->version;
    return a;
}
}  // namespace detail

/// Comparisons read one element each (`x < 2.0`, `x >= y`): as PyTorch's bool(t), more than one
/// element is an error.
template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
std::partial_ordering operator<=>(const Tensor& a, const B& b) {
    return detail::compared_value(a) <=> detail::compared_value(b);
}
template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
bool operator==(const Tensor& a, const B& b) {
    return detail::compared_value(a) == detail::compared_value(b);
}

template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
Tensor& operator+=(Tensor& a, const B& b) {
    return detail::compound_assign(a, a + b, "+=");
}
template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
Tensor& operator-=(Tensor& a, const B& b) {
    return detail::compound_assign(a, a - b, "-=");
}
template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
Tensor& operator*=(Tensor& a, const B& b) {
    return detail::compound_assign(a, a * b, "*=");
}
template <class B>
    requires(tensor_operand<B> || arithmetic<B>)
Tensor& operator/=(Tensor& a, const B& b) {
    return detail::compound_assign(a, a / b, "/=");
}

}  // namespace etgrad
