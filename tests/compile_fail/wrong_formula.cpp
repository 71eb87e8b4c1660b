// A wrong gradient formula is a compile error naming the formula, the variable and the point.
// expect: the_formula_differs_from_the_derivative
// expect: (fixed_string<[0-9]+>\{"\(sigmoid\(w\*x\+b\)-y\)\*w"\}|\(p - y\) \* w)
// expect: (fixed_string<8>\{"w,b,x,y"\}|9\.987706e-01, 6\.691763e\+00, 1\.000000e\+00, 0\.000000e\+00, 6\.700000e\+00)
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto p = sigmoid(w * x + b);
#ifdef ETGRAD_TRIGGER
static_assert(check_derivative(bce(p, y), w, (p - y) * w, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));
#else
static_assert(check_derivative(bce(p, y), w, (p - y) * x, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));
#endif
int main() {}
