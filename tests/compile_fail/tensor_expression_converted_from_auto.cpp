// An expression of Tensors kept in an `auto` variable does not become a Tensor by a copy.
// expect: an expression of Tensors is recorded when it becomes a Tensor
#include <etgrad/tape.hpp>
using namespace etgrad;
int main() {
    Tensor x = tensor(3.0, requires_grad);
    auto e = sin(x) * x;
#ifdef ETGRAD_TRIGGER
    Tensor y = e;
#else
    Tensor y = std::move(e);
#endif
    return y.requires_grad() ? 0 : 1;
}
