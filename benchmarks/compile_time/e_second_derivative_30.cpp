// (e) The second derivative of 30 nested sin.
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto d2f = d(d(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(x)))))))))))))))))))))))))))))), x), x);
static_assert(sizeof(d2f) > 0);
