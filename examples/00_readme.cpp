// The README's example, kept compiling and checked.
#include <cstdio>

#include <etgrad/static.hpp>
using namespace etgrad;

int main() {
    constexpr auto w = var<"w">; constexpr auto b = var<"b">;
    constexpr auto x = var<"x">; constexpr auto y = var<"y">;
    auto loss = bce(sigmoid(w * x + b), y);  // the graph is the type
    auto g = value_and_grad(loss, wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    std::printf("loss %.4f  dw %.4f  db %.4f\n", g.value, g.grad[w], g.grad[b]);
    // loss 6.7012  dw 6.6918  db 0.9988
    static_assert(grad(sin(x * x), x = 0.0)[x] == 0.0);  // gradients are constant expressions
    return (int)(g.grad[w] * 1e4 + 0.5) == 66918 ? 0 : 1;
}
