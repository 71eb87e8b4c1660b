// (f) d/dw of a recurrence h = tanh(w*h + b) unrolled over 20 steps.
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto w = var<"w">;
constexpr auto b = var<"b">;
constexpr auto h0 = var<"h0">;
constexpr auto dw = d(tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * tanh(w * h0 + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b) + b), w);
static_assert(sizeof(dw) > 0);
