// A user's op whose rules branch on values (a ternary, not math::select), so it declares that
// they take no SIMD packs: the engines must then compute it element by element.
#pragma once
#include <cstddef>

namespace etgrad_test {
/// leaky(a) = a for a > 0, a / 4 otherwise.
struct branchy_op {
    static constexpr char name[] = "branchy";
    static constexpr bool packs = false;
    template <class A>
    static constexpr auto value(A a) {
        return a > 0 ? a : 0.25 * a;
    }
    template <std::size_t I, class Y, class A>
    static constexpr auto partial(const Y&, const A& a) {
        return a > 0 ? 1.0 : 0.25;
    }
};
}  // namespace etgrad_test
