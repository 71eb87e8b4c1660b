// z = sin(x*x): the chain rule dz/dx = cos(x^2) * 2x, done by the static engine.
#include <cmath>

#include <etgrad/static.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto x = var<"x">;
    constexpr auto z = sin(x * x);

    for (double at : {3.0, 4.0}) {
        auto r = value_and_grad(z, x = at);
        std::printf("z = sin(x*x) at x = %g\n", at);
        example::compare("z", std::sin(at * at), r.value);
        example::compare("dz/dx = 2x cos(x^2)", 2 * at * std::cos(at * at), r.grad[x]);
    }
    example::expect4("dz/dx at 3", grad(z, x = 3.0)[x], -5.4668);
    example::expect4("dz/dx at 4", grad(z, x = 4.0)[x], -7.6613);
    return example::done();
}
