// (a) The neuron's symbolic gradient plus the compile-time check of the hand formulas.
#include <etgrad/symbolic.hpp>

using namespace etgrad;

constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto p = sigmoid(w * x + b);
constexpr auto loss = bce(p, y);

static_assert(check_derivative(loss, w, (p - y) * x, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));
static_assert(check_derivative(loss, b, p - y, at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));

double gradient(double wv, double bv, double xv, double yv, double* db) {
    const auto [dw, dbias] = d(loss, w, b);
    *db = dbias(w = wv, b = bv, x = xv, y = yv);
    return dw(w = wv, b = bv, x = xv, y = yv);
}
