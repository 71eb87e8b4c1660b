// A variable bound to something that is neither a number nor a Tensor names the variable.
// expect: a_variable_can_only_be_bound_to_a_number_or_a_tensor<(etgrad::detail::)?chars<'x'>
// expect: a variable can only be bound to an arithmetic value or a Tensor
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
#ifdef ETGRAD_TRIGGER
    x = y * 2.0;
#else
    (void)(x = 2.0);
    (void)y;
#endif
}
