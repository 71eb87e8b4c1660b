/// @file classify.hpp  Along a dimension: amax, amin (ties share the gradient evenly, as
/// torch.amax), argmax, argmin; norm; and what classification needs: logsumexp, softmax, log_softmax,
/// nll_loss, cross_entropy. Each is composed of recorded ops (a shift by the maximum keeps exp
/// in range) and named as PyTorch names its grad_fn.
#pragma once
#include <cmath>
#include <concepts>
#include <cstdint>
#include <string>
#include <vector>

#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/tape/compare.hpp>
#include <etgrad/tape/factory.hpp>
#include <etgrad/tape/expression.hpp>
#include <etgrad/tape/reduce.hpp>
#include <etgrad/tape/shape.hpp>

namespace etgrad {
namespace detail {

/// A tensor seen along dim as `outer` lines of `inner` elements: line o's element i is
/// data[at(o, i)]; the reduced result has one value per line.
struct lines_along {
    const Impl* x;
    bool rows;  // along each row of a matrix (else down each column, or along the vector)
    std::int64_t outer, inner;

    lines_along(const Impl* t, std::int64_t dim, const char* what) : x(t) {
        dim = dim_index(dim, t->shape.rank, what);
        rows = t->shape.rank == 2 && dim == 1;
        const std::int64_t R = t->shape.rows(), C = t->shape.cols();
        outer = t->shape.rank < 2 ? 1 : (rows ? R : C);
        inner = t->shape.rank < 2 ? C : (rows ? C : R);
        if (inner == 0) throw shape_error(std::string(what) + ": expected reduction dimension to be non-empty");
    }
    std::int64_t at(std::int64_t o, std::int64_t i) const {
        const std::int64_t C = x->shape.cols();
        return x->shape.rank < 2 ? i : (rows ? o * C + i : i * C + o);
    }
    /// The reduced shape with the dimension kept (size 1).
    std::vector<std::int64_t> kept() const {
        if (x->shape.rank < 2) return {1};
        return rows ? std::vector<std::int64_t>{outer, 1} : std::vector<std::int64_t>{1, outer};
    }
};

/// Per line, the index of the largest (or smallest) element, the first one at ties; NaN wins,
/// as in PyTorch.
inline std::vector<std::int64_t> arg_extreme(const lines_along& l, bool largest) {
    std::vector<std::int64_t> out(std::size_t(l.outer), 0);
    for (std::int64_t o = 0; o < l.outer; ++o) {
        auto value = [&](std::int64_t i) { return load(l.x, l.at(o, i)); };
        std::int64_t best = 0;
        for (std::int64_t i = 1; i < l.inner && !std::isnan(value(best)); ++i)
            if (std::isnan(value(i)) || (largest ? value(i) > value(best) : value(i) < value(best))) best = i;
        out[std::size_t(o)] = best;
    }
    return out;
}
/// The extreme along dim as a constant (not recorded) of t's dtype with the dimension kept
/// (size 1); infinite extremes replaced by 0 if asked (a shift that must stay finite).
inline Tensor extreme_kept(const Tensor& t, std::int64_t dim, bool largest, const char* what, bool finite = false) {
    const lines_along l(checked(t, what), dim, what);
    const std::vector<std::int64_t> idx = arg_extreme(l, largest);
    std::vector<double> v(idx.size());
    for (std::size_t o = 0; o < idx.size(); ++o) {
        v[o] = load(l.x, l.at(std::int64_t(o), idx[o]));
        if (finite && std::isinf(v[o])) v[o] = 0;
    }
    return from_vector(v, l.kept()).to(l.x->dtype);
}
inline Tensor drop_kept(const Tensor& kept, const Tensor& t, std::int64_t dim, bool keepdim) {
    if (keepdim) return kept;
    return t.dim() < 2 ? squeeze(kept) : squeeze(kept, dim);
}
/// amax or amin: m + sum((x - m) * w) with w = 1/count at the extremes, so the value is m
/// exactly and ties share the gradient evenly.
inline Tensor extreme(const Tensor& t, std::int64_t dim, bool keepdim, bool largest, const char* what,
                      const char* name) {
    const Tensor m = extreme_kept(t, dim, largest, what);
    const Tensor mask = eq(t, m);
    const Tensor w = mask / sum(mask, dim, true);
    Tensor r = sum((t - m) * w, dim, true) + m;
    return named(drop_kept(r, t, dim, keepdim), name);
}
inline Tensor arg_tensor(const Tensor& t, std::int64_t dim, bool keepdim, bool largest, const char* what) {
    const lines_along l(checked(t, what), dim, what);
    const std::vector<std::int64_t> idx = arg_extreme(l, largest);
    return drop_kept(from_vector(std::vector<double>(idx.begin(), idx.end()), l.kept()), t, dim, keepdim);
}

}  // namespace detail

/// The largest element along dim; ties share the gradient evenly (AmaxBackward0).
inline Tensor amax(const Tensor& t, std::int64_t dim, bool keepdim = false) {
    return detail::extreme(t, dim, keepdim, true, "amax", "AmaxBackward0");
}
/// The smallest element along dim; ties share the gradient evenly (AminBackward0).
inline Tensor amin(const Tensor& t, std::int64_t dim, bool keepdim = false) {
    return detail::extreme(t, dim, keepdim, false, "amin", "AminBackward0");
}
/// The index of the largest element along dim (the first at ties; NaN counts as largest), as
/// a tensor of whole numbers that is never recorded.
inline Tensor argmax(const Tensor& t, std::int64_t dim, bool keepdim = false) {
    return detail::arg_tensor(t, dim, keepdim, true, "argmax");
}
/// The index of the smallest element along dim (the first at ties).
inline Tensor argmin(const Tensor& t, std::int64_t dim, bool keepdim = false) {
    return detail::arg_tensor(t, dim, keepdim, false, "argmin");
}

/// The largest (or smallest) elements along a dimension and their indices, as PyTorch's
/// torch.return_types.max: `auto [values, indices] = max(t, 1, false);`.
struct values_and_indices {
    Tensor values;
    Tensor indices;  // whole numbers (float64), never recorded
};
namespace detail {
inline values_and_indices extreme_and_index(const Tensor& t, std::int64_t dim, bool keepdim, bool largest,
                                            const char* what, const char* name) {
    Impl* x = checked(t, what);
    const lines_along l(x, dim, what);
    const std::vector<std::int64_t> idx = arg_extreme(l, largest);
    std::vector<std::int64_t> dims = l.kept();
    if (!keepdim) dims = x->shape.rank < 2 ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{l.outer};
    // line o is element o of the result, kept or not
    Tensor values = gather(name, checked_shape(dims, what), {x},
                           [&](std::int64_t o) { return element_of{0, l.at(o, idx[std::size_t(o)])}; });
    return {values, from_vector(std::vector<double>(idx.begin(), idx.end()), dims)};
}
}  // namespace detail

/// The largest element along dim and its index, as torch.max(t, dim, keepdim): the first at
/// ties (NaN counts as largest); the gradient goes to that element alone (MaxBackward0). amax
/// shares it among ties instead. keepdim is not optional: `max(t, 1)` is the elementwise
/// maximum of t and 1 in etgrad's ops.
inline values_and_indices max(const Tensor& t, std::int64_t dim, bool keepdim) {
    return detail::extreme_and_index(t, dim, keepdim, true, "max", "MaxBackward0");
}
/// The smallest element along dim and its index, as torch.min(t, dim, keepdim) (MinBackward0).
inline values_and_indices min(const Tensor& t, std::int64_t dim, bool keepdim) {
    return detail::extreme_and_index(t, dim, keepdim, false, "min", "MinBackward0");
}
namespace detail {
template <class I>
constexpr void refuse_integer_extreme() {
    static_assert(sizeof(I) == 0,
                  "etgrad: max(tensor, integer) and min(tensor, integer) are ambiguous: for the extreme along a "
                  "dimension with its indices write max(t, dim, keepdim) (or amax(t, dim)); for the elementwise "
                  "maximum with a number write max(t, 1.0)");
}
}  // namespace detail
/// `max(t, 1)` reads as PyTorch's max along dimension 1, but would be the elementwise maximum
/// of t and the number 1: refused at compile time with a message saying what to write.
template <std::integral I>
Tensor max(const Tensor&, I) {
    detail::refuse_integer_extreme<I>();
    return {};
}
template <std::integral I>
Tensor min(const Tensor&, I) {
    detail::refuse_integer_extreme<I>();
    return {};
}

/// The 2-norm of all elements, sqrt(sum(t^2)) without overflow or underflow of the squares; its
/// gradient t / norm, and 0 at a zero tensor, as PyTorch (LinalgVectorNormBackward0).
inline Tensor norm(const Tensor& t) {
    using namespace detail;
    Impl* x = checked(t, "norm");
    const as_doubles xs(x);
    double scale = 0;
    for (std::int64_t k = 0; k < x->numel() && !std::isnan(scale); ++k)
        scale = std::isnan(xs[k]) ? xs[k] : std::fmax(scale, std::fabs(xs[k]));
    double ss = 0;
    if (scale > 0 && std::isfinite(scale))
        for (std::int64_t k = 0; k < x->numel(); ++k) ss += (xs[k] / scale) * (xs[k] / scale);
    const double value = scale > 0 && std::isfinite(scale) ? scale * std::sqrt(ss) : scale;
    // value + sum((t - t's values) * w): exactly `value`, with gradient w = t / value
    const Tensor values = t.detach().clone();
    Tensor w = t.detach().clone();
    Impl* wp = tensor_access::impl(w);
    for (std::int64_t k = 0; k < w.numel(); ++k) store(wp, k, value == 0 ? 0.0 : xs[k] / value);
    return named(sum((t - values) * w) + value, "LinalgVectorNormBackward0");
}

/// log(sum(exp(t), dim)), computed shifted by the maximum so it neither overflows nor
/// underflows (LogsumexpBackward0).
inline Tensor logsumexp(const Tensor& t, std::int64_t dim, bool keepdim = false) {
    // a row of -inf (or one +inf) is not shifted, as in PyTorch
    const Tensor m = detail::extreme_kept(t, dim, true, "logsumexp", true);
    Tensor r = log(sum(exp(t - m), dim, true)) + m;
    return detail::named(detail::drop_kept(r, t, dim, keepdim), "LogsumexpBackward0");
}
/// t - logsumexp(t, dim) (LogSoftmaxBackward0).
inline Tensor log_softmax(const Tensor& t, std::int64_t dim) {
    return detail::named(t - logsumexp(t, dim, true), "LogSoftmaxBackward0");
}
/// exp(t) / sum(exp(t), dim) (SoftmaxBackward0).
inline Tensor softmax(const Tensor& t, std::int64_t dim) {
    return detail::named(exp(log_softmax(t, dim)), "SoftmaxBackward0");
}

/// The mean over rows i of -logp[i, target[i]] (NllLossBackward0): log-probabilities of shape
/// (N, C) and N class indices in [0, C).
inline Tensor nll_loss(const Tensor& logp, const std::vector<std::int64_t>& target) {
    using namespace detail;
    Impl* x = checked(logp, "nll_loss");
    if (x->shape.rank != 2) throw shape_error("nll_loss: expected input of shape (N, C), got " + x->shape.str());
    const std::int64_t N = x->shape.dims[0], C = x->shape.dims[1];
    if (std::int64_t(target.size()) != N)
        throw shape_error("nll_loss: expected input batch_size (" + std::to_string(N) +
                          ") to match target batch_size (" + std::to_string(target.size()) + ")");
    for (std::int64_t c : target)
        if (c < 0 || c >= C) throw shape_error("nll_loss: Target " + std::to_string(c) + " is out of bounds.");
    const std::int64_t* tg = target.data();
    Tensor picked = gather("IndexBackward0", Shape::vector(N), {x}, [=](std::int64_t k) {
        return element_of{0, k * C + tg[k]};
    });
    return named(-mean(picked), "NllLossBackward0");
}
/// nll_loss(log_softmax(logits, 1), target): the classification loss on raw scores of shape
/// (N, C) (NllLossBackward0, as PyTorch names it).
inline Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& target) {
    return nll_loss(log_softmax(logits, 1), target);
}

}  // namespace etgrad
