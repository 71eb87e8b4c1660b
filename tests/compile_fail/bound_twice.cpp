// Binding the same variable twice names it.
// expect: the_same_variable_is_bound_twice<(etgrad::detail::)?chars<'x'> ?>
// expect: the same variable is bound twice
#include <etgrad/static.hpp>
using namespace etgrad;
int main() {
    constexpr auto x = var<"x">;
#ifdef ETGRAD_TRIGGER
    return int(grad(x * x, x = 1.0, x = 2.0)[x]);
#else
    return int(grad(x * x, x = 1.0)[x]);
#endif
}
