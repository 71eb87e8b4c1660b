// Symbolic derivatives: d(f, x) is itself an expression you can print, evaluate, differentiate
// again and compare at compile time.
#include <cmath>
#include <iostream>

#include <etgrad/symbolic.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;

    constexpr auto f = sin(x * x);
    constexpr auto df = d(f, x);
    std::cout << "f = " << f << "\ndf/dx = " << df << "\nd2f/dx2 = " << d(df, x) << "\nLaTeX: " << to_latex(df)
              << "\n";
    static_assert(d(x * x, x) == 2_c * x);                  // proved by the compiler
    static_assert(df == 2_c * x * cos(x * x));              // in any arrangement
    static_assert(name_of<decltype(df)> == fixed_string("2*x*cos(x^2)"));

    example::compare("df/dx at 4", 2 * 4.0 * std::cos(16.0), df(x = 4.0));
    example::compare("d2f/dx2 at 3", 2 * std::cos(9.0) - 36 * std::sin(9.0), d(df, x)(x = 3.0));

    auto [gx, gy] = d(x * x * y, x, y);  // one derivative per variable
    std::cout << "d(x*x*y) = (" << gx << ", " << gy << ")\n";
    example::compare("d/dx x^2 y at (3, 2)", 12.0, gx(x = 3.0, y = 2.0));

    const auto H = hessian(x * x * y, x, y)(x = 3.0, y = 2.0);
    std::cout << "hessian at (3, 2): [[" << H[0][0] << ", " << H[0][1] << "], [" << H[1][0] << ", " << H[1][1] << "]]\n";
    example::compare("hessian xx", 4.0, H[0][0]);
    example::compare("hessian xy", 6.0, H[0][1]);
    example::compare("hessian yy", 0.0, H[1][1]);
    return example::done();
}
