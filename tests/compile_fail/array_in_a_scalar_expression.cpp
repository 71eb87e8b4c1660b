// An array bound to a variable of a scalar expression says to differentiate a reduction of it
// (sum or mean), rather than failing deep inside the sweep.
// expect: a variable is bound to an array
#include <vector>

#include <etgrad/array.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
int main() {
    const std::vector<double> v{1.0, 2.0};
#ifdef ETGRAD_TRIGGER
    (void)value_and_grad(x * x, x = v);
#endif
    return value_and_grad(mean(x * x), x = v).value > 0 ? 0 : 1;
}
