/// @file loss.hpp  Fused losses: bce, bce_with_logits, mse. Each is one op with its own
/// partials; on tensors each returns the mean over elements, as PyTorch's losses do.
#pragma once
#include <cstddef>
#include <utility>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/core/traits.hpp>
#include <etgrad/math/scalar.hpp>
#include <etgrad/ops/activation.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/clamp.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct bce_op {
    static constexpr char name[] = "bce";
    static constexpr char grad_fn[] = "BinaryCrossEntropyBackward0";
    static constexpr bool reduces_to_mean = true;
    template <class L>
    static constexpr auto lo(const L& l) { return math::num<1, 100000000>(l); }
    template <class L>
    static constexpr auto hi(const L& l) { return math::num<99999999, 100000000>(l); }

    template <class P, class Y>
    static constexpr auto value(P p, Y y) {
        using R = detail::real_t<P, Y>;
        R pc = clamp_op::value(R(p), lo(R()), hi(R()));
        return -(R(y) * math::log(pc) + (R(1) - R(y)) * math::log(R(1) - pc));
    }
    // dL/dp = (pc - y) / (pc (1 - pc)) inside the clamp, 0 outside;  dL/dy = log(1 - pc) - log(pc)
    template <std::size_t I, class Yv, class P, class Y>
    static constexpr auto partial(const Yv&, const P& p, const Y& y) {
        auto pc = etgrad::clamp(p, lo(p), hi(p));
        if constexpr (I == 0)
            return detail::where_in_interval(p, lo(p), hi(p), (pc - y) / (pc * (math::num<1>(p) - pc)));
        else return etgrad::log(math::num<1>(p) - pc) - etgrad::log(pc);
    }
};
/// Binary cross-entropy of a probability p against a target y, with p clamped to
/// [1e-8, 1 - 1e-8] (zero gradient outside).
template <class P, class Y>
    requires operand<P> && operand<Y>
[[gnu::always_inline]] constexpr auto bce(P p, Y y) { return apply<bce_op>(std::move(p), std::move(y)); }

struct bce_with_logits_op {
    static constexpr char name[] = "bce_with_logits";
    static constexpr char grad_fn[] = "BinaryCrossEntropyWithLogitsBackward0";
    static constexpr bool reduces_to_mean = true;
    // max(z, 0) - z y + log(1 + e^-|z|): no overflow for any z
    template <class Z, class Y>
    static constexpr auto value(Z z, Y y) {
        using R = detail::real_t<Z, Y>;
        const R zr = R(z), az = math::select(zr < R(0), -zr, zr);
        return math::select(zr > R(0), zr, R(0)) - zr * R(y) + math::log1p(math::exp(-az));
    }
    template <std::size_t I, class Yv, class Z, class Y>
    static constexpr auto partial(const Yv&, const Z& z, const Y& y) {
        if constexpr (I == 0 && (detail::is_pack<Z>::value || detail::is_pack<Y>::value)) {
            // on packs, sigmoid(z) from the value's e^-|z| (1/(1 + e) or e/(1 + e)): the vectorised
            // exponential, inlined, is then computed once for both (glibc's exp, which may set
            // errno, is called twice either way)
            using R = detail::real_t<Z, Y>;
            const R zr = R(z), e = math::exp(-math::select(zr < R(0), -zr, zr));
            return math::select(zr < R(0), e, R(1)) / (R(1) + e) - R(y);
        } else if constexpr (I == 0) {
            return etgrad::sigmoid(z) - y;
        } else {
            return -z;
        }
    }
};
/// Binary cross-entropy of a logit z: bce(sigmoid(z), y) without overflow for any z.
template <class Z, class Y>
    requires operand<Z> && operand<Y>
[[gnu::always_inline]] constexpr auto bce_with_logits(Z z, Y y) {
    return apply<bce_with_logits_op>(std::move(z), std::move(y));
}

struct mse_op {
    static constexpr char name[] = "mse";
    static constexpr char grad_fn[] = "MseLossBackward0";
    static constexpr bool reduces_to_mean = true;
    template <class A, class B>
    static constexpr auto value(A a, B b) { return (a - b) * (a - b); }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return math::num<2>(a) * (a - b);
        else return math::num<-2>(a) * (a - b);
    }
};
/// Squared error (a - b)^2 (on tensors: its mean).
template <class A, class B>
    requires operand<A> && operand<B>
[[gnu::always_inline]] constexpr auto mse(A a, B b) { return apply<mse_op>(std::move(a), std::move(b)); }

}  // namespace etgrad
