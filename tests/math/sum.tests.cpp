// Pairwise and cascade summation against exact sums.
#include <cstdint>
#include <vector>

#include <etgrad/math/sum.hpp>

#include "support/catch.hpp"

TEST_CASE("pairwise and cascade sums agree with the exact sum to a few ulp", "[math][sum]") {
    for (std::int64_t n : {0, 1, 7, 8, 9, 127, 128, 129, 1000, 100003}) {
        std::vector<double> v(static_cast<std::size_t>(n));
        std::uint64_t s = std::uint64_t(n) + 1;
        long double exact = 0;
        etgrad::detail::cascade_sum<double> running;
        for (double& x : v) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            x = double(s >> 11) * (1.0 / 9007199254740992.0) - 0.25;
            exact += x;
            running.add(x);
        }
        INFO("n = " << n);
        CHECK_THAT(etgrad::detail::pairwise_sum(v.data(), n), WithinRel(double(exact), 1.6e-15) || WithinAbs(double(exact), 1e-13));
        CHECK_THAT(running.total(), WithinRel(double(exact), 1.6e-15) || WithinAbs(double(exact), 1e-13));
        long double every_other = 0;
        for (std::int64_t i = 0; i < n / 2; ++i) every_other += v[static_cast<std::size_t>(2 * i)];
        CHECK_THAT(etgrad::detail::pairwise_sum(v.data(), n / 2, 2),
                   WithinRel(double(every_other), 1.6e-15) || WithinAbs(double(every_other), 1e-13));
    }
}
