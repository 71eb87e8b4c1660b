// An expression of Tensors kept in an `auto` variable cannot become a Tensor or be read: it would
// be recorded again at each use, as separate tensors where PyTorch has one.
// expect: an expression of Tensors is recorded when it becomes a Tensor
// expect: write `Tensor y = ...;`
#include <etgrad/tape.hpp>
using namespace etgrad;
int main() {
    Tensor x = tensor(3.0, requires_grad);
#ifdef ETGRAD_TRIGGER
    auto y = x * x;
    y.backward();
#else
    Tensor y = x * x;
    y.backward();
#endif
    return x.grad().item() == 6.0 ? 0 : 1;
}
