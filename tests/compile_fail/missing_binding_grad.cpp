// The same for value_and_grad, with a longer name.
// expect: no_value_is_bound_for_variable<(etgrad::detail::)?chars<'b', 'i', 'a', 's'> ?>
// expect: the expression uses a variable that has no binding
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto w = var<"w">;
    constexpr auto bias = var<"bias">;
#ifdef ETGRAD_TRIGGER
    auto r = value_and_grad(sigmoid(w + bias), w = 1.0);
#else
    auto r = value_and_grad(sigmoid(w + bias), w = 1.0, bias = 0.0);
#endif
    return r.value > 0 ? 0 : 1;
}
