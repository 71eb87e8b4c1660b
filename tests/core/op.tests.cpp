// An op is one struct: a user-defined op (logcosh, hypot), written outside etgrad's headers,
// works in every engine (static gradient, d() with simplification and printing, the tape with its grad_fn
// name, static statements on tensors); and etgrad's own ops state their facts.
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>

#include <etgrad/etgrad.hpp>

#include "support/catch.hpp"
#include "support/fd_checker.hpp"

namespace user {

/// logcosh(a) = log(cosh(a)) = |a| + log(1 + e^{-2|a|}) - log 2, without overflow; its
/// derivative is tanh(a).
struct logcosh_op {
    static constexpr char name[] = "logcosh";
    static constexpr char latex[] = "\\log\\cosh\\left(#1\\right)";
    static constexpr etgrad::exact_point exact[] = {{{0}, {0}}};
    template <class A>
    static constexpr auto value(A a) {
        using R = decltype(etgrad::math::exp(a));
        const R x = etgrad::math::select(R(a) < R(0), -R(a), R(a));  // a lane-wise select on packs
        return x + etgrad::math::log1p(etgrad::math::exp(-2 * x)) - R(0.693147180559945309417232121458176568L);
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) {
        return etgrad::tanh(a);
    }
};
template <class A>
    requires etgrad::operand<A>
constexpr auto logcosh(A a) {
    return etgrad::apply<logcosh_op>(a);
}

/// hypot(a, b) = sqrt(a^2 + b^2); d/da = a / hypot, d/db = b / hypot (reusing the output).
struct hypot_op {
    static constexpr char name[] = "hypot";
    template <class A, class B>
    static constexpr auto value(A a, B b) {
        return etgrad::math::sqrt(a * a + b * b);
    }
    template <std::size_t I, class Y, class A, class B>
    static constexpr auto partial(const Y& y, const A& a, const B& b) {
        if constexpr (I == 0) return a / y;
        else return b / y;
    }
};
template <class A, class B>
    requires etgrad::operand<A> && etgrad::operand<B>
constexpr auto hypot(A a, B b) {
    return etgrad::apply<hypot_op>(a, b);
}

}  // namespace user

using namespace etgrad;
using etgrad_test::A;
using etgrad_test::B;
using etgrad_test::C;
using user::hypot;
using user::logcosh;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
struct log_sum_exp_op {
    static constexpr char name[] = "log_sum_exp";
};
}  // namespace

TEST_CASE("a user-defined op's static gradient matches finite differences", "[core][op][user]") {
    etgrad_test::check_op_all_types("logcosh", logcosh(A), {-20, 20});
    etgrad_test::check_op_all_types("hypot", hypot(A, B), {0.5, 3}, {-3, -0.5});
    etgrad_test::check_op_all_types("logcosh(a*b) + hypot(a, c)", logcosh(A * B) + hypot(A, C), {-2, 2}, {-2, 2},
                                    {0.5, 2});
}

TEST_CASE("a user-defined op evaluates on numbers and in constant expressions", "[core][op][user]") {
    CHECK_THAT(logcosh(0.5), WithinRel(std::log(std::cosh(0.5)), 1e-15));
    CHECK_THAT(logcosh(-800.0), WithinRel(800.0 - std::log(2.0), 1e-15));  // no overflow
    CHECK_THAT(hypot(3.0, 4.0), WithinRel(5.0, 1e-15));
    STATIC_REQUIRE(hypot(x, y)(x = 3.0, y = 4.0) == 5.0);
    STATIC_REQUIRE(grad(hypot(x, y), x = 3.0, y = 4.0)[x] == 0.6);
}

TEST_CASE("d() of a user-defined op simplifies, prints and differentiates again", "[core][op][user]") {
    STATIC_REQUIRE(d(logcosh(x), x) == tanh(x));
    STATIC_REQUIRE(d(logcosh(2_c * x), x) == 2_c * tanh(2_c * x));
    STATIC_REQUIRE(simplify(logcosh(0_c) + 1_c) == 1_c);  // its exact value at 0
    STATIC_REQUIRE(d(hypot(x, y), x) == x / hypot(x, y));
    STATIC_REQUIRE(simplify(logcosh(x) - logcosh(x)) == 0_c);
    STATIC_REQUIRE(!(simplify(logcosh(x) / logcosh(x)) == 1_c));  // may be zero: e/e stays
    CHECK(to_string(d(logcosh(x * x), x)) == "2*x*tanh(x^2)");
    CHECK(to_string(hypot(x, 2.5)) == "hypot(x,2.5)");
    CHECK(to_string(d(hypot(x, y), y)) == "y/hypot(x,y)");
    CHECK(to_latex(logcosh(x * y)) == "\\log\\cosh\\left(x \\cdot y\\right)");
    CHECK(to_latex(hypot(x, y)) == "\\operatorname{hypot}\\left(x, y\\right)");
    std::ostringstream os;
    os << d(d(logcosh(x), x), x);
    CHECK(os.str() == "1-tanh(x)^2");
    CHECK_THAT(d(d(logcosh(x), x), x)(x = 0.5), WithinRel(0.7864477329659274, 1e-14));
}

TEST_CASE("a user-defined op records on the tape with PyTorch's grad_fn name", "[core][op][user]") {
    SECTION("scalars, op by op") {
        Tensor t = tensor(0.5, requires_grad);
        Tensor s = logcosh(t);
        CHECK(s.grad_fn() == "LogcoshBackward0");
        s.backward();
        CHECK_THAT(t.grad().item(), WithinRel(std::tanh(0.5), 1e-15));
        Tensor a = tensor(3.0, requires_grad), b = tensor(4.0, requires_grad);
        Tensor h = hypot(a, b);
        CHECK(h.grad_fn() == "HypotBackward0");
        CHECK(h.item() == 5.0);
        h.backward();
        CHECK_THAT(a.grad().item(), WithinRel(0.6, 1e-15));
        CHECK_THAT(b.grad().item(), WithinRel(0.8, 1e-15));
    }
    SECTION("vectors, elementwise with broadcasting") {
        Tensor v = tensor({-1.0, 0.0, 2.0}, requires_grad);
        Tensor h = hypot(v, 2.0);
        CHECK(h.grad_fn() == "HypotBackward0");
        sum(h).backward();
        const auto g = v.grad().to_vector();
        for (std::size_t k = 0; k < 3; ++k) {
            const double xv = v.to_vector()[k];
            CHECK_THAT(g[k], WithinAbs(xv / std::sqrt(xv * xv + 4.0), 1e-15));
        }
    }
    SECTION("inside a static statement on tensors: one node") {
        Tensor tx = tensor({0.5, -1.5}, requires_grad), ty = tensor({2.0, 3.0}, requires_grad);
        Tensor out = (logcosh(x) * hypot(x, y))(x = tx, y = ty);
        CHECK(out.grad_fn() == "ExprBackward0");
        sum(out).backward();
        const auto gx = tx.grad().to_vector(), gy = ty.grad().to_vector();
        for (std::size_t k = 0; k < 2; ++k) {
            const double a = tx.to_vector()[k], b = ty.to_vector()[k];
            const auto r = value_and_grad(logcosh(x) * hypot(x, y), x = a, y = b);
            CHECK_THAT(gx[k], WithinRel(r.grad[x], 1e-15));
            CHECK_THAT(gy[k], WithinRel(r.grad[y], 1e-15));
        }
    }
}

TEST_CASE("etgrad's ops state their facts; engines read them", "[core][op]") {
    STATIC_REQUIRE(detail::notation_of<add_op>() == notation::sum);
    STATIC_REQUIRE(detail::notation_of<sin_op>() == notation::call);
    STATIC_REQUIRE(detail::never_zero_v<exp_op> && detail::never_zero_v<sigmoid_op> && !detail::never_zero_v<sin_op>);
    STATIC_REQUIRE(detail::reduces_to_mean_v<bce_op> && !detail::reduces_to_mean_v<mul_op>);
    CHECK(std::string(detail::grad_fn_of<sin_op, Tensor>()) == "SinBackward0");
    CHECK(std::string(detail::grad_fn_of<pow_op, Tensor, int>()) == "PowBackward0");
    CHECK(std::string(detail::grad_fn_of<pow_op, Tensor, Tensor>()) == "PowBackward1");
    CHECK(std::string(detail::grad_fn_of<clamp_op, Tensor, double, double>()) == "ClampBackward1");
    CHECK(std::string(detail::grad_fn_of<clamp_op, Tensor, Tensor, double>()) == "ClampBackward0");
    CHECK(std::string(detail::grad_fn_of<user::logcosh_op, Tensor>()) == "LogcoshBackward0");
    CHECK(std::string(detail::grad_fn_of<softplus_op, Tensor>()) == "SoftplusBackward0");
    CHECK(std::string(detail::default_grad_fn<log_sum_exp_op>.c_str()) == "LogSumExpBackward0");
}

TEST_CASE("constant operands fold by the facts ops state", "[core][op]") {
    STATIC_REQUIRE(simplify(sigmoid(0_c)) == c<1, 2>);
    STATIC_REQUIRE(simplify(sqrt(1_c) + sqrt(0_c) + tan(0_c) + tanh(0_c) + log1p(0_c)) == 1_c);
    STATIC_REQUIRE(simplify(relu(c<-3, 2>) + abs(c<-3, 2>)) == c<3, 2>);
    STATIC_REQUIRE(simplify(clamp(c<5>, c<-1>, c<2>)) == 2_c);
    STATIC_REQUIRE(simplify(min(c<1, 3>, c<1, 2>) + max(c<1, 3>, c<1, 2>)) == c<5, 6>);
    STATIC_REQUIRE(!(simplify(exp(1_c)) == 1_c));  // no exact value listed at 1: stays exp(1)
    CHECK(to_string(simplify(exp(1_c))) == "exp(1)");
    STATIC_REQUIRE(simplify(square(x)) == pow(x, 2_c));  // square's rewrite
}
