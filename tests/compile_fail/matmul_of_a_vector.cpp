// matmul(X, w) with X bound to a vector (not a matrix) says what X must be bound to, rather than
// failing deep inside the pass.
// expect: matmul\(X, w\): X must be bound to a matrix
#include <vector>

#include <etgrad/array.hpp>
using namespace etgrad;
constexpr auto X = var<"X">;
constexpr auto w = var<"w">;
int main() {
    const std::vector<double> values{1.0, 2.0, 3.0, 4.0}, weights{0.5, 0.5};
#ifdef ETGRAD_TRIGGER
    (void)value_and_grad(mean(matmul(X, w)), X = values, w = weights);
#endif
    return value_and_grad(mean(matmul(X, w)), X = as_matrix(values, 2, 2), w = weights).value > 0 ? 0 : 1;
}
