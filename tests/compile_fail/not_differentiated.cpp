// Indexing a gradient by a variable that was not differentiated names the variable.
// expect: gradient_not_computed_for_variable<(etgrad::detail::)?chars<'x'> ?>
// expect: indexes a variable that was not differentiated
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto x = var<"x">;
    constexpr auto w = var<"w">;
    auto r = value_and_grad(w * x, wrt(w), w = 1.0, x = 2.0);
#ifdef ETGRAD_TRIGGER
    return int(r.grad[x]);
#else
    return int(r.grad[w]);
#endif
}
