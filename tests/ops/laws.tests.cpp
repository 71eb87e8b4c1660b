// Every op of the static engine against finite differences, in double and float.
// Adding an op adds one line here.
#include "support/fd_checker.hpp"

using namespace etgrad;
using namespace etgrad_test;

TEST_CASE("arithmetic ops match finite differences", "[ops][laws]") {
    check_op_all_types("a+b", A + B, {-3, 3}, {-3, 3});
    check_op_all_types("a-b", A - B, {-3, 3}, {-3, 3});
    check_op_all_types("a*b", A * B, {-3, 3}, {-3, 3});
    check_op_all_types("a/b", A / B, {-3, 3}, {0.5, 3});
    check_op_all_types("a/b (b<0)", A / B, {-3, 3}, {-3, -0.5});
    check_op_all_types("-a", -A, {-3, 3});
    check_op_all_types("a*2.5 + 1.5/a", A * 2.5 + 1.5 / A, {0.5, 3});
    check_op_all_types("c<3,2>*a - 2_c", c<3, 2> * A - 2_c, {-3, 3});
}

TEST_CASE("elementary ops match finite differences", "[ops][laws]") {
    check_op_all_types("exp", exp(A), {-5, 5});
    check_op_all_types("expm1", expm1(A), {-5, 5});
    check_op_all_types("log", log(A), {0.1, 10});
    check_op_all_types("log1p", log1p(A), {-0.9, 10});
    check_op_all_types("sqrt", sqrt(A), {0.1, 10});
    check_op_all_types("square", square(A), {-3, 3});
    check_op_all_types("pow(a, 3)", pow(A, 3), {-3, 3});
    check_op_all_types("pow(a, -2)", pow(A, -2), {0.3, 3});
    check_op_all_types("pow(a, 3_c)", pow(A, 3_c), {-3, 3});
    check_op_all_types("pow(a, 2.5)", pow(A, 2.5), {0.2, 3});
    check_op_all_types("pow(a, b)", pow(A, B), {0.2, 3}, {-2, 3});
}

TEST_CASE("trigonometric ops match finite differences", "[ops][laws]") {
    check_op_all_types("sin", sin(A), {-6, 6});
    check_op_all_types("cos", cos(A), {-6, 6});
    check_op_all_types("tan", tan(A), {-1.3, 1.3});
    check_op_all_types("asin", asin(A), {-0.95, 0.95});
    check_op_all_types("acos", acos(A), {-0.95, 0.95});
    check_op_all_types("atan", atan(A), {-5, 5});
    check_op_all_types("atan2", atan2(A, B), {-3, 3}, {0.2, 3});
    check_op_all_types("atan2 (b<0)", atan2(A, B), {0.2, 3}, {-3, -0.2});
}

TEST_CASE("hyperbolic ops match finite differences", "[ops][laws]") {
    check_op_all_types("sinh", sinh(A), {-4, 4});
    check_op_all_types("cosh", cosh(A), {-4, 4});
    check_op_all_types("tanh", tanh(A), {-4, 4});
    check_op_all_types("asinh", asinh(A), {-5, 5});
    check_op_all_types("acosh", acosh(A), {1.1, 5});
    check_op_all_types("atanh", atanh(A), {-0.9, 0.9});
}

TEST_CASE("special functions match finite differences", "[ops][laws]") {
    check_op_all_types("erf", erf(A), {-3, 3});
}

TEST_CASE("activation ops match finite differences", "[ops][laws]") {
    check_op_all_types("sigmoid", sigmoid(A), {-10, 10});
    check_op_all_types("relu", relu(A), {-3, 3});
    check_op_all_types("abs", abs(A), {-3, 3});
    check_op_all_types("softplus", softplus(A), {-30, 30});
    check_op_all_types("gelu", gelu(A), {-4, 4});
}

TEST_CASE("clamp, min and max match finite differences", "[ops][laws]") {
    check_op_all_types("clamp(a, b, c)", clamp(A, B, C), {-3, 3}, {-1.5, -0.5}, {0.5, 1.5});
    check_op_all_types("clamp(a, -1, 1)", clamp(A, -1.0, 1.0), {-3, 3});
    check_op_all_types("min", min(A, B), {-3, 3}, {-3, 3});
    check_op_all_types("max", max(A, B), {-3, 3}, {-3, 3});
}

TEST_CASE("losses match finite differences", "[ops][laws]") {
    check_op_all_types("bce", bce(A, B), {0.01, 0.99}, {0, 1});
    check_op_all_types("bce_with_logits", bce_with_logits(A, B), {-10, 10}, {0, 1});
    check_op_all_types("mse", mse(A, B), {-3, 3}, {-3, 3});
}

TEST_CASE("compositions match finite differences", "[ops][laws]") {
    check_op_all_types("sin(a*a)", sin(A * A), {-3, 3});
    check_op_all_types("neuron", bce(sigmoid(A * B + C), 0.0), {-2, 2}, {-2, 2}, {-1, 1});
    check_op_all_types("tanh(a*b+c)*exp(-a)", tanh(A * B + C) * exp(-A), {-2, 2}, {-2, 2}, {-1, 1});
    check_op_all_types("a used three times", A * A * A + A, {-2, 2});
    check_op_all_types("sqrt(a*a + b*b) / (1 + c)", sqrt(A * A + B * B) / (1.0 + C), {0.5, 2}, {0.5, 2}, {0, 1});
}
