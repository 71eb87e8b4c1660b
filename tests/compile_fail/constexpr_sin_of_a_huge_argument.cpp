// Constant evaluation of sin, cos and tan refuses arguments past its accurate range (1e9 in
// double), naming the bound, rather than disagreeing with <cmath> without a word.
// max-errors: 2 (g++ reports the non-constant static_assert, then the call that made it so)
// expect: constexpr_sin_cos_tan_take_arguments_up_to_1e6_in_float_and_1e9_in_double
#include <etgrad/static.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
#ifdef ETGRAD_TRIGGER
static_assert(sin(x)(x = 1e15) < 2.0);
#else
static_assert(sin(x)(x = 1e8) < 2.0);
#endif
int main() {}
