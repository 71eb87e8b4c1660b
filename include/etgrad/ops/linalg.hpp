/// @file linalg.hpp  matmul of a matrix variable and a vector variable in the static engine:
/// `mean(bce_with_logits(matmul(X, w) + b, y))` (<etgrad/array.hpp> differentiates it).
#pragma once
#include <cstddef>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/ops/arithmetic.hpp>

namespace etgrad {

/// matmul(X, w): element i is row i of X dotted with w. Its rule on one element is the
/// product's (on numbers, a 1 x 1 matrix times a vector of one): value x w, partials w and x;
/// over arrays the engine contracts them: dL/dw = X^T a, dL/dX = a w^T for the adjoints a.
struct matmul_op {
    static constexpr char name[] = "matmul";
    static constexpr char grad_fn[] = "MvBackward0";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return mul_op::value(a, b); }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A& a, const B& b) { return mul_op::partial<I>(y, a, b); }
    /// Row x (n numbers, stride xs) dotted with w (stride ws).
    template <class T>
    static T dot(const T* x, std::ptrdiff_t xs, const T* w, std::ptrdiff_t ws, std::size_t n) noexcept {
        T s = 0;
        for (std::size_t j = 0; j < n; ++j) s += x[std::ptrdiff_t(j) * xs] * w[std::ptrdiff_t(j) * ws];
        return s;
    }
};

/// The product of the matrix bound to X and the vector bound to w (an (N, d) matrix and a
/// vector of d: a vector of N), as torch.matmul.
template <fixed_string X, fixed_string W>
constexpr node<matmul_op, variable<X>, variable<W>> matmul(variable<X>, variable<W>) noexcept {
    return {};
}

}  // namespace etgrad
