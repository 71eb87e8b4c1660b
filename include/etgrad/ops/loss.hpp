/// @file loss.hpp  Fused losses: bce, bce_with_logits, mse. Each is one op with its own partials.
#pragma once
#include <etgrad/core/expression.hpp>
#include <etgrad/numeric/math.hpp>
#include <etgrad/ops/activation.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/clamp.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/indicator.hpp>

namespace etgrad {

struct bce_op;
struct bce_with_logits_op;
struct mse_op;

/// Binary cross-entropy of a probability p against a target y, with p clamped to
/// [1e-8, 1 - 1e-8] as in the seed notebooks.
template <operand P, operand Y>
constexpr auto bce(const P& p, const Y& y) { return apply<bce_op>(p, y); }
/// Binary cross-entropy of a logit z: bce(sigmoid(z), y) without overflow for any z.
template <operand Z, operand Y>
constexpr auto bce_with_logits(const Z& z, const Y& y) { return apply<bce_with_logits_op>(z, y); }
/// Squared error (a - b)^2 (on tensors: its mean).
template <operand A, operand B>
constexpr auto mse(const A& a, const B& b) { return apply<mse_op>(a, b); }

struct bce_op {
    static constexpr char name[] = "bce";
    template <class L>
    static constexpr auto lo(const L& l) { return num<1, 100000000>(l); }
    template <class L>
    static constexpr auto hi(const L& l) { return num<99999999, 100000000>(l); }

    template <class P, class Y>
    static constexpr auto value(P p, Y y) {
        using R = detail::real_common_t<P, Y>;
        R pc = clamp_op::value(R(p), lo(R()), hi(R()));
        return -(R(y) * math::log(pc) + (R(1) - R(y)) * math::log(R(1) - pc));
    }
    // dL/dp = (pc - y) / (pc (1 - pc)) inside the clamp, 0 outside;  dL/dy = log(1 - pc) - log(pc)
    template <std::size_t I, class Yv, class P, class Y>
    static constexpr auto partial(const Yv&, const P& p, const Y& y) {
        auto pc = clamp(p, lo(p), hi(p));
        if constexpr (I == 0) return where_in_interval(p, lo(p), hi(p), (pc - y) / (pc * (num<1>(p) - pc)));
        else return log(num<1>(p) - pc) - log(pc);
    }
};
struct bce_with_logits_op {
    static constexpr char name[] = "bce_with_logits";
    // max(z, 0) - z y + log(1 + e^-|z|): no overflow for any z
    template <class Z, class Y>
    static constexpr auto value(Z z, Y y) {
        using R = detail::real_common_t<Z, Y>;
        R zr = R(z), az = zr < R(0) ? -zr : zr;
        return (zr > R(0) ? zr : R(0)) - zr * R(y) + math::log1p(math::exp(-az));
    }
    template <std::size_t I, class Yv, class Z, class Y>
    static constexpr auto partial(const Yv&, const Z& z, const Y& y) {
        if constexpr (I == 0) return sigmoid(z) - y;
        else return -z;
    }
};
struct mse_op {
    static constexpr char name[] = "mse";
    template <class A, class B>
    static constexpr auto value(A a, B b) { return (a - b) * (a - b); }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y&, const A& a, const B& b) {
        if constexpr (I == 0) return num<2>(a) * (a - b);
        else return num<-2>(a) * (a - b);
    }
};

}  // namespace etgrad
