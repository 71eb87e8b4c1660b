// y = x*x at x = 3: value 9, gradient 6, with the static engine.
#include <etgrad/static.hpp>

#include "side_by_side.hpp"

int main() {
    using namespace etgrad;
    constexpr auto x = var<"x">;

    auto r = value_and_grad(x * x, x = 3.0);  // the type of x * x is the graph
    std::printf("y = x*x at x = 3\n");
    example::compare("y", 3.0 * 3.0, r.value);
    example::compare("dy/dx = 2x", 2 * 3.0, r.grad[x]);
    example::compare("pow(x, 2): dy/dx", 2 * 3.0, grad(pow(x, 2), x = 3.0)[x]);

    // the whole computation is a constant expression
    static_assert(value_and_grad(x * x, x = 3.0).grad[x] == 6.0);
    return example::done();
}
