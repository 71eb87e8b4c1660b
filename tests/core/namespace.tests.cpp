// `using namespace etgrad;` brings in the names a user calls and nothing else: a user's own
// globals named like etgrad's helpers stay usable, and with `using namespace std;` as well,
// calls on plain numbers are not ambiguous.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <etgrad/etgrad.hpp>

#include "support/catch.hpp"

double step = 0.5;
double sign = -1.0;
double error = 0.25;
double num = 3.0;
double in_interval = 1.5;
double tie_split = 2.5;
double chars = 4.0;

using namespace etgrad;
using namespace std;

TEST_CASE("a user's globals named like etgrad's helpers stay usable", "[core][namespace]") {
    CHECK(step * 2 == 1.0);
    CHECK(sign == -1.0);
    CHECK(error == 0.25);
    CHECK(num == 3.0);
    CHECK(in_interval + tie_split + chars == 8.0);
}

TEST_CASE("with using namespace std too, calls on numbers are not ambiguous", "[core][namespace]") {
    CHECK(pow(2.0, 3) == 8.0);
    CHECK(pow(2, 3) == 8.0);
    CHECK(pow(2.0f, 2.0f) == 4.0f);
    CHECK(sin(0.5) == std::sin(0.5));
    CHECK(exp(1) == std::exp(1.0));
    CHECK(sqrt(4) == 2.0);
    CHECK(log(1.0f) == 0.0f);
    CHECK(abs(-2) == 2);
    CHECK(abs(-2.5) == 2.5);
    CHECK(max(1.0, 2.0) == 2.0);
    CHECK(min(3, 4) == 3);
    CHECK(clamp(5.0, 0.0, 1.0) == 1.0);
    CHECK(tanh(0.0) == 0.0);
    constexpr auto x = var<"x">;
    CHECK(pow(x, 2)(x = 3.0) == 9.0);
    CHECK(value_and_grad(sin(x) * exp(x), x = 0.0).grad[x] == 1.0);
}
