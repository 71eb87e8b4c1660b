// Passing a bare number where a binding belongs says what to pass.
// expect: arguments_after_the_expression_must_be_bindings<double>
// expect: pass bindings such as x = 3.0
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto x = var<"x">;
#ifdef ETGRAD_TRIGGER
    auto r = value_and_grad(x * x, 3.0);
    (void)r;
#else
    auto r = value_and_grad(x * x, x = 3.0);
    (void)r;
#endif
}
