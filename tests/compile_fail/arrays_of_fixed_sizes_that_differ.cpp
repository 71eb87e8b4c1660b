// Two std::arrays of different fixed sizes in one elementwise expression are a compile error
// naming both variables and sizes (a run-time shape_error for arrays sized at run time).
// expect: arrays_of_fixed_sizes_that_differ_do_not_broadcast
#include <array>

#include <etgrad/array.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
int main() {
    const std::array<double, 3> three{1.0, 2.0, 3.0};
    const std::array<double, 2> two{1.0, 2.0};
    const std::array<double, 1> one{2.0};
#ifdef ETGRAD_TRIGGER
    (void)value_and_grad(sum(x * y), x = three, y = two);
#endif
    const double a = value_and_grad(sum(x * y), x = three, y = one).value;  // a size of 1 broadcasts
    const double b = value_and_grad(sum(x), x = two).value;
    return a == 12.0 && b == 3.0 ? 0 : 1;
}
