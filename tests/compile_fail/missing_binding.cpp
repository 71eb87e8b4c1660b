// A variable of the expression without a binding names the variable.
// expect: no_value_is_bound_for_variable<(etgrad::detail::)?chars<'y'> ?>
// expect: the expression uses a variable that has no binding
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto x = var<"x">;
    constexpr auto y = var<"y">;
#ifdef ETGRAD_TRIGGER
    return int((x * y)(x = 1.0));
#else
    return int((x * y)(x = 1.0, y = 0.0));
#endif
}
