#include <cstdio>
#include <iostream>

#include <etgrad/etgrad.hpp>
using namespace etgrad;

int main() {
    constexpr auto w = var<"w">; constexpr auto b = var<"b">;
    constexpr auto x = var<"x">; constexpr auto y = var<"y">;
    auto loss = bce(sigmoid(w * x + b), y);  // the graph is the type
    auto g = value_and_grad(loss, wrt(w, b), w = 1.0, b = 0.0, x = 6.7, y = 0.0);
    std::printf("loss %.4f  dw %.4f  db %.4f\n", g.value, g.grad[w], g.grad[b]);
    std::cout << d(sin(x * x), x) << '\n';                  // a derivative is an expression
    static_assert(d(x * x, x) == 2_c * x);                 // ... checked by the compiler
    Tensor t = tensor(3.0, requires_grad);                 // PyTorch's autograd at run time
    pow(t, 2).backward();
    std::cout << t.grad() << '\n';
}
