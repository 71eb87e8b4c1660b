// (d) d() of 30 nested sin: a deep composition, whose derivative is a product of 30 factors.
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto df = d(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(x)))))))))))))))))))))))))))))), x);
static_assert(sizeof(df) > 0);
