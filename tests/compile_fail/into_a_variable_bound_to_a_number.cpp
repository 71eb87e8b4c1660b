// into(w, buffer) for a variable bound to a number (its gradient is a number) is one compile
// error that says what into needs.
// expect: into\(x, buffer\): x must be bound to an array
#include <vector>

#include <etgrad/array.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto w = var<"w">;
int main() {
    const std::vector<double> v{1.0, 2.0};
    std::vector<double> g(2);
#ifdef ETGRAD_TRIGGER
    (void)value_and_grad(sum(w * x), into(w, g), x = v, w = 1.0);
#endif
    return value_and_grad(sum(w * x), into(x, g), x = v, w = 1.0).value > 0 ? 0 : 1;
}
