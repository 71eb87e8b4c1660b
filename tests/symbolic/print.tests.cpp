// Printing: readable infix with minimal parentheses, LaTeX, compile-time names.
#include <sstream>

#include <etgrad/symbolic.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
}  // namespace

TEST_CASE("expressions print as infix with minimal parentheses", "[symbolic][print]") {
    CHECK(to_string(sin(x * x)) == "sin(x*x)");
    CHECK(to_string(cos(x * x) * (2_c * x)) == "cos(x*x)*2*x");
    CHECK(to_string(x - (y + x)) == "x-(y+x)");
    CHECK(to_string(x - (y - x)) == "x-(y-x)");
    CHECK(to_string((x + y) * (x - y)) == "(x+y)*(x-y)");
    CHECK(to_string(x / (y * x)) == "x/(y*x)");
    CHECK(to_string(-(x + y)) == "-(x+y)");
    CHECK(to_string(pow(x + y, 2_c)) == "(x+y)^2");
    CHECK(to_string(pow(x, c<1, 2>)) == "x^(1/2)");
    CHECK(to_string(clamp(x, -1.5, 2.0)) == "clamp(x,-1.5,2)");
    CHECK(to_string(bce(sigmoid(x), y)) == "bce(sigmoid(x),y)");
}

TEST_CASE("canonical forms print readably", "[symbolic][print]") {
    CHECK(to_string(d(x * x, x)) == "2*x");
    CHECK(to_string(d(x * x * x, x)) == "3*x^2");
    CHECK(to_string(d(sin(x * x), x)) == "2*x*cos(x^2)");
    CHECK(to_string(simplify(x - 2_c * y)) == "x-2*y");
    CHECK(to_string(simplify(y - 2_c * x)) == "-2*x+y");  // terms ordered by name
    CHECK(to_string(simplify(x / y)) == "x/y");
    CHECK(to_string(simplify(x / (y * y))) == "x/y^2");
    CHECK(to_string(simplify(-x)) == "-x");
    CHECK(to_string(d(log(x), x)) == "1/x");
    std::ostringstream os;
    os << d(sin(x * x), x);
    CHECK(os.str() == "2*x*cos(x^2)");
}

TEST_CASE("numbers print in shortest round-trip form", "[symbolic][print]") {
    CHECK(to_string(0.1 * x) == "0.1*x");
    CHECK(to_string(x + 1e-8) == "x+1e-08");
    CHECK(to_string(x * 3.0) == "x*3");
}

TEST_CASE("LaTeX", "[symbolic][print]") {
    CHECK(to_latex(d(sin(x * x), x)) == "2 \\cdot x \\cdot \\cos\\left(x^{2}\\right)");
    CHECK(to_latex(simplify(x / (y * y))) == "\\frac{x}{y^{2}}");
    CHECK(to_latex(sqrt(x) * sigmoid(y)) == "\\sqrt{x} \\cdot \\operatorname{sigmoid}\\left(y\\right)");
    CHECK(to_latex(c<1, 2> * x) == "\\frac{1}{2} \\cdot x");
}

TEST_CASE("the new functions print and differentiate symbolically", "[symbolic][print]") {
    CHECK(to_string(d(atan(x), x)) == "1/(1+x^2)");
    CHECK(to_string(d(sinh(x), x)) == "cosh(x)");
    CHECK(to_string(d(cosh(x), x)) == "sinh(x)");
    CHECK(to_string(d(expm1(x), x)) == "1+expm1(x)");
    CHECK(to_string(d(softplus(x), x)) == "sigmoid(x)");
    CHECK(to_string(d(erf(x), x)) == "1.1283791670955126*exp(-x^2)");
    CHECK(to_latex(asin(x) + acos(y)) == "\\arcsin\\left(x\\right) + \\arccos\\left(y\\right)");
    STATIC_REQUIRE(simplify(sinh(0_c) + cosh(0_c) + asin(0_c) + acos(1_c) + atan(0_c) + erf(0_c) + expm1(0_c)) == 1_c);
    STATIC_REQUIRE(d(d(sinh(x), x), x) == sinh(x));
}

TEST_CASE("an expression's name is a compile-time string", "[symbolic][print]") {
    STATIC_REQUIRE(name_of<decltype(sin(x * x))> == fixed_string("sin(x*x)"));
    STATIC_REQUIRE(name_of<decltype(d(x * x * x, x))> == fixed_string("3*x^2"));
    STATIC_REQUIRE(name_of<decltype(2.5 * x)> == fixed_string("#*x"));  // run-time constants: '#'
}
