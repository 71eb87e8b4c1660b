// A symbolic derivative that outgrows the node budget stops with a message that names the
// expression (g++ prints its name, clang++ its type) and the way out, instead of exhausting
// the compiler's time and memory.
// expect: ETGRAD_SYMBOLIC_NODE_BUDGET
// expect: value_and_grad
// expect: sin(\(sin\(|_op, etgrad::node<etgrad::sin_op)
#ifndef ETGRAD_TRIGGER
#define ETGRAD_SYMBOLIC_NODE_BUDGET 2000
#else
#define ETGRAD_SYMBOLIC_NODE_BUDGET 60
#endif
#include <etgrad/symbolic.hpp>
using namespace etgrad;
constexpr auto x = var<"x">;
constexpr auto f = sin(sin(sin(sin(sin(sin(x))))));
#ifdef ETGRAD_TRIGGER
constexpr auto d2f = d(d(f, x), x);
#else
constexpr auto d2f = d(d(f, x), x) - d(d(sin(sin(sin(sin(sin(sin(x)))))), x), x);
#endif
static_assert(sizeof(d2f) > 0);
int main() {}
