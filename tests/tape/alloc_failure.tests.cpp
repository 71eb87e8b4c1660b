// backward under allocation failure: std::bad_alloc thrown at the k-th allocation inside
// backward, for every k until backward allocates nothing more, must leave every gradient and
// the graph as they were (the strong guarantee), so that backward can simply be called again.
#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

namespace {
long allocations_left = -1;  // < 0: no failure armed; 0: the next allocation fails
}  // namespace

void* operator new(std::size_t n) {
    if (allocations_left == 0) throw std::bad_alloc();
    if (allocations_left > 0) --allocations_left;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace etgrad;

namespace {
bool backward_with_failure_at(Tensor& y, long k) {
    allocations_left = k;
    bool threw = false;
    try {
        y.backward(retain_graph);
    } catch (const std::bad_alloc&) {
        threw = true;
    }
    allocations_left = -1;
    return threw;
}
}  // namespace

TEST_CASE("backward is exception-safe: an allocation failure changes no gradient", "[tape][reliability]") {
    const std::vector<double> xs{0.5, 1.0, 2.0};
    int failures = 0;
    for (long k = 0; k < 64; ++k) {
        Tensor x = from_vector(xs, {3}).requires_grad_();
        Tensor w = tensor(0.25, requires_grad);
        Tensor v = sin(x) * w;  // vector nodes, a vector leaf, a scalar leaf, a retained vector
        v.retain_grad();
        Tensor y = sum(v) + w * w;
        // first pass: gradients are created (allocations); second pass: they accumulate
        for (int pass = 1; pass <= 2; ++pass) {
            const std::vector<double> gx_before = x.grad().defined() ? x.grad().to_vector() : std::vector<double>{};
            const double gw_before = w.grad().defined() ? w.grad().item() : 0.0;
            if (backward_with_failure_at(y, k)) {
                ++failures;
                CHECK(x.grad().defined() == (pass == 2));  // nothing created, nothing added
                CHECK(v.grad().defined() == (pass == 2));
                if (pass == 2) CHECK(v.grad().to_vector() == std::vector<double>(3, 1.0));
                if (pass == 2) CHECK(x.grad().to_vector() == gx_before);
                CHECK((w.grad().defined() ? w.grad().item() : 0.0) == gw_before);
                y.backward(retain_graph);  // the graph is intact: the pass runs again
            }
            double gw = 0;
            for (std::size_t i = 0; i < 3; ++i) {
                CHECK_THAT(x.grad().to_vector()[i], WithinRel(pass * 0.25 * std::cos(xs[i]), 1e-14));
                gw += std::sin(xs[i]);
            }
            CHECK_THAT(w.grad().item(), WithinRel(pass * (gw + 0.5), 1e-14));
            CHECK(v.grad().to_vector() == std::vector<double>(3, double(pass)));
        }
    }
    CHECK(failures > 0);  // the injection reached backward's allocations
}
