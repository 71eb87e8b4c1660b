// Comparing formulas that hold plain numbers (run-time constants) at compile time says to use
// compile-time constants such as 200_c, rather than failing without a word.
// max-errors: 2 (g++ reports the non-constant static_assert, then the call that made it so)
// expect: plain_numbers_in_a_formula_are_run_time_constants_so_compare_with_compile_time_constants_such_as_2_c
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto f = pow(1_c - a, 2_c) + 100_c * pow(b - a * a, 2_c);
#ifdef ETGRAD_TRIGGER
static_assert(d(f, b) == 200.0 * (b - a * a));
#else
static_assert(d(f, b) == 200_c * (b - a * a));
#endif
int main() {}
